/**
 * Turns a playing HTMLVideoElement (camera stream or looping demo clip) into a real-time frame stream:
 * every new video frame is counted ("fps in"); when the consumer is idle the frame is snapshotted into a
 * canvas (so it stays valid while tracking runs, although the video keeps playing) and handed over;
 * frames arriving while the consumer is busy are dropped, as a live source must.
 */
import type { Frame } from './types';
import { CounterRate } from './fps-meter';
import { FrameClock, type ClockEstimate } from './frame-clock';

export interface VideoPump {
  /** Resolves when stopped; rejects if `onFrame` throws. */
  done: Promise<void>;
  stop(): void;
  /** Frames per second the video delivered (not what was processed). */
  inputFps(): number;
  /** Frame time and interval jitter of the delivered frames (frame-clock.ts); null until known or without
   *  requestVideoFrameCallback. */
  inputTiming(): ClockEstimate | null;
}

interface FrameMetadata {
  presentedFrames: number;
  mediaTime: number;
  captureTime?: number;
}

type FrameCallbackVideo = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: (now: number, metadata: FrameMetadata) => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

export function pumpVideoFrames(video: HTMLVideoElement, onFrame: (frame: Frame) => Promise<void> | void): VideoPump {
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
    if (busy || v.videoWidth === 0 || v.videoHeight === 0) return;
    if (canvas.width !== v.videoWidth || canvas.height !== v.videoHeight) {
      canvas.width = v.videoWidth;
      canvas.height = v.videoHeight;
    }
    ctx!.drawImage(v, 0, 0);
    // Strictly increasing even if two callbacks land in the same millisecond.
    const timestampMs = Math.max(now - t0, lastTimestamp + 0.001);
    lastTimestamp = timestampMs;
    const frame: Frame = { index: index++, timestampMs, width: canvas.width, height: canvas.height, image: canvas };
    busy = true;
    Promise.resolve()
      .then(() => onFrame(frame))
      .then(
        () => { busy = false; },
        (err) => { stop(); rejectDone(err); },
      );
  }

  function stop() {
    if (stopped) return;
    stopped = true;
    if (v.cancelVideoFrameCallback) v.cancelVideoFrameCallback(handle);
    else cancelAnimationFrame(handle);
    resolveDone();
  }

  schedule();
  return {
    done,
    stop,
    inputFps: () => {
      meter.sample(performance.now(), decodedFrames());
      return meter.rate();
    },
    inputTiming: () => clock.estimate(),
  };
}
