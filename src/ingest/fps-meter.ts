/**
 * Frame-rate over a sliding time window. Used for "fps in" (frames the source delivered) and
 * "fps processed" (frames the pipeline finished). Timestamps in ms, any monotonic clock.
 */
export class FpsMeter {
  private readonly stamps: number[] = [];

  constructor(private readonly windowMs = 2000) {
    if (!(windowMs > 0)) throw new RangeError(`FpsMeter window must be > 0 ms, got ${windowMs}`);
  }

  tick(nowMs: number): void {
    const last = this.stamps[this.stamps.length - 1];
    if (last !== undefined && nowMs < last) throw new RangeError(`FpsMeter time went backwards: ${nowMs} < ${last}`);
    this.stamps.push(nowMs);
    this.evict(nowMs);
  }

  /** Events per second over the window ending at `nowMs` (0 until two events were seen in it). */
  fps(nowMs: number): number {
    this.evict(nowMs);
    const n = this.stamps.length;
    if (n < 2) return 0;
    const span = this.stamps[n - 1] - this.stamps[0];
    // A source that stalled (no event for a whole window) reads 0 thanks to evict(); otherwise rate over the span.
    return span > 0 ? ((n - 1) * 1000) / span : 0;
  }

  reset(): void {
    this.stamps.length = 0;
  }

  private evict(nowMs: number): void {
    const cutoff = nowMs - this.windowMs;
    let drop = 0;
    while (drop < this.stamps.length && this.stamps[drop] < cutoff) drop++;
    if (drop > 0) this.stamps.splice(0, drop);
  }
}

/**
 * Rate of a monotonically increasing counter (e.g. a video element's decoded-frame count) over a sliding
 * window. Unlike FpsMeter it does not need a callback per event, so it stays right while the main thread is
 * blocked (a CPU tfjs backend) and frames are decoded without a callback for each.
 */
export class CounterRate {
  private readonly samples: Array<[number, number]> = [];

  constructor(private readonly windowMs = 2000) {
    if (!(windowMs > 0)) throw new RangeError(`CounterRate window must be > 0 ms, got ${windowMs}`);
  }

  sample(nowMs: number, count: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last && (nowMs < last[0] || count < last[1])) {
      // A counter reset (new stream) or clock step: start over rather than report a negative rate.
      this.samples.length = 0;
    }
    this.samples.push([nowMs, count]);
    // Keep one sample older than the window so the rate spans the whole window.
    while (this.samples.length > 2 && this.samples[1][0] <= nowMs - this.windowMs) this.samples.shift();
  }

  /** Counts per second between the oldest kept sample and the newest (0 with fewer than two samples). */
  rate(): number {
    const n = this.samples.length;
    if (n < 2) return 0;
    const [t0, c0] = this.samples[0];
    const [t1, c1] = this.samples[n - 1];
    return t1 > t0 ? ((c1 - c0) * 1000) / (t1 - t0) : 0;
  }
}
