/**
 * MOL beside the live stream instead of in it. Live sources drop the frames that arrive while a frame is being
 * analysed, so one MOL step per frame (over a second on a software GPU) would cap tracking and spotting at the
 * model's rate. The lane runs one model job at a time while tracking goes on: classifying a spotted event
 * (queued, never dropped) or, when nothing is queued, one whole forward over the newest 8 consecutive crops
 * (offered every frame, taken only when idle). On a fast GPU that is every frame; on a slow one the panel and
 * overlay show the newest window the model has finished, marked with its frame.
 */
import type { ModelFrameOutput } from '../pipeline/types';

/** The model work the lane schedules (ModelStage implements it). */
export interface LaneModel {
  /** Outputs of one whole forward over 8 consecutive aligned crops, for the newest frame `frameIndex`. */
  windowOutputs(crops: readonly Uint8Array[], frameIndex: number): Promise<ModelFrameOutput>;
  classifyClip(crops: readonly Uint8Array[]): Promise<Float32Array>;
}

export interface LaneWindow {
  /** Index of the newest frame; the window is the 8 frames ending there. */
  frameIndex: number;
  /** The 8 crops, built only when the lane takes the window (the pipeline re-aligns them, which costs a few ms). */
  crops: () => readonly Uint8Array[];
}

export class ModelLane {
  private busy = false;
  private readonly queue: (() => Promise<void>)[] = [];
  private latestOut: ModelFrameOutput | null = null;
  private generation = 0;
  private lastJobMs: number | null = null;
  private failed = false;

  /** No new window before this time (performance.now()): see `restFactor`. */
  private restUntil = 0;

  /**
   * @param onFailure called once with the error of a failing window job; the lane then stops taking windows
   *   (classification failures reject their own promise instead).
   * @param restFactor after a window job of d ms, the lane rests for restFactor x d before taking the next
   *   window. On a software GPU MOL's work takes the CPU that tracking and the camera's frames need; resting
   *   shares it. A fast GPU's jobs are short, and so are the rests.
   */
  constructor(private readonly model: LaneModel, private readonly onFailure: (err: unknown) => void, private readonly restFactor = 0) {}

  /** The newest finished window's outputs (null: none since the last `clear`). */
  get latest(): ModelFrameOutput | null { return this.latestOut; }

  /** How long the last finished job took, ms (null: none yet). */
  get lastJobDurationMs(): number | null { return this.lastJobMs; }

  get idle(): boolean { return !this.busy && this.queue.length === 0; }

  /** Runs a forward over `window` if the lane is idle; otherwise the window is dropped (a newer one follows). */
  offerWindow(window: LaneWindow): boolean {
    if (this.failed || !this.idle || performance.now() < this.restUntil) return false;
    const gen = this.generation;
    // Taken now: the caller's window moves on with the next frame.
    const crops = window.crops();
    void this.run(async () => {
      const t = performance.now();
      try {
        const out = await this.model.windowOutputs(crops, window.frameIndex);
        const end = performance.now();
        this.restUntil = end + this.restFactor * (end - t);
        if (gen === this.generation) this.latestOut = out;
      } catch (err) {
        this.failed = true;
        this.onFailure(err);
      }
    });
    return true;
  }

  /** Classifies one clip after the jobs already queued; never dropped. */
  classify(crops: readonly Uint8Array[]): Promise<Float32Array> {
    return new Promise<Float32Array>((resolve, reject) => {
      this.queue.push(() => this.model.classifyClip(crops).then(resolve, reject));
      if (!this.busy) void this.drain();
    });
  }

  /** Forgets the newest outputs (face lost, new source); a job in flight no longer updates them. */
  clear(): void {
    this.generation++;
    this.latestOut = null;
  }

  private async run(job: () => Promise<void>): Promise<void> {
    this.queue.push(job);
    if (!this.busy) await this.drain();
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      for (let job = this.queue.shift(); job; job = this.queue.shift()) {
        const t = performance.now();
        await job();
        this.lastJobMs = performance.now() - t;
      }
    } finally {
      this.busy = false;
    }
  }
}
