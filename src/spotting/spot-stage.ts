/**
 * The spotting stage of the pipeline: each FrameResult (tracking's 68 crop-space landmarks, MOL's flow when the
 * model ran on that frame and `useModelFlow` allows it) goes into a `Spotter`; each aligned crop goes into a `CropRing`. When a micro interval closes, MOL
 * classifies it the way it was trained: 8 frames resampled from onset to offset in the onset's alignment
 * (`eventClipCrops`), at most `maxClipsPerEvent` clips (a full 8-frame forward each), probabilities averaged,
 * "uncertain" below the confidence threshold. Macro, blink and head intervals are reported unclassified.
 */
import { modelOutputIsFresh, type FrameResult, type SpotFrameOutput, type SpottedEvent } from '../pipeline/types';
import { classifyEvent, DEFAULT_MIN_CONFIDENCE, poolProbabilities } from './classify-event';
import { CropRing } from './crop-ring';
import { eventClipCrops } from './event-clip';
import type { MotionInterval } from './interval-detector';
import { Spotter, type SpotterOverrides } from './spotter';

/** What the stage needs from the model stage: its class names and one full 8-frame forward. */
export interface ClipClassifier {
  readonly classes: readonly string[];
  /** Softmax probabilities (in `classes` order) of MOL on 8 aligned 128x128 uint8 crops. */
  classifyClip(crops: Uint8Array[]): Promise<Float32Array> | Float32Array;
}

export interface SpotStageOptions {
  spotter?: SpotterOverrides;
  /** MOL runs once per clip; an event at 100+ fps has many clips, and 2 spread over it are enough to pool. */
  maxClipsPerEvent?: number;
  minConfidence?: number;
  /** Where crops are kept (shared with replay/export); default a ring of its own. */
  cropRing?: CropRing;
  /** Do not wait for MOL: a closed micro interval comes out with a later frame, once classified (the live
   *  model lane runs MOL beside tracking). Events still come out in the order they closed. Default false. */
  deferClassification?: boolean;
  /** Feed MOL's flow of the frame, when it has one, to the spotter (default true). The live lane gives a
   *  frame its own flow only when a window happened to finish on it, so live spotting leaves it out: the
   *  intervals then depend on the frames alone, not on the model's timing. */
  useModelFlow?: boolean;
}

export class SpotStageError extends Error {
  override readonly name = 'SpotStageError';
}

export class SpotStage {
  readonly crops: CropRing;
  private readonly spotter: Spotter;
  private readonly maxClips: number;
  private readonly minConfidence: number;
  private classifier: ClipClassifier | null = null;
  private nextId = 1;
  private readonly defer: boolean;
  private readonly useModelFlow: boolean;
  /** Deferred mode: closed events in closing order, `event` set once classified. */
  private pending: { event: SpottedEvent | null; done: Promise<void> }[] = [];

  constructor(opts: SpotStageOptions = {}) {
    this.spotter = new Spotter(opts.spotter);
    this.crops = opts.cropRing ?? new CropRing();
    this.maxClips = opts.maxClipsPerEvent ?? 2;
    if (!Number.isInteger(this.maxClips) || this.maxClips < 1) throw new SpotStageError(`maxClipsPerEvent must be a positive integer, got ${this.maxClips}`);
    this.minConfidence = opts.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
    this.defer = opts.deferClassification ?? false;
    this.useModelFlow = opts.useModelFlow ?? true;
  }

  /** The model stage once its weights are loaded; null: micro events stay unclassified. */
  setClassifier(classifier: ClipClassifier | null): void {
    this.classifier = classifier;
  }

  get calibrating(): boolean { return this.spotter.calibrating; }
  get calibrationProgress(): number { return this.spotter.calibrationProgress; }

  /** Spots on one frame's result; resolves once the intervals closing with it are classified. */
  async push(result: FrameResult): Promise<SpotFrameOutput> {
    if (result.crop && result.alignment) this.crops.push(result.index, result.timestampMs, result.crop, result.alignment);
    const step = this.spotter.push({
      index: result.index,
      timestampMs: result.timestampMs,
      landmarks: result.faceFound ? result.landmarks68Crop : null,
      // Only this frame's own flow: the live model lane may still show an earlier window's.
      flow: this.useModelFlow && modelOutputIsFresh(result) ? result.model!.flow : null,
      alignment: result.faceFound ? result.alignment : null,
      cut: result.cut,
    });
    let events: SpottedEvent[] = [];
    if (this.defer) {
      for (const interval of step.intervals) this.enqueue(interval);
      events = this.releaseClassified();
    } else {
      for (const interval of step.intervals) events.push(await this.toEvent(interval));
    }
    return {
      calibrating: this.spotter.calibrating,
      calibrationProgress: this.spotter.calibrationProgress,
      score: step.row.score,
      regions: { ...step.row.regionPx },
      events,
      row: step.row,
    };
  }

