/**
 * How regular a live source's frames are, from requestVideoFrameCallback's metadata: each frame's capture
 * time (the camera's own clock; the media time without it) against its presented-frame number. A CPU-bound
 * backend blocks the main thread for seconds and most frames never get a callback, so consecutive pairs are
 * rare; instead a straight line t = a + frameMs * n is fitted through the frames that were seen, and the
 * spread of their times about it is the timing jitter. Reported as the jitter of a frame interval (sqrt 2 x
 * the spread of single frame times, for independent errors) so it compares with a file's interval spread.
 */
export interface FrameTiming {
  /** VideoFrameCallbackMetadata.presentedFrames. */
  presentedFrames: number;
  /** Capture time in ms (VideoFrameCallbackMetadata.captureTime), or undefined. */
  captureTimeMs?: number;
  /** Media time in s (VideoFrameCallbackMetadata.mediaTime). */
  mediaTimeS: number;
}

export interface ClockEstimate {
  /** Time per frame (ms). */
  frameMs: number;
  /** Standard deviation of a frame interval (ms). */
  jitterMs: number;
  /** Frames the estimate rests on. */
  frames: number;
}

const MIN_FRAMES = 6;

export class FrameClock {
  private samples: { n: number; t: number }[] = [];

  constructor(private readonly capacity = 90) {}

  push(f: FrameTiming): void {
    const t = f.captureTimeMs !== undefined && Number.isFinite(f.captureTimeMs) ? f.captureTimeMs : 1000 * f.mediaTimeS;
    const last = this.samples[this.samples.length - 1];
    if (last && f.presentedFrames === last.n) return;
    // Frame numbers or times going back: a new stream, or a looping clip restarting its media time.
    if (last && (f.presentedFrames < last.n || !(t > last.t))) this.samples = [];
    this.samples.push({ n: f.presentedFrames, t });
    if (this.samples.length > this.capacity) this.samples.shift();
  }

  /** The fitted frame time and interval jitter, or null with fewer than 6 frames seen. */
  estimate(): ClockEstimate | null {
    const s = this.samples;
    if (s.length < MIN_FRAMES || s[s.length - 1].n - s[0].n < MIN_FRAMES - 1) return null;
    const k = s.length;
    const mn = s.reduce((a, p) => a + p.n, 0) / k, mt = s.reduce((a, p) => a + p.t, 0) / k;
    let snn = 0, snt = 0;
    for (const p of s) { snn += (p.n - mn) ** 2; snt += (p.n - mn) * (p.t - mt); }
    const frameMs = snt / snn;
    let ss = 0;
    for (const p of s) ss += (p.t - mt - frameMs * (p.n - mn)) ** 2;
    return { frameMs, jitterMs: Math.SQRT2 * Math.sqrt(ss / (k - 2)), frames: k };
  }

  reset(): void {
    this.samples = [];
  }
}
