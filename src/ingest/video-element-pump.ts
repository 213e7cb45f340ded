/**
 * Turns a playing HTMLVideoElement (camera stream or looping demo clip) into a real-time frame stream:
 * every new video frame is counted ("fps in"); when the consumer is idle the frame is snapshotted into a
 * canvas (so it stays valid while tracking runs, although the video keeps playing; a camera's from its track's
 * own frames, video-frame-pixels.ts) and handed over;
 * frames arriving while the consumer is busy are dropped, as a live source must.
 */
import type { Frame } from './types';
import { CounterRate } from './fps-meter';
import { FrameClock, type ClockEstimate } from './frame-clock';
import type { FrameBacklogStats } from './frame-backlog';

export interface VideoPump {
  /** Resolves when stopped; rejects if `onFrame` throws. */
  done: Promise<void>;
  stop(): void;
  /** Frames per second the video delivered (not what was processed). */
  inputFps(): number;
  /** Frame time and interval jitter of the delivered frames (frame-clock.ts); null until known or without
   *  requestVideoFrameCallback. */
  inputTiming(): ClockEstimate | null;
  /** How frames are read: 'track' (the camera track's frames, no GPU readback) or 'draw' (the <video>). */
  pixelPath(): PixelPath;
  /** Frames waiting to be analysed when the track source keeps every frame (camera-frame-queue.ts), else null. */
  backlog(): FrameBacklogStats | null;
}

export type PixelPath = 'track' | 'draw';

interface FrameMetadata {
  presentedFrames: number;
  mediaTime: number;
  captureTime?: number;
}

type FrameCallbackVideo = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: (now: number, metadata: FrameMetadata) => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

/** A camera track's frames, read without drawing the <video> (video-frame-pixels.ts: LatestTrackFrame). */
export interface TrackFrameSource {
  /** The newest frame not yet taken (waiting briefly for one) into `out`, with its capture time in ms on
   *  performance.now()'s clock, and the camera's frame number when the source keeps every frame; 'none' when
   *  none came; 'unsupported' when its frames cannot be copied here. */
  copyInto(out: ImageData): Promise<{ captureMs: number; seq?: number } | 'none' | 'unsupported'>;
  /** Frames waiting, for a source that keeps every frame. */
  backlog?(): FrameBacklogStats | null;
}

/**
 * With `track` (a camera), frames are taken from the camera track as it delivers them: the <video> is then only
 * the preview and the clock, because a busy software GPU presents it (and calls back) late and reading it back
 * costs ~80 ms. Without, or when the track's frames cannot be copied, frames are drawn from the <video>.
 */
export function pumpVideoFrames(video: HTMLVideoElement, onFrame: (frame: Frame) => Promise<void> | void, track: TrackFrameSource | null = null): VideoPump {
  const v = video as FrameCallbackVideo;
  // Decoded-frame counts, not callbacks: a CPU-bound tfjs backend blocks the main thread for seconds, and
  // frames decoded meanwhile never get a callback of their own.
  const meter = new CounterRate(3000);
  const clock = new FrameClock();
  const decodedFrames = () => v.getVideoPlaybackQuality?.().totalVideoFrames ?? 0;
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('Canvas 2D context unavailable: cannot snapshot video frames');
  const t0 = performance.now();
  let index = 0;
  let busy = false;
  let stopped = false;
  let lastTimestamp = -1;
  let handle = 0;
  let path: PixelPath = track ? 'track' : 'draw';
  let resolveDone!: () => void;
  let rejectDone!: (err: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });

  const schedule = () => {
    if (stopped) return;
    // requestVideoFrameCallback fires once per presented video frame; the rAF fallback may see repeats,
    // which the currentTime check below filters out.
    if (v.requestVideoFrameCallback) handle = v.requestVideoFrameCallback(onVideoFrame);
    else handle = requestAnimationFrame(onVideoFrame);
  };

  let lastMediaTime = -1;
  function onVideoFrame(_now?: number, metadata?: FrameMetadata) {
    if (stopped) return;
    schedule();
    if (metadata) clock.push({ presentedFrames: metadata.presentedFrames, captureTimeMs: metadata.captureTime, mediaTimeS: metadata.mediaTime });
    const now = performance.now();
    if (!v.requestVideoFrameCallback) {
      if (v.currentTime === lastMediaTime) return;
      lastMediaTime = v.currentTime;
    }
    meter.sample(now, decodedFrames());
    if (path === 'track' || busy || !fitCanvas()) return;
    ctx!.drawImage(v, 0, 0);
    hand(now - t0);
  }

  /** Sizes the snapshot canvas to the video; false while the video has no size yet. */
  function fitCanvas(): boolean {
    if (v.videoWidth === 0 || v.videoHeight === 0) return false;
    if (canvas.width !== v.videoWidth || canvas.height !== v.videoHeight) {
      canvas.width = v.videoWidth;
      canvas.height = v.videoHeight;
    }
    return true;
  }

  /** Hands the snapshot in `canvas` to the consumer; resolves when it is done with it. */
  function hand(timeMs: number, seq?: number): Promise<void> {
    // Strictly increasing even if two frames land in the same millisecond.
    const timestampMs = Math.max(timeMs, lastTimestamp + 0.001);
    lastTimestamp = timestampMs;
    // A source that keeps every frame numbers them as the camera delivered them (a dropped one leaves a gap).
    if (seq !== undefined) index = Math.max(index, seq);
    const frame: Frame = { index: index++, timestampMs, width: canvas.width, height: canvas.height, image: canvas };
    busy = true;
    return Promise.resolve()
      .then(() => onFrame(frame))
      .then(
        () => { busy = false; },
        (err) => { stop(); rejectDone(err); },
      );
  }

  /** Camera: take the track's newest frame whenever the consumer is free. */
  async function pumpTrack(source: TrackFrameSource): Promise<void> {
    let pixels: ImageData | null = null;
    while (!stopped) {
      if (!fitCanvas()) { await new Promise((r) => setTimeout(r, 20)); continue; }
      if (!pixels || pixels.width !== canvas.width || pixels.height !== canvas.height) pixels = ctx!.createImageData(canvas.width, canvas.height);
      const got = await source.copyInto(pixels).catch(() => 'unsupported' as const);
      if (stopped) return;
      if (got === 'none') continue;
      if (got === 'unsupported') {
        path = 'draw';
        console.info("camera frames are drawn from the <video>: the track's frames cannot be copied here");
        return;
      }
      ctx!.putImageData(pixels, 0, 0);
      await hand(got.captureMs - t0, got.seq);
    }
  }

  function stop() {
    if (stopped) return;
    stopped = true;
    if (v.cancelVideoFrameCallback) v.cancelVideoFrameCallback(handle);
    else cancelAnimationFrame(handle);
    resolveDone();
  }

  schedule();
  if (track) void pumpTrack(track);
  return {
    done,
    stop,
    inputFps: () => {
      meter.sample(performance.now(), decodedFrames());
      return meter.rate();
    },
    inputTiming: () => clock.estimate(),
    pixelPath: () => path,
    backlog: () => (path === 'track' ? track?.backlog?.() ?? null : null),
  };
}
