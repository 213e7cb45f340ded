/** What replay keeps per frame and per event, and one whole session (live or reopened from a file). */
import type { Point } from '../pipeline/types';
import type { EventRecord } from '../spotting/event-export';
import type { SpotTraceRow } from '../spotting/frame-scorer';

/** Side of the aligned crop (MOL's input), px. */
export const CROP_SIZE = 128;

export interface ReplayFrame {
  index: number;
  timestampMs: number;
  /** Aligned 128x128 grey crop, row-major uint8. */
  crop: Uint8Array;
  /** MOL's flow previous -> this frame, [128,128,2] u/v interleaved, crop px; null without the model. */
  flow: Float32Array | null;
  /** MOL's 68 predicted landmarks, crop px. */
  molLandmarks: Point[] | null;
  /** MediaPipe's 68 points mapped into the crop, crop px. */
  landmarks: Point[] | null;
}

/** The recorded frames around one event (a contiguous stretch of the stream, a few frames of margin each side). */
export interface ReplayClip {
  eventId: string;
  frames: ReplayFrame[];
}

export interface SessionData {
  /** ISO 8601 time the session was saved or started. */
  createdAt: string;
  model: { id: string; trained: boolean } | null;
  /** The model's class order, or null when nothing was classified. */
  classes: string[] | null;
  events: EventRecord[];
  /** The spotter's per-frame trace. */
  trace: SpotTraceRow[];
  clips: ReplayClip[];
}
