/**
 * Spotting end to end: frames (landmarks + optional MOL flow) in, trace rows and labelled motion intervals
 * out. `Spotter` streams (the live view); `spotFrames` and `detectIntervals` do the same over a recording.
 */
import { DEFAULT_BASELINE, DEFAULT_REST_PLATEAU, FrameScorer, type FrameScorerOptions, type SpotTraceRow } from './frame-scorer';
import { DEFAULT_DETECTOR, detectIntervals, IntervalDetector, type DetectorOptions, type MotionInterval } from './interval-detector';
import { DEFAULT_MOTION_OPTIONS, type MotionInput } from './motion-signal';

export interface SpotterOptions {
  scorer: FrameScorerOptions;
  detector: DetectorOptions;
}

export interface SpotterOverrides {
  scorer?: Partial<Omit<FrameScorerOptions, 'runZ' | 'eventZ' | 'blinkEarRatio' | 'blinkMaxClosureMs' | 'restPlateau'>> & {
    restPlateau?: Partial<FrameScorerOptions['restPlateau']>;
  };
  detector?: Partial<DetectorOptions>;
}

/** Full options with defaults; the scorer's run thresholds are the detector's lowZ/highZ by construction. */
export function spotterOptions(over: SpotterOverrides = {}): SpotterOptions {
  const detector = { ...DEFAULT_DETECTOR, ...over.detector };
  const s = over.scorer ?? {};
  return {
    detector,
    scorer: {
      motion: { ...DEFAULT_MOTION_OPTIONS, ...s.motion },
      baseline: { ...DEFAULT_BASELINE, ...s.baseline },
      minSigmaPx: s.minSigmaPx ?? 0.05,
      runZ: detector.lowZ,
      eventZ: detector.highZ,
      blinkEarRatio: detector.blinkEarRatio,
      blinkMaxClosureMs: detector.blinkMaxClosureMs,
      settleMs: s.settleMs ?? 400,
      restPlateau: { ...DEFAULT_REST_PLATEAU, ...s.restPlateau },
    },
  };
}

export interface SpotStep {
  row: SpotTraceRow;
  /** Intervals that closed with this frame (usually none). */
  intervals: MotionInterval[];
}

export class Spotter {
  readonly options: SpotterOptions;
  private scorer: FrameScorer;
  private detector: IntervalDetector;

  constructor(over: SpotterOverrides = {}) {
    this.options = spotterOptions(over);
    this.scorer = new FrameScorer(this.options.scorer);
    this.detector = new IntervalDetector(this.options.detector);
  }

  get calibrating(): boolean { return this.scorer.calibrating; }
  /** Calibration progress in [0, 1], for the UI's "hold still" prompt. */
  get calibrationProgress(): number { return this.scorer.calibrationProgress; }

  push(input: MotionInput): SpotStep {
    const row = this.scorer.push(input);
    return { row, intervals: this.detector.push(row) };
  }

  /** End of the source: intervals still open or pending. */
  flush(): MotionInterval[] {
    return this.detector.flush();
  }

  /** A fresh start (new person, new source): calibrates again. */
  reset(): void {
    this.scorer = new FrameScorer(this.options.scorer);
    this.detector = new IntervalDetector(this.options.detector);
  }
}

/** Batch: the trace rows of a recording and its intervals. */
export function spotFrames(inputs: Iterable<MotionInput>, over: SpotterOverrides = {}): { rows: SpotTraceRow[]; intervals: MotionInterval[] } {
  const o = spotterOptions(over);
  const scorer = new FrameScorer(o.scorer);
  const rows: SpotTraceRow[] = [];
  for (const input of inputs) rows.push(scorer.push(input));
  return { rows, intervals: detectIntervals(rows, o.detector) };
}
