/**
 * MediaPipe FaceMesh-with-attention (tfjs graph, 192x192 RGB in [0,1]) run directly, not through
 * @tensorflow-models/face-landmarks-detection: that package insists on its own detector and tracking loop,
 * while we detect with MediaPipe Tasks' FaceDetector and own the ROI tracking. The model's part outputs
 * (lips, eyes, irises) are merged into the 468-point mesh with the index maps in facemesh-refinement.json,
 * giving MediaPipe's 478 points.
 * With `backend` set (the app uses 'wasm': XNNPACK is 10x+ faster than tfjs-cpu or SwiftShader WebGPU for this
 * network) the weights are created on that backend and every call borrows it synchronously (`runOnBackend`),
 * so MOL keeps the page's backend. Without it the network runs on the active backend, as before.
 */
import * as tf from '@tensorflow/tfjs';
import { runOnBackend } from '../gpu/wasm-backend';
import { floatIntMatMuls, type GraphTopology } from './int-matmul-rewrite';
import type { Point } from '../pipeline/types';
import { TrackingAssetError } from './types';

export const MESH_INPUT_SIZE = 192;
/** Below this face-presence probability the ROI no longer holds a face: the tracker re-detects. */
export const FACE_PRESENCE_THRESHOLD = 0.5;

// Output tensors of the converted attention model and which part each one is (per face-landmarks-detection).
const OUTPUTS = {
  faceflag: 'output_faceflag',
  mesh: 'output_mesh_identity',
  lips: 'output_lips',
  leftEye: 'Identity_1:0',
  rightEye: 'Identity_5:0',
  leftIris: 'Identity_2:0',
  rightIris: 'Identity_6:0',
} as const;
type Part = 'lips' | 'leftEye' | 'rightEye' | 'leftIris' | 'rightIris';
const PARTS: Part[] = ['lips', 'leftEye', 'rightEye', 'leftIris', 'rightIris'];

type RefinementMaps = Record<Part, { indexesMapping: number[] }>;

export interface MeshEstimate {
  /** Face presence probability in [0, 1]. */
  presence: number;
  /** 478 points in the 192x192 input's pixel frame. */
  points: Point[];
}

export class FaceMeshModel {
  private constructor(
    private readonly model: tf.GraphModel,
    private readonly maps: RefinementMaps,
    /** The backend this network runs on, or null: the active one. */
    readonly backend: string | null,
  ) {}

  static async load(modelUrl: string, refinementUrl: string, backend: string | null = null): Promise<FaceMeshModel> {
    let model: tf.GraphModel;
    try {
      if (backend === null) {
        model = await tf.loadGraphModel(modelUrl);
      } else {
        // Fetch without creating tensors, then build the weights in one synchronous turn on `backend`.
        const handler = tf.io.http(modelUrl);
        if (!handler.load) throw new Error('the tfjs http handler cannot load');
        const loaded = await handler.load();
        // wasm multiplies float32 only; the rewrite is exact for this graph's int32 MatMuls (index repeats).
        const artifacts = { ...loaded, modelTopology: floatIntMatMuls(loaded.modelTopology as GraphTopology).topology };
        model = runOnBackend(backend, () => {
          const m = new tf.GraphModel(tf.io.fromMemory(artifacts));
          m.loadSync(artifacts);
          return m;
        });
      }
    } catch (err) {
      throw new TrackingAssetError(`Could not load the face landmark model from ${modelUrl}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const res = await fetch(refinementUrl);
    if (!res.ok) throw new TrackingAssetError(`Could not load ${refinementUrl} (HTTP ${res.status})`);
    const maps = (await res.json()) as RefinementMaps;
    for (const p of PARTS) {
      if (!Array.isArray(maps[p]?.indexesMapping)) throw new TrackingAssetError(`${refinementUrl} lacks the ${p} index map`);
    }
    return new FaceMeshModel(model, maps, backend);
  }

  /** Runs the network on one 192x192x3 input (float32 in [0, 1]). */
  async estimate(input: Float32Array): Promise<MeshEstimate> {
    if (this.backend !== null) {
      return this.decode(runOnBackend(this.backend, () => this.runSync(input)));
    }
    const [x, outs] = this.run(input);
    try {
      return this.decode(await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>)));
    } finally {
      x.dispose();
      tf.dispose(outs);
    }
  }

  private run(input: Float32Array): [tf.Tensor, tf.Tensor[]] {
    const names = [OUTPUTS.faceflag, OUTPUTS.mesh, ...PARTS.map((p) => OUTPUTS[p])];
    const x = tf.tensor4d(input, [1, MESH_INPUT_SIZE, MESH_INPUT_SIZE, 3]);
    return [x, this.model.execute(x, names) as tf.Tensor[]];
  }

  /** On wasm, reading back is a copy out of the module's memory: synchronous and cheap. */
  private runSync(input: Float32Array): Float32Array[] {
    const [x, outs] = this.run(input);
    try {
      return outs.map((t) => t.dataSync() as Float32Array);
    } finally {
      x.dispose();
      tf.dispose(outs);
    }
  }

  private decode(data: Float32Array[]): MeshEstimate {
    const raw = data[0][0];
    // The converted graph ends in a sigmoid for some exports and a logit for others; map both to [0, 1].
    const presence = raw >= 0 && raw <= 1 ? raw : 1 / (1 + Math.exp(-raw));
    const mesh = data[1];
    const points: Point[] = [];
    for (let i = 0; i < 468; i++) points.push([mesh[3 * i], mesh[3 * i + 1]]);
    for (let i = 468; i < 478; i++) points.push([0, 0]);
    PARTS.forEach((p, k) => {
      const values = data[2 + k];
      const map = this.maps[p].indexesMapping;
      for (let j = 0; j < map.length; j++) points[map[j]] = [values[2 * j], values[2 * j + 1]];
    });
    return { presence, points };
  }

  dispose(): void {
    // tfjs records each tensor's backend, so this frees the weights wherever they live.
    this.model.dispose();
  }
}
