/**
 * The queue of camera frames waiting to be analysed when every frame is kept (camera-frame-queue.ts): first in,
 * first out, bounded in bytes. When full, arriving frames are dropped (and counted), never queued ones: the
 * frames already waiting are the ones the analysis is about to reach, and dropping them would cut holes into
 * a stretch it has started.
 */

export interface BackloggedFrame {
  /** The camera's frame number since capture started (dropped frames keep theirs, so gaps show). */
  seq: number;
  /** Capture time in microseconds on the capturer's clock. */
  timestampUs: number;
  byteLength: number;
}

export interface FrameBacklogStats {
  /** Frames waiting. */
  frames: number;
  bytes: number;
  /** How far the oldest waiting frame is behind the newest the camera delivered, in ms (0 when none wait). */
  lagMs: number;
  /** Frames dropped because the queue was full, since capture started. */
  dropped: number;
  /** Frames the camera delivered since capture started. */
  received: number;
}

export class FrameBacklog<F extends BackloggedFrame> {
  private readonly frames: F[] = [];
  private head = 0;
  private bytes = 0;
  private dropped = 0;
  private received = 0;
  private newestUs: number | null = null;

  constructor(readonly maxBytes: number) {
    if (!(maxBytes > 0)) throw new RangeError(`maxBytes must be positive, got ${maxBytes}`);
  }

  /** Queues a frame the camera delivered; false when the queue is full and the frame was dropped. */
  push(frame: F): boolean {
    this.received++;
    this.newestUs = this.newestUs === null ? frame.timestampUs : Math.max(this.newestUs, frame.timestampUs);
    if (!this.fits(frame.byteLength)) {
      this.dropped++;
      return false;
    }
    this.frames.push(frame);
    this.bytes += frame.byteLength;
    return true;
  }

  /** Whether a frame of this size would be queued now (an empty queue takes any frame). */
  fits(byteLength: number): boolean {
    return this.size === 0 || this.bytes + byteLength <= this.maxBytes;
  }

  /** Counts a frame the camera delivered that could not be queued at all (e.g. its copy failed). */
  countDropped(timestampUs: number): void {
    this.received++;
    this.dropped++;
    this.newestUs = this.newestUs === null ? timestampUs : Math.max(this.newestUs, timestampUs);
  }

  /** The oldest waiting frame, taken out of the queue. */
  shift(): F | undefined {
    if (this.head >= this.frames.length) return undefined;
    const f = this.frames[this.head];
    this.frames[this.head++] = undefined as unknown as F;
    this.bytes -= f.byteLength;
    // Compact now and then rather than shifting the array on every frame.
    if (this.head > 64 && this.head * 2 > this.frames.length) {
      this.frames.splice(0, this.head);
      this.head = 0;
    }
    return f;
  }

  get size(): number {
    return this.frames.length - this.head;
  }

  stats(): FrameBacklogStats {
    const oldest = this.size > 0 ? this.frames[this.head] : null;
    const lagMs = oldest && this.newestUs !== null ? (this.newestUs - oldest.timestampUs) / 1000 : 0;
    return { frames: this.size, bytes: this.bytes, lagMs, dropped: this.dropped, received: this.received };
  }
}
