/**
 * Per-frame results travel here, not through React state: overlays, the crop preview and the analyze page
 * subscribe and draw/record at their own pace.
 */
import type { FrameResult } from './types';

export type FrameListener = (result: FrameResult) => void;

export interface FrameBus {
  subscribe(cb: FrameListener): () => void;
  publish(result: FrameResult): void;
  /** The last published result (null before the first frame or after clear()). */
  readonly last: FrameResult | null;
  clear(): void;
}

export function createFrameBus(): FrameBus {
  const listeners = new Set<FrameListener>();
  let last: FrameResult | null = null;
  return {
    subscribe(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    publish(result) {
      last = result;
      for (const cb of listeners) {
        try {
          cb(result);
        } catch (err) {
          // one faulty subscriber must not stop the others or the pipeline
          console.error('frame bus subscriber failed', err);
        }
      }
    },
    get last() {
      return last;
    },
    clear() {
      last = null;
    },
  };
}

/** The app-wide bus the pipeline publishes every processed frame on. */
export const frameBus: FrameBus = createFrameBus();
