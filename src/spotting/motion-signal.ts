/**
 * Per-frame motion features for spotting, in pixels of the 128 crop, per region and for the rigid part:
 *  - landmark motion: RMS distance of a region's landmarks from a rolling neutral reference (per-coordinate
 *    median of the last `referenceMs` of accepted frames), after a robust similarity fit of the stable
 *    landmarks onto the reference (rigid-fit.ts) took out the head's residual motion and the crop's
 *    re-alignment;
 *  - rigid (head) motion: the same fit in video-frame pixels (landmarks mapped back through the alignment,
 *    when the input has it), in crop pixels; without the alignment, the crop-space fit's own size;
 *  - flow motion: the region's mean MOL flow vector, less the flow of the stable landmarks' similarity
 *    previous -> this frame, accumulated over time with a leak,
 *    i.e. the region's displacement from where it rested, like the landmark feature (flow is a velocity:
 *    integrating it gives one hump per expression instead of one per rise and fall);
 *  - the combined per-region value is the mean of the two when flow is present, else the landmark value.
 * After `measure`, `takeReferenceSample` hands out the frame's landmarks; the caller adds them to the neutral
 * reference with `addReference` at once (at rest) or when a motion run turns out to be noise, so the frames
 * of an event never become "neutral".
 */
import type { Affine2x3, Point } from '../pipeline/types';
import { eyeAspectRatio } from './eye-aspect';
import { median } from './robust-stats';
import {
  checkFlow, checkLandmarks, LANDMARK_COUNT, REGION_NAMES, REGIONS, regionFlowStats, type FlowRegionsResult, type RegionName,
} from './regions';
import { affineScale, applySimilarity, cropToFrame, robustSimilarity, similarityRms } from './rigid-fit';

export interface MotionInput {
  index: number;
  timestampMs: number;
  /** 68 landmarks in crop pixels (FrameResult.landmarks68Crop), or null when no face. */
  landmarks: readonly Point[] | null;
  /** MOL flow previous -> this frame, NHWC [128,128,2] u/v interleaved (see regions.ts), or null. */
  flow: ArrayLike<number> | null;
  /** The crop alignment (video frame -> crop px, FrameResult.alignment): head motion is measured in the
   *  frame through it. Absent or null: from the crop-space fit. */
  alignment?: Affine2x3 | null;
  /** The source jumped at this frame (a looped clip restarting): nothing before it continues into it. */
  cut?: boolean;
}

export type RegionValues = Record<RegionName, number>;

export interface MotionFeatures {
  /** Combined motion per region (px). */
  regionPx: RegionValues;
  landmarkPx: RegionValues;
  /** |accumulated region flow| per region (px), or null without flow. */
  flowPx: RegionValues | null;
  /** This frame's flow statistics (px/frame), or null without flow. */
  flowStats: FlowRegionsResult | null;
  /** Rigid (head) displacement from the neutral reference (crop px), from the landmarks (see above); with
   *  flow, averaged with the leaky integral of the rigid flow at the face centre. */
  rigidPx: number;
  /** Mean eye aspect ratio of both eyes. */
  ear: number;
}

export interface MotionSignalOptions {
  /** Span of the neutral reference. 2 s: an ME (<= 0.5 s) fills under a quarter of it, so the median stays neutral. */
  referenceMs: number;
  /** Frames kept in the reference however old, so a long frozen stretch cannot empty it. */
  referenceMinFrames: number;
  /** Time constant of the flow integrator's leak. 1 s: a 0.5 s event keeps ~60 % of its displacement at its end,
   *  while flow noise and drift are forgotten within a few seconds. */
  flowLeakMs: number;
  /** Remove the rigid (similarity) motion of the stable landmarks from every region. */
  subtractRigid: boolean;
  /** The reference median is recomputed at most this often (sample time); 100 ms is 5 % of its span. */
  referenceRefreshMs: number;
}

/** One frame's landmarks as a candidate for the neutral reference. */
export interface ReferenceSample {
  readonly t: number;
  readonly coords: Float64Array;
  /** The same landmarks in video-frame pixels, when the input had its alignment. */
  readonly frame: Float64Array | null;
}

export const DEFAULT_MOTION_OPTIONS: Readonly<MotionSignalOptions> = {
  referenceMs: 2000, referenceMinFrames: 15, flowLeakMs: 1000, subtractRigid: true, referenceRefreshMs: 100,
};

export class MotionInputError extends Error {
  override readonly name = 'MotionInputError';
}

function zeros(): RegionValues {
  return Object.fromEntries(REGION_NAMES.map((r) => [r, 0])) as RegionValues;
}

export class MotionSignal {
  readonly options: MotionSignalOptions;
  private reference: ReferenceSample[] = [];
  private refCache: { crop: Float64Array; frame: Float64Array | null } | null = null;
  private prevCoords: Float64Array | null = null;
  private refCacheMs = -Infinity;
  private flowAcc = new Map<RegionName | 'rigid', { u: number; v: number }>();
  private lastTs: number | null = null;
  private pending: ReferenceSample | null = null;

  constructor(options: Partial<MotionSignalOptions> = {}) {
    this.options = { ...DEFAULT_MOTION_OPTIONS, ...options };
  }

