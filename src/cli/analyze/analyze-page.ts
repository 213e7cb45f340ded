/**
 * The page `npm run analyze` drives: fetches the input file from the dev server, runs every frame through the
 * app's pipeline and hands each frame's record (and optionally its crop) to the Node side.
 */
import { VideoFileSource } from '../../ingest/video-file-source';
import { createFrameBus } from '../../pipeline/frame-bus';
import { createPipeline } from '../../pipeline/pipeline';
import type { TfBackendName } from '../../gpu/tf-backend';
import { toFrameRecord } from './frame-record';

export interface AnalyzeRequest {
  name: string;
  backend: TfBackendName;
  crops: boolean;
  /** Official per-frame alignment instead of the smoothed one (for comparisons). */
  noSmoothing: boolean;
}

export interface AnalyzeSummary {
  frames: number;
  facesFound: number;
  droppedFrames: number;
  /** 'y4m' | 'webcodecs' | 'video-element' */
  decodePath: string | null;
  backend: string;
  fallbackReason: string | null;
  width: number;
  height: number;
}

declare global {
  interface Window {
    __analyze(req: AnalyzeRequest): Promise<AnalyzeSummary>;
    /** Provided by the Node side (page.exposeFunction). */
    __emitFrame(record: string, cropBase64: string | null): Promise<void>;
  }
}

const statusEl = document.getElementById('status');

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

window.__analyze = async (req: AnalyzeRequest): Promise<AnalyzeSummary> => {
  const res = await fetch(new URL('/@analyze-input', location.origin));
  if (!res.ok) throw new Error(`the dev server did not serve the input file (HTTP ${res.status})`);
  const blob = await res.blob();
  const pipeline = await createPipeline({ backend: req.backend, bus: createFrameBus(), smoothAlignment: !req.noSmoothing });
  const source = new VideoFileSource(blob, req.name);
  let frames = 0;
  let facesFound = 0;
  let width = 0;
  let height = 0;
  await source.start(async (frame) => {
    const result = await pipeline.process(frame);
    frames++;
    if (result.faceFound) facesFound++;
    width = frame.width;
    height = frame.height;
    const crop = req.crops ? base64(result.crop ?? new Uint8Array(128 * 128)) : null;
    await window.__emitFrame(JSON.stringify(toFrameRecord(result)), crop);
    if (statusEl) statusEl.textContent = `frame ${frames}`;
  });
  pipeline.dispose();
  return { frames, facesFound, droppedFrames: source.droppedFrames, decodePath: source.decodePath, backend: pipeline.backend, fallbackReason: pipeline.fallbackReason, width, height };
};

if (statusEl) statusEl.textContent = 'ready';
