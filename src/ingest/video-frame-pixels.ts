/**
 * Camera frames as RGBA bytes without a GPU readback. Drawing the camera's <video> into a readable canvas waits
 * for the GPU process to convert and read the frame back: ~20 ms on an idle software GPU, ~80 ms while it
 * composites the page, most of a live frame's time (a VideoFrame made from the <video> is read back the same
 * way). MediaStreamTrackProcessor hands over the capturer's own YUV frames in memory (copy < 1 ms); they are
 * converted here with the frame's own matrix and range, as the browser would (mean difference 0.3 of 255).
 */

import type { TrackFrameSource } from './video-element-pump';

/** YUV -> RGB coefficients: R = k(Y - y0) + rv V', G = k(Y - y0) - gu U' - gv V', B = k(Y - y0) + bu U'. */
interface YuvMatrix { k: number; y0: number; rv: number; gu: number; gv: number; bu: number }

const KR_KB: Record<string, [number, number]> = {
  bt709: [0.2126, 0.0722],
  bt470bg: [0.299, 0.114],
  smpte170m: [0.299, 0.114],
};

/** The conversion for a frame's colour space (matrix, full or limited range), or null for ones we do not convert. */
export function yuvMatrix(matrix: string | null | undefined, fullRange: boolean | null | undefined): YuvMatrix | null {
  const kk = KR_KB[matrix ?? 'smpte170m'];
  if (!kk) return null;
  const [kr, kb] = kk;
  const kg = 1 - kr - kb;
  // Limited range: Y in 16..235, chroma in 16..240 (224 steps around 128).
  const k = fullRange ? 1 : 255 / 219;
  const c = fullRange ? 1 : 255 / 224;
  return {
    k, y0: fullRange ? 0 : 16,
    rv: 2 * (1 - kr) * c, bu: 2 * (1 - kb) * c,
    gu: (2 * (1 - kb) * kb / kg) * c, gv: (2 * (1 - kr) * kr / kg) * c,
  };
}

export interface YuvPlanes {
  format: 'NV12' | 'I420';
  width: number;
  height: number;
  data: Uint8Array;
  /** Per plane: byte offset and row stride (Y, then UV for NV12 or U, V for I420). */
  layout: readonly { offset: number; stride: number }[];
}

/** 4:2:0 YUV -> RGBA (alpha 255) into `out` (width * height * 4 bytes); chroma taken from the pixel's 2x2 block. */
export function yuv420ToRgba(p: YuvPlanes, m: YuvMatrix, out: Uint8ClampedArray): void {
  const { width: w, height: h, data, layout } = p;
  if (out.length !== w * h * 4) throw new RangeError(`RGBA buffer holds ${out.length} bytes, ${w}x${h} needs ${w * h * 4}`);
  const Y = layout[0];
  const nv12 = p.format === 'NV12';
  const U = layout[1];
  const V = nv12 ? layout[1] : layout[2];
  const du = nv12 ? 2 : 1;
  for (let y = 0; y < h; y++) {
    const yRow = Y.offset + y * Y.stride;
    const cy = y >> 1;
    const uRow = U.offset + cy * U.stride;
    const vRow = V.offset + cy * V.stride + (nv12 ? 1 : 0);
    let o = y * w * 4;
    for (let x = 0; x < w; x++) {
      const cx = (x >> 1) * du;
      const yy = m.k * (data[yRow + x] - m.y0);
      const u = data[uRow + cx] - 128;
      const v = data[vRow + cx] - 128;
      out[o] = yy + m.rv * v;
      out[o + 1] = yy - m.gu * u - m.gv * v;
      out[o + 2] = yy + m.bu * u;
      out[o + 3] = 255;
      o += 4;
    }
  }
}

interface VideoFrameLike {
  format: string | null;
  timestamp: number;
  visibleRect: { width: number; height: number } | null;
  displayWidth: number;
  displayHeight: number;
  colorSpace: { matrix?: string | null; fullRange?: boolean | null };
  allocationSize(): number;
  copyTo(dest: Uint8Array): Promise<{ offset: number; stride: number }[]>;
  close(): void;
}

/** How long a copy waits for a frame when the newest was already taken (a few frame times at 30 fps). */
const NEXT_FRAME_TIMEOUT_MS = 150;

