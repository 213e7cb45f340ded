/**
 * Facial regions on the 68 iBUG/dlib landmarks (0-based, the order of FrameResult.landmarks68Crop), and
 * per-region statistics of a MOL flow field.
 *
 * "L"/"R" mean image left/right (as in models/training/moltrain/synth/ibug68.py), not the subject's.
 * A region is the axis-aligned box around its landmarks, grown by a margin and clipped to the crop: boxes
 * follow the face from frame to frame through the landmarks and cost one pass over their pixels.
 *
 * Flow layout: one Float32Array of FLOW_SIZE * FLOW_SIZE * 2 values, NHWC [128, 128, 2] with u (x, to the
 * right) and v (y, down) interleaved: value (y * 128 + x) * 2 + c. That is exactly `flow.dataSync()` of the
 * [1, 128, 128, 2] tensor MolStream.push returns, in pixels of the 128 crop (previous frame -> this frame).
 */
import type { Point } from '../pipeline/types';
import type { Similarity } from './rigid-fit';
import { median, trimmedMean } from './robust-stats';

export const FLOW_SIZE = 128;
export const LANDMARK_COUNT = 68;

export const REGION_NAMES = ['browL', 'browR', 'eyeL', 'eyeR', 'nose', 'mouthL', 'mouthR', 'chin'] as const;
export type RegionName = (typeof REGION_NAMES)[number];

export interface RegionDef {
  readonly landmarks: readonly number[];
  /** Pixels added on every side of the landmarks' box (crop pixels): the skin that moves with them. */
  readonly marginPx: number;
}

/**
 * Margins are a few crop pixels (the inter-ocular distance is about 50 px in MOL's crop): enough to take in
 * the skin the muscles move (brow wrinkles above 17-26, lid folds, the cheek by the mouth corners) without
 * reaching the next region's landmarks.
 */
export const REGIONS: Readonly<Record<RegionName, RegionDef>> = {
  browL: { landmarks: [17, 18, 19, 20, 21], marginPx: 6 },
  browR: { landmarks: [22, 23, 24, 25, 26], marginPx: 6 },
  eyeL: { landmarks: [36, 37, 38, 39, 40, 41], marginPx: 4 },
  eyeR: { landmarks: [42, 43, 44, 45, 46, 47], marginPx: 4 },
  nose: { landmarks: [31, 32, 33, 34, 35], marginPx: 5 },
  mouthL: { landmarks: [48, 49, 59, 60, 67], marginPx: 6 },
  mouthR: { landmarks: [54, 53, 55, 64, 65], marginPx: 6 },
  chin: { landmarks: [7, 8, 9, 56, 57, 58], marginPx: 4 },
};

/** The eye regions: a blink is motion dominated by these. */
export const EYE_REGIONS: readonly RegionName[] = ['eyeL', 'eyeR'];

/**
 * The nose bridge (27-30): the per-frame rigid flow estimate of `regionFlowStats` without landmark history
 * (the frames record's diagnostic). It moves with the crop's re-alignment when the mouth corners or the eyes
 * move, so spotting itself subtracts a robust similarity fit instead (rigid-fit.ts).
 */
export const RIGID_REGION: RegionDef = { landmarks: [27, 28, 29, 30], marginPx: 4 };

/** Inclusive-exclusive pixel box [x0, x1) x [y0, y1) inside the crop. */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export class RegionInputError extends Error {
  override readonly name = 'RegionInputError';
}

export function checkLandmarks(landmarks: readonly Point[]): void {
  if (landmarks.length !== LANDMARK_COUNT) {
    throw new RegionInputError(`expected ${LANDMARK_COUNT} landmarks, got ${landmarks.length}`);
  }
  for (const p of landmarks) {
    if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) throw new RegionInputError('non-finite landmark coordinate');
  }
}

export function checkFlow(flow: ArrayLike<number>): void {
  if (flow.length !== FLOW_SIZE * FLOW_SIZE * 2) {
    throw new RegionInputError(`flow must hold ${FLOW_SIZE}x${FLOW_SIZE}x2 = ${FLOW_SIZE * FLOW_SIZE * 2} values (NHWC, u/v interleaved), got ${flow.length}`);
  }
}

