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
