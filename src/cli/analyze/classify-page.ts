/**
 * The page `classify-events.ts` drives: MOL (the app's model stage, shipped weights) on 8-frame clips of aligned
 * crops handed over from Node, one full forward per clip, as the spot stage classifies a closed event.
 */
import { initTfBackend, type TfBackendName } from '../../gpu/tf-backend';
import { ModelStage } from '../../model/model-stage';

export interface ClassifyRequest {
  backend: TfBackendName;
  /** Per clip: 8 crops, each 128x128 uint8 as base64. */
  clips: string[][];
}

export interface ClassifyResponse {
  classes: string[];
  weights: { id: string; trained: boolean };
  backend: string;
  /** Softmax probabilities per clip, in `classes` order. */
  probabilities: number[][];
}

declare global {
  interface Window {
    __classify(req: ClassifyRequest): Promise<ClassifyResponse>;
  }
}

const statusEl = document.getElementById('status');

function bytes(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

window.__classify = async (req: ClassifyRequest): Promise<ClassifyResponse> => {
  const { backend } = await initTfBackend(req.backend);
  const stage = await ModelStage.create({ backend });
  try {
    const probabilities: number[][] = [];
    for (const [i, clip] of req.clips.entries()) {
      probabilities.push(Array.from(await stage.classifyClip(clip.map(bytes))));
      if (statusEl) statusEl.textContent = `clip ${i + 1} of ${req.clips.length}`;
    }
    return { classes: [...stage.info.classes], weights: { id: stage.info.weights.id, trained: stage.info.weights.trained }, backend, probabilities };
  } finally {
    stage.dispose();
  }
};

if (statusEl) statusEl.textContent = 'ready';
