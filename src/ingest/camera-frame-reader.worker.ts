/**
 * Reads every frame of a camera track (a MediaStreamTrackProcessor's stream, transferred here) and keeps a
 * copy of its YUV planes in a bounded backlog until the page asks for the next one. It runs off the main
 * thread so frames keep being taken while the page is busy analysing (a tfjs step can block it for seconds);
 * each VideoFrame is closed at once, so the camera's small pool of capture buffers never runs dry.
 */
import { FrameBacklog, type FrameBacklogStats } from './frame-backlog';
import { copyableYuv } from './video-frame-pixels';

export interface QueuedYuvFrame {
  seq: number;
  timestampUs: number;
  format: 'I420' | 'NV12';
  width: number;
  height: number;
  layout: { offset: number; stride: number }[];
  matrix: string | null;
  fullRange: boolean | null;
  data: ArrayBuffer;
  byteLength: number;
}

export type ReaderRequest =
  | { type: 'start'; readable: ReadableStream<VideoFrame>; maxBytes: number }
  | { type: 'next'; id: number; waitMs: number };

export type ReaderReply =
  | { type: 'frame'; id: number; frame: QueuedYuvFrame; backlog: FrameBacklogStats }
  | { type: 'none'; id: number; backlog: FrameBacklogStats }
  | { type: 'ended'; id: number }
  | { type: 'unsupported'; id: number; why: string };

let backlog: FrameBacklog<QueuedYuvFrame> | null = null;
let ended = false;
let unsupported: string | null = null;
/** The page's pending 'next', answered when a frame arrives or its wait runs out. */
let waiting: { id: number; timer: ReturnType<typeof setTimeout> } | null = null;

const post = (reply: ReaderReply, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(reply, transfer);

function answer(id: number): boolean {
  if (unsupported !== null) { post({ type: 'unsupported', id, why: unsupported }); return true; }
  const frame = backlog?.shift();
  if (frame) { post({ type: 'frame', id, frame, backlog: backlog!.stats() }, [frame.data]); return true; }
  if (ended) { post({ type: 'ended', id }); return true; }
  return false;
}

function wake(): void {
  if (waiting && answer(waiting.id)) {
    clearTimeout(waiting.timer);
    waiting = null;
  }
}

async function read(readable: ReadableStream<VideoFrame>, q: FrameBacklog<QueuedYuvFrame>): Promise<void> {
  const reader = readable.getReader();
  let seq = 0;
  try {
    for (;;) {
      const { value: vf, done } = await reader.read();
      if (done) break;
      const n = seq++;
      try {
        const yuv = copyableYuv(vf);
        if (!yuv) {
          unsupported = `the camera delivers ${vf.format ?? 'opaque'} frames of ${vf.displayWidth}x${vf.displayHeight} (${vf.visibleRect?.width}x${vf.visibleRect?.height} visible)`;
          break;
        }
        const bytes = vf.allocationSize();
        // Full: counted as dropped without copying (the copy is the costly part).
        if (!q.fits(bytes)) { q.countDropped(vf.timestamp); continue; }
        const data = new ArrayBuffer(bytes);
        const layout = await vf.copyTo(data);
        q.push({
          seq: n, timestampUs: vf.timestamp, ...yuv,
          layout: layout.map((p) => ({ offset: p.offset, stride: p.stride })),
          matrix: vf.colorSpace.matrix ?? null, fullRange: vf.colorSpace.fullRange ?? null, data, byteLength: bytes,
        });
      } catch {
        q.countDropped(vf.timestamp);
      } finally {
        vf.close();
      }
      wake();
    }
  } catch {
    // the track ended or was stopped: the camera source hears that through the track's 'ended' event
  }
  ended = true;
  wake();
}

self.onmessage = (e: MessageEvent<ReaderRequest>) => {
  const msg = e.data;
  if (msg.type === 'start') {
    backlog = new FrameBacklog(msg.maxBytes);
    void read(msg.readable, backlog);
  } else if (msg.type === 'next') {
    if (waiting) { clearTimeout(waiting.timer); post({ type: 'none', id: waiting.id, backlog: backlog!.stats() }); waiting = null; }
    if (answer(msg.id)) return;
    const id = msg.id;
    waiting = { id, timer: setTimeout(() => { if (waiting?.id === id) { waiting = null; post({ type: 'none', id, backlog: backlog!.stats() }); } }, msg.waitMs) };
  }
};
