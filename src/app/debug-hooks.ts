/**
 * `window.__meAnalyzer`: a read-only view of the running app for tests, `npm run` tools and curious users
 * (open the console). It observes the same objects the UI uses; it has no switches that change behaviour.
 *
 *   version          1
 *   lastResult()     the latest FrameResult (with `crop` as a plain number array), or null
 *   framesProcessed()  frames analysed since the current source started
 *   pixelPath()      how the live source reads frames: 'track' (camera track), 'decode' (demo clip, WebCodecs),
 *                    'draw' (<video>), or null
 *   state()          the store's plain data (source, stats, backend, problem, notices, settings)
 *   snapshot()       { result, frame: { width, height, rgba: number[] } } of the frame currently on screen,
 *                    taken atomically (the video canvas holds exactly the analysed frame)
 *   watchFrames(region, cb)  calls cb(index, timestampMs, rgba) with a rectangle of every analysed frame's
 *                    pixels as it is analysed (e.g. a frame number stamped into a test clip); returns unwatch
 */
import type { FrameResult } from '../pipeline/types';
import type { LivePixelPath } from '../ingest/types';
import { useAppStore, type AppState } from '../state/store';
import type { AppController } from './controller';
import { subscribeFrameView } from './view-bus';

type Plain<T> = { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: T[K] };

export type SerializableResult = Omit<FrameResult, 'crop'> & { crop: number[] | null };

export interface MeAnalyzerDebug {
  version: 1;
  lastResult(): SerializableResult | null;
  framesProcessed(): number;
  /** How the running live source reads its frames ('track', 'decode', 'draw'), null when it does not say. */
  pixelPath(): LivePixelPath | null;
  state(): Plain<AppState>;
  snapshot(): { result: SerializableResult; frame: { width: number; height: number; rgba: number[] } } | null;
  watchFrames(region: PixelRegion, cb: (index: number, timestampMs: number, rgba: Uint8ClampedArray) => void): () => void;
}

export interface PixelRegion { x: number; y: number; width: number; height: number }

declare global {
  interface Window {
    __meAnalyzer?: MeAnalyzerDebug;
  }
}

const serialize = (r: FrameResult): SerializableResult => ({ ...r, crop: r.crop ? Array.from(r.crop) : null });

export function installDebugHooks(controller: AppController, videoCanvas: () => HTMLCanvasElement | null): void {
  let shown: FrameResult | null = null;
  subscribeFrameView(({ result }) => { shown = result; });
  window.__meAnalyzer = {
    version: 1,
    lastResult: () => (controller.lastResult ? serialize(controller.lastResult) : null),
    framesProcessed: () => controller.framesProcessed,
    pixelPath: () => controller.sourcePixelPath,
    state: () => {
      const s = useAppStore.getState();
      return Object.fromEntries(Object.entries(s).filter(([, v]) => typeof v !== 'function')) as Plain<AppState>;
    },
    watchFrames: (region, cb) => {
      const scratch = document.createElement('canvas');
      [scratch.width, scratch.height] = [region.width, region.height];
      const ctx = scratch.getContext('2d', { willReadFrequently: true })!;
      // The frame's image is valid only while the view bus calls its subscribers: copied out at once.
      return subscribeFrameView(({ frame, result }) => {
        ctx.drawImage(frame.image, region.x, region.y, region.width, region.height, 0, 0, region.width, region.height);
        cb(result.index, result.timestampMs, ctx.getImageData(0, 0, region.width, region.height).data);
      });
    },
    snapshot: () => {
      const canvas = videoCanvas();
      const ctx = canvas?.getContext('2d', { willReadFrequently: true });
      if (!shown || !canvas || !ctx) return null;
      const rgba = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      return { result: serialize(shown), frame: { width: canvas.width, height: canvas.height, rgba: Array.from(rgba) } };
    },
  };
}
