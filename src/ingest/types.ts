/**
 * Stage 1 (ingest) contract: every source (webcam, video file, bundled demo) delivers frames through
 * this one interface, in order, with strictly increasing timestamps.
 */
import type { ClockEstimate } from './frame-clock';
import type { FrameBacklogStats } from './frame-backlog';

/** One decoded video frame. `image` is valid only until the returned promise of `onFrame` settles. */
export interface Frame {
  /** 0-based index in the source's frame sequence (for files: the frame number in the file). */
  index: number;
  /** Presentation time in ms from the start of the source (camera: since start of capture). */
  timestampMs: number;
  /** Pixel size of the frame (video pixel coordinates refer to this). */
  width: number;
  height: number;
  /** The pixels: a canvas, ImageBitmap, VideoFrame, HTMLVideoElement or ImageData-backed canvas. */
  image: CanvasImageSource;
  /** The source jumped here (a looped clip starting again): this frame does not continue the one before. */
  cut?: boolean;
}

export type SourceKind = 'camera' | 'file' | 'demo';

export interface SourceInfo {
  kind: SourceKind;
  /** Human-readable label: camera label, file name, "Demo clip". */
  label: string;
  /** Nominal frame rate if known (camera settings or container), else null. */
  nominalFps: number | null;
  /** Total frames if known (files), else null. */
  frameCount: number | null;
}

/**
 * A frame source. `start` resolves when the source ends (file/demo end) or is stopped; it rejects with a
 * named error (see src/ingest/errors.ts) when the source fails (permission denied, unplugged, unreadable).
 * Real-time sources (camera) drop frames while `onFrame` is still busy; file sources never drop: they
 * wait for `onFrame` before decoding the next frame.
 */
export interface FrameSource {
  readonly info: SourceInfo;
  start(onFrame: (frame: Frame) => Promise<void> | void): Promise<void>;
  stop(): void;
  /** Frames per second the source delivers right now (camera, demo: measured), if it can tell. */
  measuredFps?(): number;
  /** Frame time and interval jitter of the delivered frames (camera, demo), null until known. */
  measuredTiming?(): ClockEstimate | null;
  /** How live frames are read, null before the first; absent for sources that hand over every frame of a file. */
  pixelPath?(): LivePixelPath | null;
  /** Frames waiting to be analysed, for a camera that keeps every frame (analysis lags rather than drops). */
  backlog?(): FrameBacklogStats | null;
  /** Something the user should know about how frames are taken (e.g. why every frame cannot be kept), or null. */
  captureNote?(): string | null;
}

/** 'track': a camera track's own frames; 'decode': a clip decoded with WebCodecs and paced here; 'draw': drawn
 *  (read back) from a <video>. */
export type LivePixelPath = 'track' | 'decode' | 'draw';