  /** End of the source: intervals still open, classified like the others. */
  async flush(): Promise<SpottedEvent[]> {
    if (this.defer) {
      for (const interval of this.spotter.flush()) this.enqueue(interval);
      await Promise.all(this.pending.map((p) => p.done));
      return this.releaseClassified();
    }
    const out: SpottedEvent[] = [];
    for (const interval of this.spotter.flush()) out.push(await this.toEvent(interval));
    return out;
  }

  /** Deferred mode: events closed but not yet out (being classified, or behind one that is). */
  get pendingEvents(): number { return this.pending.length; }

  /** Starts classifying a closed interval now (its crops are taken from the ring at once); see `push`. */
  private enqueue(iv: MotionInterval): void {
    const slot: { event: SpottedEvent | null; done: Promise<void> } = { event: null, done: Promise.resolve() };
    const e = this.toEvent(iv);
    if (e instanceof Promise) slot.done = e.then((ev) => { slot.event = ev; });
    else slot.event = e;
    this.pending.push(slot);
  }

  /** The classified events at the head of the queue (closing order is kept). */
  private releaseClassified(): SpottedEvent[] {
    const out: SpottedEvent[] = [];
    while (this.pending.length > 0 && this.pending[0].event) out.push(this.pending.shift()!.event!);
    return out;
  }

  /** A new source or a new person: calibrate again, forget the crops. */
  reset(): void {
    this.spotter.reset();
    this.crops.clear();
    this.pending = []; // a new source: events of the old one still being classified are dropped
  }

  /** The event of a closed interval: at once when it is not classified, else once MOL has classified it. */
  private toEvent(iv: MotionInterval): SpottedEvent | Promise<SpottedEvent> {
    const event: SpottedEvent = {
      id: this.nextId++,
      kind: iv.kind,
      onsetFrame: iv.onsetFrame, apexFrame: iv.apexFrame, offsetFrame: iv.offsetFrame,
      onsetMs: iv.onsetMs, apexMs: iv.apexMs, offsetMs: iv.offsetMs,
      label: null,
      probabilities: null,
      regionPeaks: { ...iv.regionPeakPx },
      durationMs: iv.durationMs,
      dominantRegion: iv.dominantRegion,
      confidence: null,
      peakScore: iv.peakScore, rigidPeakPx: iv.rigidPeakPx, earMinRatio: iv.earMinRatio,
    };
    const classifier = this.classifier;
    if (iv.kind !== 'micro' || !classifier) return event;
    // Taken now: the ring moves on while MOL works.
    const clips = this.clipCrops(iv.onsetFrame, iv.offsetFrame);
    // A face lost inside the span (or frames gone from the ring) leaves no clip MOL was trained on: no label.
    if (!clips) return event;
    return this.classified(event, clips, classifier);
  }

  private async classified(event: SpottedEvent, clips: Uint8Array[][], classifier: ClipClassifier): Promise<SpottedEvent> {
    try {
      const probs: Float32Array[] = [];
      for (const clip of clips) probs.push(await classifier.classifyClip(clip));
      const c = classifyEvent(poolProbabilities(probs), classifier.classes, this.minConfidence);
      return { ...event, label: c.label, probabilities: c.probabilities, confidence: c.confidence };
    } catch (err) {
      // A model that fails on one clip must not stop spotting: the event is kept, unclassified.
      console.error(`spotting: classifying event ${event.id} (frames ${event.onsetFrame}..${event.offsetFrame}) failed`, err);
      return event;
    }
  }

  /** The crops of up to `maxClips` resampled clips in the onset's alignment, or null when a frame of the span has no crop. */
  private clipCrops(onset: number, offset: number): Uint8Array[][] | null {
    return eventClipCrops(onset, offset, this.maxClips, (i) => this.crops.get(i));
  }
}
