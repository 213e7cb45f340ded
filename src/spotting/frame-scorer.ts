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
  /** After such a blink (or a cut, or a new rest) the new reference takes this long to fill, unscored (an ME
   *  starting within it is missed). */
  settleMs: number;
  /**
   * A new rest inside a motion run: once the run is `afterMs` old (an ME is over by then) and every region's
   * motion has stayed within a range of `z` baseline sigmas for the last `ms`, the face has stopped moving
   * away from the reference without coming back to it. The tracker does that: after an expression or a
   * re-fit its landmarks often settle a few tenths of a pixel off (a step the baseline never saw), and
   * measured against the old reference the run would stay open for seconds (until the baseline's
   * maxFreezeMs) and swallow the expressions that follow. The run ends there and the reference is rebuilt,
   * as after a blink. Chosen on the val identities' planted videos (`spot-sweep.ts`, models/README.md):
   * 400 ms (a plateau longer than an ME's apex), 4.5 sigmas (the range of ~10 noise samples stays under it),
   * after 500 ms (microMaxMs). `ms` 0 turns it off.
   */
  restPlateau: { ms: number; z: number; afterMs: number };
}

export const DEFAULT_REST_PLATEAU: Readonly<FrameScorerOptions['restPlateau']> = { ms: 400, z: 4.5, afterMs: 500 };

export const DEFAULT_BASELINE: Readonly<FrameScorerOptions['baseline']> = { calibrationMs: 2000, windowMs: 10_000, maxFreezeMs: 4000, refreshMs: 200 };

const RIGID_CH = REGION_NAMES.length;
const EAR_CH = RIGID_CH + 1;

/** One frame's region motion (px), kept while a run is open to find a plateau. */
interface RegionSample {
  t: number;
  px: number[];
}

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
  /** The open motion run: whether it reached eventZ, its landmark samples held from the reference, and its
   *  region motion over the last restPlateau.ms. */
  private run: { confirmed: boolean; refs: ReferenceSample[]; eye: EyeDip; startMs: number; recent: RegionSample[] } | null = null;
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
        this.run = {
          confirmed: false, refs: [], eye: { minRatio: Infinity, closedFrom: Number.NaN, closedTo: Number.NaN },
          startMs: input.timestampMs, recent: [],
        };
        this.baseline.hold();
      }
      this.trackEye(this.run.eye, earRatio, input.timestampMs);
      this.run.confirmed ||= score >= this.options.eventZ;
      this.run.refs.push(sample);
      this.baseline.offer(values, input.timestampMs);
      if (this.atRestPlateau(this.run, f.regionPx, input.timestampMs)) {
        this.run.confirmed = true;   // the run's frames are off the reference: they never join it
        this.rebuildReference(input.timestampMs);
      } else if (!this.baseline.holding) {
        // A hold past maxFreezeMs is released by the baseline as a new normal; the reference follows it.
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

  /** Ends the open run and refills the reference from the frames of the next `settleMs`, which are not scored. */
  private rebuildReference(t: number): void {
    this.endRun();
    this.motion.resetReference();
    this.settleUntilMs = t + this.options.settleMs;
  }

  /** Adds the frame to the run's recent motion; whether the run has come to a new rest (`restPlateau`). */
  private atRestPlateau(run: { startMs: number; recent: RegionSample[] }, regionPx: RegionValues, t: number): boolean {
    const p = this.options.restPlateau;
    if (!(p.ms > 0)) return false;
    run.recent.push({ t, px: REGION_NAMES.map((r) => regionPx[r]) });
    while (run.recent.length > 1 && t - run.recent[0].t > p.ms) run.recent.shift();
    const st = this.baseline.stats();
    // 0.9: at 25-30 fps the window's first frame lands a fraction of a frame short of ms.
    if (!st || t - run.startMs < p.afterMs || t - run.recent[0].t < 0.9 * p.ms) return false;
    return REGION_NAMES.every((_, c) => {
      let lo = Infinity, hi = -Infinity;
      for (const s of run.recent) { lo = Math.min(lo, s.px[c]); hi = Math.max(hi, s.px[c]); }
      return hi - lo <= p.z * st[c].sigma;
    });
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
