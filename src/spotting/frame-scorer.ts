/**
 * The causal front end of spotting: motion features -> rolling baseline -> one trace row per frame with
 * per-region z-scores and the frame's score (the largest region z). Streaming and batch spotting share it,
 * and its rows are what the per-frame trace CSV holds.
 */
import { RollingBaseline, type BaselineOptions } from './baseline';
import { MotionSignal, type MotionInput, type MotionSignalOptions, type ReferenceSample, type RegionValues } from './motion-signal';
import { REGION_NAMES } from './regions';
import { blinkClosedBelow } from './eye-aspect';

export interface SpotTraceRow {
  index: number;
  timestampMs: number;
  faceFound: boolean;
  /** The baseline is still calibrating: the score is 0 and nothing is spotted. */
  calibrating: boolean;
  /** Combined motion per region (px of the 128 crop). */
  regionPx: RegionValues;
  /** Robust z-score per region against the person's baseline. */
  regionZ: RegionValues;
  /** Rigid (head) displacement (px) and its z-score. */
  rigidPx: number;
  rigidZ: number;
  /** Eye aspect ratio over its baseline median (1 = as usual, ~0.2 = closed); NaN without a face. */
  earRatio: number;
  /** max over regions of regionZ; 0 while calibrating or without a face. */
  score: number;
}

export interface FrameScorerOptions {
  motion: Partial<MotionSignalOptions>;
  baseline: Omit<BaselineOptions, 'minSigma'>;
  /** Motion/rigid sigma floor (px). Tracker jitter on the 128 crop is 0.1-0.3 px (alignment smoothing), so
   *  0.05 px never binds on real input; it only keeps noise-free synthetic input finite. */
  minSigmaPx: number;
  /** Frames from a score of `runZ` on form a motion run; they are held out of the baseline and the neutral
   *  reference until the run ends, and put back unless its score reached `eventZ` (the detector's lowZ/highZ). */
  runZ: number;
  eventZ: number;
  /** A blink inside a motion run (the eye aspect ratio dips to at most `blinkEarRatio` of its baseline and has
   *  come back, the closure lasting at most `blinkMaxClosureMs`: the detector's blink rule) ends the run and
   *  restarts the neutral reference from the frame after it. The tracker's mesh can settle a few tenths of a
   *  pixel elsewhere after an eye closure; measured against the old reference that step would keep the run
   *  open and swallow the expressions that follow. The detector's thresholds by default. */
  blinkEarRatio: number;
  blinkMaxClosureMs: number;
  /** After such a blink the new reference takes this long to fill, unscored (an ME starting within it is missed). */
  blinkSettleMs: number;
}

export const DEFAULT_BASELINE: Readonly<FrameScorerOptions['baseline']> = { calibrationMs: 2000, windowMs: 10_000, maxFreezeMs: 4000, refreshMs: 200 };

const RIGID_CH = REGION_NAMES.length;
const EAR_CH = RIGID_CH + 1;

/** The deepest eye closure of a motion run so far, and how long the eyes stayed under half of that depth. */
interface EyeDip {
  minRatio: number;
  /** First and last timestamps below half depth (NaN before the dip). */
  closedFrom: number;
  closedTo: number;
}

function regionZeros(): RegionValues {
  return Object.fromEntries(REGION_NAMES.map((r) => [r, 0])) as RegionValues;
}

export class FrameScorer {
  private readonly motion: MotionSignal;
  private readonly baseline: RollingBaseline;
  /** The open motion run: whether it reached eventZ, and its landmark samples held from the reference. */
  private run: { confirmed: boolean; refs: ReferenceSample[]; eye: EyeDip } | null = null;
  private settleUntilMs = -Infinity;

  constructor(readonly options: FrameScorerOptions) {
    this.motion = new MotionSignal(options.motion);
    const minSigma = [...REGION_NAMES.map(() => options.minSigmaPx), options.minSigmaPx, 0.01];
    this.baseline = new RollingBaseline(EAR_CH + 1, { ...options.baseline, minSigma });
  }

  get calibrating(): boolean { return this.baseline.calibrating; }
  get calibrationProgress(): number { return this.baseline.progress; }

