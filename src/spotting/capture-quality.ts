/**
 * Can this capture resolve micro-expressions? An ME lasts 65-500 ms, so a camera's frame rate and the
 * regularity of its frames bound what spotting can see: under 25 fps a 200 ms expression spans fewer than
 * 5 frames (onset, apex and offset blur together), and irregular frame intervals skew onset/offset times and
 * the FWHM duration that separates micro from macro.
 */
export interface CaptureQualityOptions {
  /** Below this the warning shows (the 25 fps). */
  minFps: number;
  /** Warn when the frame-interval jitter exceeds this fraction of the median interval (a quarter frame). */
  maxJitterRatio: number;
}

export const DEFAULT_CAPTURE_QUALITY: Readonly<CaptureQualityOptions> = { minFps: 25, maxJitterRatio: 0.25 };

export interface CaptureQuality {
  /** Frames per second (measured); NaN when unknown. */
  fps: number;
  /** Standard deviation of the frame intervals in ms, or null when there are too few intervals to tell. */
  jitterMs: number | null;
  /** 'unknown' until a rate is measured. */
  level: 'ok' | 'warn' | 'unknown';
  /** Why it warns, one sentence each (empty when ok). */
  reasons: string[];
}

export class CaptureQualityError extends Error {
  override readonly name = 'CaptureQualityError';
}

/** Frame intervals (ms) from strictly increasing frame timestamps of consecutive frames. */
export function frameIntervals(timestampsMs: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < timestampsMs.length; i++) {
    const d = timestampsMs[i] - timestampsMs[i - 1];
    if (!(d > 0)) throw new CaptureQualityError(`frame timestamps must increase, got ${timestampsMs[i - 1]} then ${timestampsMs[i]}`);
    out.push(d);
  }
  return out;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * `fps`: the source's measured rate (NaN or 0 when unknown); `intervalsMs`: recent intervals between
 * consecutive frames, when known. Without a measured fps the median interval gives it.
 */
export function assessCapture(
  input: { fps?: number; intervalsMs?: readonly number[]; timing?: { frameMs: number; jitterMs: number } | null },
  options: CaptureQualityOptions = DEFAULT_CAPTURE_QUALITY,
): CaptureQuality {
  const intervals = input.intervalsMs ?? [];
  if (intervals.some((d) => !(d > 0) || !Number.isFinite(d))) throw new CaptureQualityError('frame intervals must be positive finite ms');
  const medianMs = intervals.length > 0 ? median(intervals) : Number.NaN;
  const fps = input.fps !== undefined && input.fps > 0 && Number.isFinite(input.fps) ? input.fps : 1000 / medianMs;
  // Two intervals make a spread, but a noisy one; four is the least that says something about regularity.
  let jitterMs: number | null = null;
  if (input.timing) {
    // A live source's clock (frame-clock.ts): its frame time and interval jitter, measured directly.
    return judge(input.fps !== undefined && input.fps > 0 && Number.isFinite(input.fps) ? input.fps : 1000 / input.timing.frameMs,
      input.timing.jitterMs, input.timing.frameMs, options);
  }
  if (intervals.length >= 4) {
    const mean = intervals.reduce((a, b) => a + b, 0) / intervals.length;
    jitterMs = Math.sqrt(intervals.reduce((a, d) => a + (d - mean) ** 2, 0) / (intervals.length - 1));
  }
  return judge(fps, jitterMs, medianMs, options);
}

function judge(fps: number, jitterMs: number | null, medianMs: number, options: CaptureQualityOptions): CaptureQuality {
  if (!Number.isFinite(fps)) return { fps: Number.NaN, jitterMs, level: 'unknown', reasons: [] };
  const reasons: string[] = [];
  if (fps < options.minFps) {
    reasons.push(`${fps.toFixed(1)} fps is under ${options.minFps} fps: expressions shorter than ${Math.round(5000 / fps)} ms get fewer than 5 frames and may be missed or mistimed.`);
  }
  if (jitterMs !== null && jitterMs > options.maxJitterRatio * medianMs) {
    reasons.push(`Frame timing is irregular (jitter ${jitterMs.toFixed(1)} ms at ${medianMs.toFixed(1)} ms per frame): onset, offset and duration are less precise.`);
  }
  return { fps, jitterMs, level: reasons.length ? 'warn' : 'ok', reasons };
}
