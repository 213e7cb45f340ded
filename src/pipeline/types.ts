/**
 * Per-frame result of the tracking -> alignment -> window chain (and, later, model and spotting).
 * This object is what the UI overlays draw, what `npm run analyze` writes as one line of frames.jsonl,
 * and what later stages extend. It travels over the frame bus, never through React state.
 */
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
  timings: StageTimings;
}
