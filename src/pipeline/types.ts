/**
 * Per-frame result of the tracking -> alignment -> window chain (and, later, model and spotting).
 * This object is what the UI overlays draw, what `npm run analyze` writes as one line of frames.jsonl,
 * and what later stages extend. It travels over the frame bus, never through React state.
 */
import type { SpotTraceRow } from '../spotting/frame-scorer';

export type Point = readonly [number, number];

/** 2x3 affine matrix [a, b, tx, c, d, ty] mapping video pixels to aligned-crop (128x128) pixels. */
export type Affine2x3 = readonly [number, number, number, number, number, number];

export interface StageTimings {
  /** ms spent in each stage for this frame, e.g. { detect: 12.1, landmarks: 40.3, align: 1.2 }. */
  [stage: string]: number;
}

export interface FrameResult {
  index: number;
  timestampMs: number;
  width: number;
  height: number;
  faceFound: boolean;
  /** Number of faces the detector saw (the largest is tracked). */
  faceCount: number;
  /** Face box in video pixels [x, y, w, h], or null. */
  faceBox: readonly [number, number, number, number] | null;
  /** 478 MediaPipe points in video pixels (x, y), or null when no face. */
  points478: Point[] | null;
  /** 68 dlib-convention points in video pixels, or null. */
  landmarks68: Point[] | null;
  /** Smoothed similarity transform video px -> 128 crop px, or null. */
  alignment: Affine2x3 | null;
  /** The 68 points mapped into crop pixels by `alignment`, or null. */
  landmarks68Crop: Point[] | null;
  /** 128x128 grayscale aligned crop, row-major uint8, or null. */
  crop: Uint8Array | null;
  /** How many consecutive aligned frames the window holds now (0..8). */
  windowFill: number;
  /** MOL's outputs once the window holds 8 consecutive aligned frames, else null. */
  model: ModelFrameOutput | null;
  /** The spotter's row for this frame and the intervals that closed with it, or null (no spotting yet). */
  spot: SpotFrameOutput | null;
  timings: StageTimings;
  /** The source jumped at this frame (Frame.cut): tracking state and the spotter's reference start afresh. */
  cut?: boolean;
}

/** Per-frame MOL outputs (see src/model/live.ts). */
export interface ModelFrameOutput {
  /** Softmax probabilities of the current 8-frame window, in `classes` order. */
  probabilities: Float32Array;
  classes: readonly string[];
  /** Flow previous -> this frame, NHWC [128,128,2] (u, v interleaved), crop pixels. */
  flow: Float32Array;
  /** MOL's 68 predicted landmarks for this frame, crop pixels. */
  landmarks68Crop: Point[];
  /** Which weights produced this; `trained: false` means the UI must say the outputs are meaningless. */
  weights: { id: string; trained: boolean };
  /** The frame these outputs belong to (its window ends there; the flow is frame-1 -> frame). With the live
   *  model lane it can be older than the result carrying it: see `modelOutputIsFresh`. */
  frameIndex: number;
}

/** True when `result.model` was computed for this very frame (not an earlier window still on show). */
export function modelOutputIsFresh(result: Pick<FrameResult, 'index' | 'model'>): boolean {
  return result.model !== null && result.model.frameIndex === result.index;
}

/** Per-frame spotting output (see src/spotting/spotter.ts: SpotStep). */
export interface SpotFrameOutput {
  calibrating: boolean;
  /** Calibration progress 0..1. */
  calibrationProgress: number;
  /** Largest per-region robust z-score this frame (the timeline's motion trace). */
  score: number;
  /** Per-region motion magnitude this frame (region name -> px), for the region meters. */
  regions: Record<string, number>;
  /** Intervals that closed with this frame (usually none), already classified where they are micro. */
  events: SpottedEvent[];
  /** The spotter's full trace row for this frame (what the trace CSV holds: z-scores, rigid motion, eye ratio). */
  row?: SpotTraceRow;
}

export interface SpottedEvent {
  id: number;
  kind: 'micro' | 'macro' | 'blink' | 'head';
  onsetFrame: number; apexFrame: number; offsetFrame: number;
  onsetMs: number; apexMs: number; offsetMs: number;
  /** Class label, or 'uncertain' below the confidence threshold; null when not classified (blink, head). */
  label: string | null;
  probabilities: Record<string, number> | null;
  /** Peak per-region magnitude over the interval (px). */
  regionPeaks: Record<string, number>;
  /** Estimated duration (2 x FWHM of the dominant region's displacement) that decided micro vs macro, ms. */
  durationMs?: number;
  /** The region with the highest z at the apex. */
  dominantRegion?: string;
  /** Probability of the most probable class (also when abstaining), or null when not classified. */
  confidence?: number | null;
  /** Score (robust z) at the apex, the largest rigid displacement (px) and the lowest eye-ratio (NaN: no face)
   *  over the interval: the rest of the spotter's MotionInterval, so exports carry the full event record. */
  peakScore?: number;
  rigidPeakPx?: number;
  earMinRatio?: number;
}