type TrackProcessorCtor = new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => { readable: ReadableStream<VideoFrameLike> };

/** The format and size of a frame whose planes can be copied and converted here (4:2:0, shown uncropped and
 *  unscaled), or null. */
export function copyableYuv(frame: Pick<VideoFrameLike, 'format' | 'visibleRect' | 'displayWidth' | 'displayHeight'>):
  { format: 'NV12' | 'I420'; width: number; height: number } | null {
  const rect = frame.visibleRect;
  const format = frame.format;
  if ((format !== 'NV12' && format !== 'I420') || !rect) return null;
  if (rect.width !== frame.displayWidth || rect.height !== frame.displayHeight) return null;
  return { format, width: rect.width, height: rect.height };
}

/** Converts one frame into `out` (an ImageData of its size); false for formats, matrices or sizes not handled here. */
export async function copyFramePixels(frame: VideoFrameLike, out: ImageData): Promise<boolean> {
  const yuv = copyableYuv(frame);
  const m = yuvMatrix(frame.colorSpace.matrix, frame.colorSpace.fullRange);
  if (!yuv || !m || yuv.width !== out.width || yuv.height !== out.height) return false;
  const data = new Uint8Array(frame.allocationSize());
  const layout = await frame.copyTo(data);
  yuv420ToRgba({ ...yuv, data, layout }, m, out.data);
  return true;
}

/**
 * Keeps the newest frame of a camera track (older ones are closed as newer arrive), for the frame pump to copy
 * when it takes one. The <video> preview is unaffected: a track feeds every sink.
 */
export class LatestTrackFrame implements TrackFrameSource {
  private latest: VideoFrameLike | null = null;
  private waiter: ((f: VideoFrameLike | null) => void) | null = null;
  private stopped = false;
  /** performance.now() minus capture time, fixed at the first frame copied. */
  private clockOffset: number | null = null;
  private readonly reader: ReadableStreamDefaultReader<VideoFrameLike>;

  /** Null where the browser has no MediaStreamTrackProcessor (the pump then draws the <video>). */
  static open(track: MediaStreamTrack): LatestTrackFrame | null {
    const Ctor = (globalThis as { MediaStreamTrackProcessor?: TrackProcessorCtor }).MediaStreamTrackProcessor;
    if (!Ctor) return null;
    try {
      return new LatestTrackFrame(new Ctor({ track, maxBufferSize: 1 }).readable.getReader());
    } catch {
      return null;
    }
  }

  private constructor(reader: ReadableStreamDefaultReader<VideoFrameLike>) {
    this.reader = reader;
    void this.pull();
  }

  private async pull(): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await this.reader.read();
        if (done || this.stopped) { value?.close(); break; }
        const waiter = this.waiter;
        this.waiter = null;
        if (waiter) { waiter(value); continue; }
        this.latest?.close();
        this.latest = value;
      }
      this.waiter?.(null);
    } catch {
      // the track ended or was stopped: the camera source reports that through the track's 'ended' event
    }
  }

  /** The newest frame not yet taken (or the next to arrive, briefly waited for) into `out`; see TrackFrameSource. */
  async copyInto(out: ImageData): Promise<{ captureMs: number; seq?: number } | 'none' | 'unsupported'> {
    // Taken from the holder, so a newer frame cannot close it mid-copy.
    const frame = this.latest ?? (this.stopped ? null : await this.nextFrame());
    this.latest = null;
    if (!frame) return 'none';
    try {
      if (!(await copyFramePixels(frame, out))) return 'unsupported';
      // VideoFrame.timestamp: capture time in microseconds on the capturer's clock; mapped onto performance.now()'s.
      const t = frame.timestamp / 1000;
      this.clockOffset ??= performance.now() - t;
      return { captureMs: t + this.clockOffset };
    } finally {
      frame.close();
    }
  }

  private nextFrame(): Promise<VideoFrameLike | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { if (this.waiter === take) this.waiter = null; resolve(null); }, NEXT_FRAME_TIMEOUT_MS);
      const take = (f: VideoFrameLike | null): void => { clearTimeout(timer); resolve(f); };
      this.waiter = take;
    });
  }

  stop(): void {
    this.stopped = true;
    this.waiter?.(null);
    this.waiter = null;
    this.latest?.close();
    this.latest = null;
    void this.reader.cancel().catch(() => {});
  }
}