  push(input: MotionInput): SpotTraceRow {
    // Motion across a cut is the jump, not the face: measure against a reference rebuilt after it (the
    // calibration and the baseline's spread stay, as they describe the same person and camera).
    if (input.cut) this.rebuildReference(input.timestampMs);
    const f = this.motion.measure(input);
    const sample = this.motion.takeReferenceSample();
    if (!f || !sample) {
      this.endRun();
      return {
        index: input.index, timestampMs: input.timestampMs, faceFound: false, calibrating: this.baseline.calibrating,
        regionPx: regionZeros(), regionZ: regionZeros(), rigidPx: 0, rigidZ: 0, earRatio: Number.NaN, score: 0,
      };
    }
    const values = [...REGION_NAMES.map((r) => f.regionPx[r]), f.rigidPx, f.ear];
    const z = this.baseline.zScores(values);
    const calibrating = this.baseline.calibrating;
    const regionZ = regionZeros();
    let score = 0;
    REGION_NAMES.forEach((r, c) => {
      regionZ[r] = Number.isNaN(z[c]) ? 0 : z[c];
      score = Math.max(score, regionZ[r]);
    });
    if (calibrating) score = 0;
    const earMedian = this.baseline.stats()?.[EAR_CH].median ?? f.ear;
    const earRatio = earMedian > 0 ? f.ear / earMedian : Number.NaN;
    if (this.run && this.blinkOver(this.run.eye, earRatio, input.timestampMs)) {
      this.run.confirmed = true;   // a blink: its frames never join the reference
      this.rebuildReference(input.timestampMs);
    }
    if (input.timestampMs < this.settleUntilMs) {
      // The new reference fills from these frames; measured against so few they are not scored.
      this.motion.addReference([sample]);
      score = 0;
    } else if (!calibrating && score >= this.options.runZ) {
      if (!this.run) {
        this.run = { confirmed: false, refs: [], eye: { minRatio: Infinity, closedFrom: Number.NaN, closedTo: Number.NaN } };
        this.baseline.hold();
      }
      this.trackEye(this.run.eye, earRatio, input.timestampMs);
      this.run.confirmed ||= score >= this.options.eventZ;
      this.run.refs.push(sample);
      this.baseline.offer(values, input.timestampMs);
      // A hold past maxFreezeMs is released by the baseline as a new normal; the reference follows it.
      if (!this.baseline.holding) {
        this.motion.addReference(this.run.refs);
        this.run.refs = [];
      }
    } else {
      this.endRun();
      this.baseline.offer(values, input.timestampMs);
      this.motion.addReference([sample]);
    }
    return {
      index: input.index, timestampMs: input.timestampMs, faceFound: true, calibrating,
      regionPx: f.regionPx, regionZ, rigidPx: f.rigidPx, rigidZ: Number.isNaN(z[RIGID_CH]) ? 0 : z[RIGID_CH],
      earRatio, score,
    };
  }

  /** Ends the open run and refills the reference from the frames of the next `blinkSettleMs`, which are not scored. */
  private rebuildReference(t: number): void {
    this.endRun();
    this.motion.resetReference();
    this.settleUntilMs = t + this.options.blinkSettleMs;
  }

  private trackEye(eye: EyeDip, ratio: number, t: number): void {
    if (!Number.isFinite(ratio)) return;
    eye.minRatio = Math.min(eye.minRatio, ratio);
    if (ratio < blinkClosedBelow(eye.minRatio)) {
      if (Number.isNaN(eye.closedFrom)) eye.closedFrom = t;
      eye.closedTo = t;
    }
  }

  /** The run held a blink (detector's rule) and the eyes are open again (back above 3/4 of the way up). */
  private blinkOver(eye: EyeDip, ratio: number, t: number): boolean {
    if (!(eye.minRatio <= this.options.blinkEarRatio) || !Number.isFinite(ratio) || Number.isNaN(eye.closedFrom)) return false;
    return ratio >= 1 - (1 - eye.minRatio) / 4 && eye.closedTo - eye.closedFrom <= this.options.blinkMaxClosureMs && t > eye.closedTo;
  }

  /** Closes a motion run: its frames join the baseline and reference unless it was an event. */
  private endRun(): void {
    if (!this.run) return;
    const keep = !this.run.confirmed;
    if (this.baseline.holding) this.baseline.release(keep);
    if (keep) this.motion.addReference(this.run.refs);
    this.run = null;
  }
}