/** The region's box for these landmarks; empty (x1 <= x0) when it falls wholly outside the crop. */
export function regionBox(def: RegionDef, landmarks: readonly Point[]): PixelBox {
  let xmin = Infinity, ymin = Infinity, xmax = -Infinity, ymax = -Infinity;
  for (const i of def.landmarks) {
    const [x, y] = landmarks[i];
    xmin = Math.min(xmin, x); xmax = Math.max(xmax, x);
    ymin = Math.min(ymin, y); ymax = Math.max(ymax, y);
  }
  const clip = (v: number): number => Math.min(FLOW_SIZE, Math.max(0, v));
  // Pixel centres sit at integer coordinates: pixel x belongs to the box when xmin - m <= x <= xmax + m.
  return {
    x0: clip(Math.ceil(xmin - def.marginPx)), x1: clip(Math.floor(xmax + def.marginPx) + 1),
    y0: clip(Math.ceil(ymin - def.marginPx)), y1: clip(Math.floor(ymax + def.marginPx) + 1),
  };
}

export interface FlowVector {
  u: number;
  v: number;
}

export interface RegionFlowStats {
  pixels: number;
  /** Mean flow vector (px/frame): coherent motion of the region. */
  mean: FlowVector;
  /** Mean of per-pixel magnitudes (px/frame). */
  meanMagnitude: number;
  /** Mean of per-pixel magnitudes without the top and bottom 10 % (px/frame). */
  trimmedMagnitude: number;
}

/** Fraction trimmed from each end for `trimmedMagnitude`. */
export const MAGNITUDE_TRIM = 0.1;

/** Per-coordinate median of the flow inside the box: robust to the few pixels an expression moves there. */
export function medianFlow(flow: ArrayLike<number>, box: PixelBox): FlowVector {
  const us: number[] = [], vs: number[] = [];
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      const k = (y * FLOW_SIZE + x) * 2;
      us.push(flow[k]); vs.push(flow[k + 1]);
    }
  }
  if (us.length === 0) return { u: 0, v: 0 };
  return { u: median(us), v: median(vs) };
}

/** The flow a similarity transform (previous -> this frame) puts on pixel (x, y). */
function rigidFlowAt(s: Similarity, x: number, y: number): FlowVector {
  return { u: (s.a - 1) * x - s.b * y + s.tx, v: s.b * x + (s.a - 1) * y + s.ty };
}

/** Statistics of (flow - offset) inside the box, offset a constant vector or a similarity's flow field; zero
 *  stats for an empty box. */
export function boxFlowStats(flow: ArrayLike<number>, box: PixelBox, offset: FlowVector | Similarity = { u: 0, v: 0 }): RegionFlowStats {
  const mags: number[] = [];
  let su = 0, sv = 0;
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      const k = (y * FLOW_SIZE + x) * 2;
      const o = 'a' in offset ? rigidFlowAt(offset, x, y) : offset;
      const u = flow[k] - o.u, v = flow[k + 1] - o.v;
      su += u; sv += v;
      mags.push(Math.hypot(u, v));
    }
  }
  const n = mags.length;
  if (n === 0) return { pixels: 0, mean: { u: 0, v: 0 }, meanMagnitude: 0, trimmedMagnitude: 0 };
  let sm = 0;
  for (const m of mags) sm += m;
  return { pixels: n, mean: { u: su / n, v: sv / n }, meanMagnitude: sm / n, trimmedMagnitude: trimmedMean(mags, MAGNITUDE_TRIM) };
}

export interface FlowRegionsResult {
  /** The rigid flow (px/frame) at the landmarks' centroid: the nose bridge's median flow, or the given
   *  similarity's flow there. */
  rigid: FlowVector;
  /** Whether the rigid flow was subtracted before the region statistics. */
  rigidSubtracted: boolean;
  regions: Record<RegionName, RegionFlowStats>;
}

/**
 * Per-region flow statistics for one frame pair, after removing the rigid flow: `true` (the default) the nose
 * bridge's median flow, a `Similarity` (previous -> this frame, crop px) its flow field, `false` nothing.
 */
export function regionFlowStats(flow: ArrayLike<number>, landmarks: readonly Point[], rigid: boolean | Similarity = true): FlowRegionsResult {
  checkFlow(flow);
  checkLandmarks(landmarks);
  const regions = {} as Record<RegionName, RegionFlowStats>;
  let rigidVec: FlowVector;
  let offset: FlowVector | Similarity;
  if (typeof rigid === 'boolean') {
    rigidVec = medianFlow(flow, regionBox(RIGID_REGION, landmarks));
    offset = rigid ? rigidVec : { u: 0, v: 0 };
  } else {
    let cx = 0, cy = 0;
    for (const [x, y] of landmarks) { cx += x; cy += y; }
    rigidVec = rigidFlowAt(rigid, cx / landmarks.length, cy / landmarks.length);
    offset = rigid;
  }
  for (const name of REGION_NAMES) regions[name] = boxFlowStats(flow, regionBox(REGIONS[name], landmarks), offset);
  return { rigid: rigidVec, rigidSubtracted: rigid !== false, regions };
}
