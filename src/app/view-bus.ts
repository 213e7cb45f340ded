/**
 * Per-frame channel from the app controller to the canvases (video, landmark overlay, aligned crop).
 * Subscribers run synchronously while the frame's image is still valid (see Frame in src/ingest/types.ts),
 * so what is drawn is exactly the frame that was analysed. React state never sees this data.
 */
import type { Frame } from '../ingest/types';
import type { FrameResult } from '../pipeline/types';

export interface FrameView {
  frame: Frame;
  result: FrameResult;
}

type Listener = (view: FrameView) => void;
const listeners = new Set<Listener>();

export function subscribeFrameView(cb: Listener): () => void {
  listeners.add(cb);
  return () => listeners.delete(cb);
}

export function publishFrameView(view: FrameView): void {
  for (const cb of listeners) {
    try {
      cb(view);
    } catch (err) {
      // One broken view must not stop analysis; the ErrorBoundary covers React, this covers canvases.
      console.error('frame view subscriber failed', err);
    }
  }
}
