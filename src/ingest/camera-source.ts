/**
 * Webcam source: getUserMedia at 640x480 / 30 fps by default (the mode MOL's crops are tuned for), real time
 * (frames are dropped while the pipeline is busy) or, with `everyFrame`, every frame in order (analysis falls
 * behind live instead: camera-frame-queue.ts), with the delivered fps measured. A track that ends
 * while capturing (camera unplugged, permission revoked) rejects `start()` with CameraUnpluggedError.
 */
import type { ClockEstimate } from './frame-clock';
import type { Frame, FrameSource, SourceInfo } from './types';
import { cameraErrorFrom, CameraUnpluggedError, NoCameraError } from './errors';
import { pumpVideoFrames, type VideoPump } from './video-element-pump';
import { LatestTrackFrame } from './video-frame-pixels';
import { CameraFrameQueue } from './camera-frame-queue';
import type { FrameBacklogStats } from './frame-backlog';

export interface CameraOptions {
  /** A deviceId from listCameras(); default: the browser's choice. */
  deviceId?: string;
  width?: number;
  height?: number;
  frameRate?: number;
  /** Analyse every frame in order, falling behind live if need be, instead of dropping frames while busy. */
  everyFrame?: boolean;
  /** With `everyFrame`: the backlog's bound in bytes (camera-frame-queue.ts). */
  backlogBytes?: number;
}

export const DEFAULT_CAMERA_MODE = { width: 640, height: 480, frameRate: 30 } as const;

export class CameraSource implements FrameSource {
  readonly info: SourceInfo = { kind: 'camera', label: 'Camera', nominalFps: null, frameCount: null };
  private stream: MediaStream | null = null;
  private pump: VideoPump | null = null;
  private trackFrames: LatestTrackFrame | CameraFrameQueue | null = null;
  private video: HTMLVideoElement | null = null;
  private stopped = false;

  constructor(private readonly options: CameraOptions = {}) {}

  /** The deviceId actually opened (known after start), so the picker can show it. */
  deviceId: string | null = null;

  /** Why every frame is not kept although `everyFrame` asked for it (known after start), or null. */
  everyFrameUnavailable: string | null = null;

  async start(onFrame: (frame: Frame) => Promise<void> | void): Promise<void> {
    if (!navigator.mediaDevices?.getUserMedia) {
      throw new NoCameraError('This browser offers no camera API here (camera access needs https or localhost).');
    }
    const { width, height, frameRate } = { ...DEFAULT_CAMERA_MODE, ...this.options };
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: {
          deviceId: this.options.deviceId ? { exact: this.options.deviceId } : undefined,
          width: { ideal: width },
          height: { ideal: height },
          frameRate: { ideal: frameRate },
        },
      });
    } catch (err) {
      throw cameraErrorFrom(err);
    }
    if (this.stopped) return this.release();
    const track = this.stream.getVideoTracks()[0];
    if (!track) throw new NoCameraError('The camera stream has no video track.');
    const settings = track.getSettings();
    this.deviceId = settings.deviceId ?? null;
    this.info.label = track.label || 'Camera';
    this.info.nominalFps = settings.frameRate ?? null;

    const unplugged = new Promise<never>((_, reject) => {
      track.addEventListener('ended', () => {
        if (!this.stopped) reject(new CameraUnpluggedError(`The camera "${this.info.label}" stopped delivering video (unplugged or access revoked).`));
      });
    });

    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = this.stream;
    this.video = video;
    try {
      await video.play();
    } catch (err) {
      this.release();
      throw cameraErrorFrom(err);
    }
    if (this.stopped) return this.release();
    // The track's own frames are read without a GPU readback; the <video> stays the preview and the clock.
    if (this.options.everyFrame) {
      const queue = CameraFrameQueue.open(track, this.options.backlogBytes);
      if (queue instanceof CameraFrameQueue) this.trackFrames = queue;
      else this.everyFrameUnavailable = queue.unavailable;
    }
    this.trackFrames ??= LatestTrackFrame.open(track);
    this.pump = pumpVideoFrames(video, onFrame, this.trackFrames);
    try {
      await Promise.race([this.pump.done, unplugged]);
    } finally {
      this.release();
    }
  }

  stop(): void {
    this.stopped = true;
    this.pump?.stop();
    this.release();
  }

  measuredFps(): number {
    return this.pump?.inputFps() ?? 0;
  }

  measuredTiming(): ClockEstimate | null {
    return this.pump?.inputTiming() ?? null;
  }

  captureNote(): string | null {
    return this.everyFrameUnavailable === null ? null
      : `Every camera frame cannot be kept here, so frames are dropped while one is analysed: ${this.everyFrameUnavailable}.`;
  }

  backlog(): FrameBacklogStats | null {
    return this.pump?.backlog() ?? null;
  }

  /** How the pump reads frames ('track' or 'draw'), null before it starts. */
  pixelPath(): 'track' | 'draw' | null {
    return this.pump?.pixelPath() ?? null;
  }

  private release(): void {
    this.pump?.stop();
    this.trackFrames?.stop();
    this.trackFrames = null;
    this.stream?.getTracks().forEach((t) => t.stop());
    if (this.video) this.video.srcObject = null;
    this.stream = null;
    this.video = null;
  }
}