  measure(input: MotionInput): MotionFeatures | null {
    if (!Number.isFinite(input.timestampMs)) throw new MotionInputError(`frame ${input.index}: non-finite timestamp`);
    if (this.lastTs !== null && input.timestampMs <= this.lastTs) {
      throw new MotionInputError(`frame ${input.index}: timestamps must increase (${input.timestampMs} after ${this.lastTs})`);
    }
    const dt = this.lastTs === null ? 0 : input.timestampMs - this.lastTs;
    this.lastTs = input.timestampMs;
    this.pending = null;
    if (!input.landmarks) {
      // Without a face the flow has no regions to belong to; restart the integrators.
      this.flowAcc.clear();
      this.prevCoords = null;
      return null;
    }
    checkLandmarks(input.landmarks);
    if (input.flow) checkFlow(input.flow);

    const coords = new Float64Array(LANDMARK_COUNT * 2);
    input.landmarks.forEach((p, i) => { coords[2 * i] = p[0]; coords[2 * i + 1] = p[1]; });
    const frame = input.alignment ? cropToFrame(input.alignment, coords) : null;
    this.pending = { t: input.timestampMs, coords, frame };
    const { landmarkPx, rigidLandmark } = this.landmarkMotion(coords, frame, input.alignment ?? null, input.timestampMs);
    const prev = this.prevCoords;
    this.prevCoords = coords;

    let flowPx: RegionValues | null = null, flowStats: FlowRegionsResult | null = null, rigidFlow = 0;
    if (input.flow) {
      const rigid = this.options.subtractRigid ? robustSimilarity(prev ?? coords, coords) : false;
      flowStats = regionFlowStats(input.flow, input.landmarks, rigid);
      const leak = Math.exp(-dt / this.options.flowLeakMs);
      const acc = (key: RegionName | 'rigid', u: number, v: number): number => {
        const a = this.flowAcc.get(key) ?? { u: 0, v: 0 };
        const next = { u: a.u * leak + u, v: a.v * leak + v };
        this.flowAcc.set(key, next);
        return Math.hypot(next.u, next.v);
      };
      flowPx = zeros();
      for (const r of REGION_NAMES) flowPx[r] = acc(r, flowStats.regions[r].mean.u, flowStats.regions[r].mean.v);
      rigidFlow = acc('rigid', flowStats.rigid.u, flowStats.rigid.v);
    } else {
      this.flowAcc.clear();
    }
    const regionPx = zeros();
    for (const r of REGION_NAMES) regionPx[r] = flowPx ? 0.5 * (landmarkPx[r] + flowPx[r]) : landmarkPx[r];
    return {
      regionPx, landmarkPx, flowPx, flowStats,
      rigidPx: flowPx ? 0.5 * (rigidLandmark + rigidFlow) : rigidLandmark,
      ear: eyeAspectRatio(input.landmarks),
    };
  }

  /** The last measured frame's landmarks (null without a face); each frame's sample is handed out once. */
  takeReferenceSample(): ReferenceSample | null {
    const s = this.pending;
    this.pending = null;
    return s;
  }

  /** Adds frames to the neutral reference, oldest first. */
  addReference(samples: readonly ReferenceSample[]): void {
    for (const s of samples) this.reference.push(s);
  }

  /** Forgets the neutral reference (frames added from now on rebuild it); the flow integrators keep going. */
  resetReference(): void {
    this.reference = [];
    this.refCache = null;
    this.refCacheMs = -Infinity;
  }

  reset(): void {
    this.reference = [];
    this.refCache = null;
    this.refCacheMs = -Infinity;
    this.flowAcc.clear();
    this.prevCoords = null;
    this.lastTs = null;
    this.pending = null;
  }

  private landmarkMotion(
    coords: Float64Array, frame: Float64Array | null, alignment: Affine2x3 | null, t: number,
  ): { landmarkPx: RegionValues; rigidLandmark: number } {
    const { referenceMs, referenceMinFrames } = this.options;
    while (this.reference.length > referenceMinFrames && t - this.reference[0].t > referenceMs) this.reference.shift();
    const ref = this.referenceCoords(t);
    const landmarkPx = zeros();
    if (!ref) return { landmarkPx, rigidLandmark: 0 };
    const fit = robustSimilarity(coords, ref.crop);
    const cur = new Float64Array(coords.length);
    for (let i = 0; i < LANDMARK_COUNT; i++) {
      const [x, y] = this.options.subtractRigid ? applySimilarity(fit, coords[2 * i], coords[2 * i + 1]) : [coords[2 * i], coords[2 * i + 1]];
      cur[2 * i] = x; cur[2 * i + 1] = y;
    }
    for (const r of REGION_NAMES) {
      const idx = REGIONS[r].landmarks;
      let ss = 0;
      for (const i of idx) ss += (cur[2 * i] - ref.crop[2 * i]) ** 2 + (cur[2 * i + 1] - ref.crop[2 * i + 1]) ** 2;
      landmarkPx[r] = Math.sqrt(ss / idx.length);
    }
    const rigidLandmark = frame && ref.frame && alignment
      ? similarityRms(robustSimilarity(frame, ref.frame), frame) * affineScale(alignment)
      : similarityRms(fit, coords);
    return { landmarkPx, rigidLandmark };
  }

  /** Per-coordinate medians of the reference (crop px, and frame px when every sample has them). */
  private referenceCoords(t: number): { crop: Float64Array; frame: Float64Array | null } | null {
    const n = this.reference.length;
    if (n === 0) return null;
    if (this.refCache && t - this.refCacheMs < this.options.referenceRefreshMs) return this.refCache;
    const col = new Float64Array(n);
    const medians = (get: (s: ReferenceSample) => Float64Array): Float64Array => {
      const out = new Float64Array(LANDMARK_COUNT * 2);
      for (let k = 0; k < out.length; k++) {
        for (let j = 0; j < n; j++) col[j] = get(this.reference[j])[k];
        out[k] = median(col);
      }
      return out;
    };
    const withFrame = this.reference.every((s) => s.frame !== null);
    this.refCache = { crop: medians((s) => s.coords), frame: withFrame ? medians((s) => s.frame!) : null };
    this.refCacheMs = t;
    return this.refCache;
  }
}
