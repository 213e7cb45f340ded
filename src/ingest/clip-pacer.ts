/**
 * Real-time pacing of a looped clip decoded frame by frame: when each frame is due on the wall clock
 * (performance.now()), and which to skip because the consumer fell behind (a live source drops, it does not
 * slow down). Each loop continues the clip's time where the last one ended.
 */
export class ClipPacer {
  private loopStartMs: number;
  private firstTsMs: number | null = null;

  /** @param frameMs the clip's frame interval (a frame is late once the next one is due too) */
  constructor(startMs: number, readonly frameMs: number) {
    if (!(frameMs > 0)) throw new RangeError(`frameMs must be positive, got ${frameMs}`);
    this.loopStartMs = startMs;
  }

  /** Wall time at which the frame with clip timestamp `tsMs` is due. */
  dueMs(tsMs: number): number {
    this.firstTsMs ??= tsMs;
    return this.loopStartMs + (tsMs - this.firstTsMs);
  }

  /** True when the consumer is so far behind that the frame after this one is already due: skip it. */
  late(dueMs: number, nowMs: number): boolean {
    return dueMs + this.frameMs <= nowMs;
  }

  /** The clip starts again: its first frame is due one frame after `lastDueMs`, the last one's. */
  nextLoop(lastDueMs: number): void {
    this.loopStartMs = lastDueMs + this.frameMs;
    this.firstTsMs = null;
  }
}
