/**
 * Every camera frame, in order, for a machine that cannot analyse at the camera's rate: a worker
 * (camera-frame-reader.worker.ts) copies each frame of the track as it arrives into a bounded backlog, and the
 * frame pump takes them one by one. Analysis then falls behind live instead of dropping frames, so events
 * of 65-500 ms are still seen whole; the status bar shows by how much. When the backlog is full, newly arriving
 * frames are dropped and counted.
 */
import type { FrameBacklogStats } from './frame-backlog';
import type { ReaderReply, ReaderRequest } from './camera-frame-reader.worker';
import type { TrackFrameSource } from './video-element-pump';
import { yuv420ToRgba, yuvMatrix } from './video-frame-pixels';

/** 256 MB: about 22 s of 640x480 frames at 25 fps (460 KB each) before arriving frames are dropped. */
export const DEFAULT_BACKLOG_BYTES = 256 * 1024 * 1024;

/** How long one request waits for a frame when none is queued (a few frame times at 30 fps). */
const NEXT_FRAME_WAIT_MS = 150;

type ProcessorCtor = new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => { readable: ReadableStream<VideoFrame> };

export class CameraFrameQueue implements TrackFrameSource {
  private readonly pending = new Map<number, (r: ReaderReply) => void>();
  private nextId = 0;
  private stats: FrameBacklogStats | null = null;
  private clockOffset: number | null = null;
  private stopped = false;

  /**
   * The queue, or why this browser cannot read a track's frames in a worker (no MediaStreamTrackProcessor, or
   * its stream cannot be transferred).
   */
  static open(track: MediaStreamTrack, maxBytes = DEFAULT_BACKLOG_BYTES): CameraFrameQueue | { unavailable: string } {
    const Ctor = (globalThis as { MediaStreamTrackProcessor?: ProcessorCtor }).MediaStreamTrackProcessor;
    if (!Ctor || typeof Worker === 'undefined') {
      return { unavailable: 'this browser cannot read camera frames one by one (no MediaStreamTrackProcessor)' };
    }
    // A clone of its own: the <video> preview keeps the original, and stopping the clone ends only the reader.
    const clone = track.clone();
    let worker: Worker | null = null;
    try {
      const readable = new Ctor({ track: clone, maxBufferSize: 8 }).readable;
      worker = new Worker(new URL('./camera-frame-reader.worker.ts', import.meta.url), { type: 'module' });
      const start: ReaderRequest = { type: 'start', readable, maxBytes };
      worker.postMessage(start, [readable as unknown as Transferable]);
      return new CameraFrameQueue(worker, clone);
    } catch (err) {
      worker?.terminate();
      clone.stop();
      return { unavailable: `camera frames cannot be handed to a worker here (${err instanceof Error ? err.message : String(err)})` };
    }
  }

  private constructor(private readonly worker: Worker, private readonly track: MediaStreamTrack) {
    worker.onmessage = (e: MessageEvent<ReaderReply>) => {
      const r = e.data;
      if ('backlog' in r) this.stats = r.backlog;
      const resolve = this.pending.get(r.id);
      this.pending.delete(r.id);
      resolve?.(r);
    };
  }

  /** The oldest frame not yet analysed into `out`, with its capture time and camera frame number. */
  async copyInto(out: ImageData): Promise<{ captureMs: number; seq: number } | 'none' | 'unsupported'> {
    if (this.stopped) return 'none';
    const id = this.nextId++;
    const reply = await new Promise<ReaderReply>((resolve) => {
      this.pending.set(id, resolve);
      const ask: ReaderRequest = { type: 'next', id, waitMs: NEXT_FRAME_WAIT_MS };
      this.worker.postMessage(ask);
    });
    if (reply.type === 'unsupported') {
      console.info(`every-frame capture is off: ${reply.why}`);
      return 'unsupported';
    }
    if (reply.type !== 'frame') return 'none';
    const f = reply.frame;
    const m = yuvMatrix(f.matrix, f.fullRange);
    if (!m || f.width !== out.width || f.height !== out.height) return 'unsupported';
    yuv420ToRgba({ format: f.format, width: f.width, height: f.height, data: new Uint8Array(f.data), layout: f.layout }, m, out.data);
    // Capture time (µs on the capturer's clock) mapped onto performance.now()'s, fixed at the first frame.
    const t = f.timestampUs / 1000;
    this.clockOffset ??= performance.now() - t;
    return { captureMs: t + this.clockOffset, seq: f.seq };
  }

  /** Frames waiting and how far analysis is behind live (as of the last frame handed over). */
  backlog(): FrameBacklogStats | null {
    return this.stats;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.worker.terminate();
    this.track.stop();
    for (const [id, resolve] of this.pending) resolve({ type: 'ended', id });
    this.pending.clear();
  }
}
