/**
 * Rolling per-person baseline: robust median and sigma (1.4826 * MAD) of each feature channel over the last
 * `windowMs`, turning raw motion into z-scores that mean the same for a still face with a noisy tracker and
 * a quiet one. It starts with a neutral calibration of `calibrationMs` (every frame is taken, nothing is
 * spotted); after that it adapts slowly (a 10 s window) and not during events: the caller holds the frames
 * of a motion run and, when the run ends, releases them into the window (the run was noise) or drops them
 * (it was an event). Dropping every frame above a threshold instead would cut the noise's upper tail, shrink
 * sigma, cut more, and collapse. A hold longer than `maxFreezeMs` is taken as a new normal (e.g. a noisier
 * tracker after a lighting change) and released.
 */
import { MAD_TO_SIGMA, medianMad } from './robust-stats';

export interface BaselineOptions {
  /** 2 s: long enough for ~50 frames of noise statistics at 25 fps, short enough to ask a user to hold still. */
  calibrationMs: number;
  /** 10 s: 20x the longest ME, so one event or a few cannot move the median; lighting/pose drift is slower. */
  windowMs: number;
  /** 4 s: the longest expression the synthetic generator plants; a hold beyond that is a new normal. */
  maxFreezeMs: number;
  /** Statistics are recomputed at most this often (sample time): a 10 s window hardly moves in 200 ms. */
  refreshMs: number;
  /** Per-channel floor on sigma, in the channel's units: noise-free input must not make z infinite. */
  minSigma: readonly number[];
}

export interface ChannelStats {
  median: number;
  sigma: number;
}

export class BaselineInputError extends Error {
  override readonly name = 'BaselineInputError';
}

export class RollingBaseline {
  private samples: { t: number; values: Float64Array }[] = [];
  private held: { t: number; values: Float64Array }[] | null = null;
  private startMs: number | null = null;
  private lastMs: number | null = null;
  private cache: ChannelStats[] | null = null;
  private cacheMs = -Infinity;

  constructor(readonly channels: number, readonly options: BaselineOptions) {
    if (options.minSigma.length !== channels) {
      throw new BaselineInputError(`minSigma has ${options.minSigma.length} entries for ${channels} channels`);
    }
  }

  /** True until `calibrationMs` of frames have been offered. */
  get calibrating(): boolean {
    return this.progress < 1;
  }

  /** Calibration progress in [0, 1]. */
  get progress(): number {
    if (this.startMs === null || this.lastMs === null) return 0;
    if (this.options.calibrationMs <= 0) return 1;
    return Math.min(1, (this.lastMs - this.startMs) / this.options.calibrationMs);
  }

  /** Whether frames are being held (a motion run is open). */
  get holding(): boolean {
    return this.held !== null;
  }

  /** Current statistics per channel, or null before the first sample. */
  stats(): ChannelStats[] | null {
    if (this.samples.length === 0) return null;
    const now = this.samples[this.samples.length - 1].t;
    if (!this.cache || now - this.cacheMs >= this.options.refreshMs) {
      this.cache = [];
      this.cacheMs = now;
      for (let c = 0; c < this.channels; c++) {
        const { median, mad } = medianMad(this.samples.map((s) => s.values[c]));
        this.cache.push({ median, sigma: Math.max(MAD_TO_SIGMA * mad, this.options.minSigma[c]) });
      }
    }
    return this.cache;
  }

  /** (value - median) / sigma per channel; NaN before the first sample. */
  zScores(values: ArrayLike<number>): Float64Array {
    this.check(values);
    const st = this.stats();
    const z = new Float64Array(this.channels).fill(Number.NaN);
    if (st) for (let c = 0; c < this.channels; c++) z[c] = (values[c] - st[c].median) / st[c].sigma;
    return z;
  }

  /** Offers one frame's values: into the window, or into the hold while one is open. */
  offer(values: ArrayLike<number>, timestampMs: number): void {
    this.check(values);
    if (this.lastMs !== null && timestampMs <= this.lastMs) {
      throw new BaselineInputError(`timestamps must increase (${timestampMs} after ${this.lastMs})`);
    }
    this.startMs ??= timestampMs;
    this.lastMs = timestampMs;
    const sample = { t: timestampMs, values: Float64Array.from(values) };
    if (this.held) {
      this.held.push(sample);
      if (timestampMs - this.held[0].t >= this.options.maxFreezeMs) this.release(true);
    } else {
      this.add(sample);
    }
  }

  /** Starts holding frames (a motion run began). Ignored while calibrating: calibration takes everything. */
  hold(): void {
    if (!this.calibrating) this.held ??= [];
  }

  /** Ends a hold: `keep` puts the held frames into the window (the run was noise), else they are dropped. */
  release(keep: boolean): void {
    const held = this.held ?? [];
    this.held = null;
    if (keep) for (const s of held) this.add(s);
  }

  private add(sample: { t: number; values: Float64Array }): void {
    this.samples.push(sample);
    while (this.samples.length > 1 && sample.t - this.samples[0].t > this.options.windowMs) this.samples.shift();
  }

  private check(values: ArrayLike<number>): void {
    if (values.length !== this.channels) throw new BaselineInputError(`expected ${this.channels} values, got ${values.length}`);
    for (let c = 0; c < this.channels; c++) {
      if (!Number.isFinite(values[c])) throw new BaselineInputError(`channel ${c}: non-finite value ${values[c]}`);
    }
  }
}
