/**
 * YUV4MPEG2 (.y4m) parsing. Chromium's <video> cannot play Y4M, so file sources decode it here: a text header
 * line, then frames each introduced by "FRAME[ params]\n". Supported chroma: 4:2:0 (all siting variants),
 * 4:4:4 and mono, 8-bit. Colour: BT.601, limited range unless the header says XCOLORRANGE=FULL.
 */
export class Y4mFormatError extends Error {
  override name = 'Y4mFormatError';
}

export interface Y4mHeader {
  width: number;
  height: number;
  /** frames per second (F num:den), or null when absent */
  fps: number | null;
  chroma: '420' | '444' | 'mono';
  fullRange: boolean;
  /** bytes of the header line including its newline */
  headerBytes: number;
  /** bytes of pixel data per frame (without the FRAME line) */
  frameBytes: number;
}

const MAGIC = 'YUV4MPEG2 ';

export function parseY4mHeader(bytes: Uint8Array): Y4mHeader {
  const nl = bytes.indexOf(0x0a);
  if (nl < 0) throw new Y4mFormatError('no end of header line in the first bytes');
  const line = new TextDecoder().decode(bytes.subarray(0, nl));
  if (!line.startsWith(MAGIC)) throw new Y4mFormatError('missing YUV4MPEG2 signature');
  let width = 0, height = 0;
  let fps: number | null = null;
  let chroma: Y4mHeader['chroma'] = '420';
  let fullRange = false;
  for (const tok of line.slice(MAGIC.length).split(' ').filter(Boolean)) {
    const v = tok.slice(1);
    switch (tok[0]) {
      case 'W': width = Number(v); break;
      case 'H': height = Number(v); break;
      case 'F': {
        const [n, d] = v.split(':').map(Number);
        fps = n > 0 && d > 0 ? n / d : null;
        break;
      }
      case 'C':
        if (['420', '420jpeg', '420paldv', '420mpeg2'].includes(v)) chroma = '420';
        else if (v === '444') chroma = '444';
        else if (v === 'mono') chroma = 'mono';
        else throw new Y4mFormatError(`unsupported colour space C${v} (supported: 420, 420jpeg, 420paldv, 420mpeg2, 444, mono; 8-bit)`);
        break;
      case 'X':
        if (v.toUpperCase() === 'COLORRANGE=FULL') fullRange = true;
        break;
      default:
        break;
    }
  }
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new Y4mFormatError(`invalid frame size W${width} H${height}`);
  }
  const luma = width * height;
  const cw = Math.ceil(width / 2), ch = Math.ceil(height / 2);
  const frameBytes = chroma === '420' ? luma + 2 * cw * ch : chroma === '444' ? 3 * luma : luma;
  return { width, height, fps, chroma, fullRange, headerBytes: nl + 1, frameBytes };
}

/** Converts one frame's planar YUV to RGBA (into `out` when given). */
export function y4mFrameToRgba(h: Y4mHeader, yuv: Uint8Array, out?: Uint8ClampedArray): Uint8ClampedArray {
  const { width: w, height: hh } = h;
  const rgba = out ?? new Uint8ClampedArray(w * hh * 4);
  const cw = h.chroma === '420' ? Math.ceil(w / 2) : w;
  const uOff = w * hh;
  const vOff = uOff + (h.chroma === '420' ? cw * Math.ceil(hh / 2) : w * hh);
  const ys = h.fullRange ? 1 : 255 / 219;
  const cs = h.fullRange ? 1 : 255 / 224;
  const y0 = h.fullRange ? 0 : 16;
  for (let y = 0; y < hh; y++) {
    for (let x = 0; x < w; x++) {
      const Y = (yuv[y * w + x] - y0) * ys;
      let r = Y, g = Y, b = Y;
      if (h.chroma !== 'mono') {
        const ci = h.chroma === '420' ? (y >> 1) * cw + (x >> 1) : y * w + x;
        const U = (yuv[uOff + ci] - 128) * cs;
        const V = (yuv[vOff + ci] - 128) * cs;
        r = Y + 1.402 * V;
        g = Y - 0.344136 * U - 0.714136 * V;
        b = Y + 1.772 * U;
      }
      const o = (y * w + x) * 4;
      rgba[o] = r; rgba[o + 1] = g; rgba[o + 2] = b; rgba[o + 3] = 255;
    }
  }
  return rgba;
}

/** Random-access frame reader over a Blob (a File, or a fetched body). */
export class Y4mBlobReader {
  private nextOffset: number;
  private frameIndex = 0;

  private constructor(private readonly blob: Blob, readonly header: Y4mHeader) {
    this.nextOffset = header.headerBytes;
  }

  static async open(blob: Blob): Promise<Y4mBlobReader> {
    const head = new Uint8Array(await blob.slice(0, 4096).arrayBuffer());
    return new Y4mBlobReader(blob, parseY4mHeader(head));
  }

  /** Frame count if every frame line is the plain "FRAME\n" (the common case), else an estimate. */
  get estimatedFrameCount(): number {
    return Math.floor((this.blob.size - this.header.headerBytes) / (this.header.frameBytes + 6));
  }

  /** Next frame's YUV bytes, or null at the end of the file. */
  async next(): Promise<{ index: number; yuv: Uint8Array } | null> {
    if (this.nextOffset >= this.blob.size) return null;
    const chunk = new Uint8Array(await this.blob.slice(this.nextOffset, this.nextOffset + 256 + this.header.frameBytes).arrayBuffer());
    const nl = chunk.indexOf(0x0a);
    const tag = new TextDecoder().decode(chunk.subarray(0, Math.max(0, nl)));
    if (nl < 0 || !tag.startsWith('FRAME')) throw new Y4mFormatError(`frame ${this.frameIndex}: expected a FRAME line at byte ${this.nextOffset}`);
    const yuv = chunk.subarray(nl + 1, nl + 1 + this.header.frameBytes);
    if (yuv.length < this.header.frameBytes) throw new Y4mFormatError(`frame ${this.frameIndex}: truncated (${yuv.length} of ${this.header.frameBytes} bytes)`);
    this.nextOffset += nl + 1 + this.header.frameBytes;
    return { index: this.frameIndex++, yuv };
  }
}
