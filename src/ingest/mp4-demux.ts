/**
 * Minimal MP4 (ISO BMFF) demuxer for the first video track of a non-fragmented file: codec configuration and
 * every sample (decode order) with its presentation timestamp and key flag, read from the sample tables
 * (stts, ctts, stsc, stsz, stco/co64, stss). Used to feed WebCodecs so every frame is decoded exactly once.
 * Presentation times are shifted so the first frame is at 0 (what an edit list usually does for B-frame files).
 */
import type { EncodedVideo, EncodedVideoSample } from './encoded-video';

export class Mp4FormatError extends Error {
  override name = 'Mp4FormatError';
}

interface Box { type: string; start: number; end: number; body: number }

function boxes(b: Uint8Array, dv: DataView, start: number, end: number): Box[] {
  const out: Box[] = [];
  let p = start;
  while (p + 8 <= end) {
    let size = dv.getUint32(p);
    const type = String.fromCharCode(b[p + 4], b[p + 5], b[p + 6], b[p + 7]);
    let body = p + 8;
    if (size === 1) {
      size = Number(dv.getBigUint64(p + 8));
      body = p + 16;
    } else if (size === 0) size = end - p;
    if (size < 8 || p + size > end) throw new Mp4FormatError(`box '${type}' at byte ${p} runs past its parent`);
    out.push({ type, start: p, end: p + size, body });
    p += size;
  }
  return out;
}

function child(b: Uint8Array, dv: DataView, parent: Box, type: string, offset = 0): Box | undefined {
  return boxes(b, dv, parent.body + offset, parent.end).find((x) => x.type === type);
}

function hex2(v: number): string {
  return v.toString(16).padStart(2, '0');
}

export function demuxMp4(bytes: Uint8Array): EncodedVideo {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const top = boxes(bytes, dv, 0, bytes.length);
  if (top[0]?.type !== 'ftyp') throw new Mp4FormatError('not an MP4 file (no ftyp box first)');
  const moov = top.find((x) => x.type === 'moov');
  if (!moov) throw new Mp4FormatError('no moov box (fragmented or truncated MP4)');
  for (const trak of boxes(bytes, dv, moov.body, moov.end).filter((x) => x.type === 'trak')) {
    const mdia = child(bytes, dv, trak, 'mdia');
    const hdlr = mdia && child(bytes, dv, mdia, 'hdlr');
    if (!mdia || !hdlr || String.fromCharCode(...bytes.subarray(hdlr.body + 8, hdlr.body + 12)) !== 'vide') continue;
    const mdhd = child(bytes, dv, mdia, 'mdhd')!;
    const timescale = bytes[mdhd.body] === 1 ? dv.getUint32(mdhd.body + 20) : dv.getUint32(mdhd.body + 12);
    const minf = child(bytes, dv, mdia, 'minf');
    const stbl = minf && child(bytes, dv, minf, 'stbl');
    if (!stbl) throw new Mp4FormatError('video track without a sample table');
    const get = (t: string): Box | undefined => child(bytes, dv, stbl, t);

    // sample description: the first visual sample entry and its codec configuration box
    const stsd = get('stsd');
    if (!stsd) throw new Mp4FormatError('video track without stsd');
    const entry = boxes(bytes, dv, stsd.body + 8, stsd.end)[0];
    const width = dv.getUint16(entry.body + 24);
    const height = dv.getUint16(entry.body + 26);
    const config = boxes(bytes, dv, entry.body + 78, entry.end);
    let codec: string | null = null;
    let description: Uint8Array | null = null;
    const avcC = config.find((x) => x.type === 'avcC');
    if ((entry.type === 'avc1' || entry.type === 'avc3') && avcC) {
      codec = `avc1.${hex2(bytes[avcC.body + 1])}${hex2(bytes[avcC.body + 2])}${hex2(bytes[avcC.body + 3])}`;
      description = bytes.subarray(avcC.body, avcC.end);
    }

    // sample tables
    const stsz = get('stsz');
    if (!stsz) throw new Mp4FormatError('video track without stsz');
    const fixedSize = dv.getUint32(stsz.body + 4);
    const count = dv.getUint32(stsz.body + 8);
    const sizes = Array.from({ length: count }, (_, i) => (fixedSize ? fixedSize : dv.getUint32(stsz.body + 12 + 4 * i)));
    const stco = get('stco');
    const co64 = get('co64');
    const chunkOffsets: number[] = [];
    if (stco) for (let i = 0, n = dv.getUint32(stco.body + 4); i < n; i++) chunkOffsets.push(dv.getUint32(stco.body + 8 + 4 * i));
    else if (co64) for (let i = 0, n = dv.getUint32(co64.body + 4); i < n; i++) chunkOffsets.push(Number(dv.getBigUint64(co64.body + 8 + 8 * i)));
    else throw new Mp4FormatError('video track without chunk offsets');
    const stsc = get('stsc');
    if (!stsc) throw new Mp4FormatError('video track without stsc');
    const stscRuns = Array.from({ length: dv.getUint32(stsc.body + 4) }, (_, i) => ({
      firstChunk: dv.getUint32(stsc.body + 8 + 12 * i),
      perChunk: dv.getUint32(stsc.body + 12 + 12 * i),
    }));
    const offsets: number[] = [];
    for (let r = 0; r < stscRuns.length && offsets.length < count; r++) {
      const lastChunk = r + 1 < stscRuns.length ? stscRuns[r + 1].firstChunk - 1 : chunkOffsets.length;
      for (let c = stscRuns[r].firstChunk; c <= lastChunk && offsets.length < count; c++) {
        let p = chunkOffsets[c - 1];
        for (let k = 0; k < stscRuns[r].perChunk && offsets.length < count; k++) {
          offsets.push(p);
          p += sizes[offsets.length - 1];
        }
      }
    }
    if (offsets.length !== count) throw new Mp4FormatError(`sample table lists ${count} samples but chunks hold ${offsets.length}`);
    const stts = get('stts');
    if (!stts) throw new Mp4FormatError('video track without stts');
    const dts: number[] = [];
    let t = 0;
    for (let i = 0, n = dv.getUint32(stts.body + 4); i < n; i++) {
      const c = dv.getUint32(stts.body + 8 + 8 * i);
      const d = dv.getUint32(stts.body + 12 + 8 * i);
      for (let k = 0; k < c; k++) { dts.push(t); t += d; }
    }
    const ctts = get('ctts');
    const cto = new Array<number>(count).fill(0);
    if (ctts) {
      const signed = bytes[ctts.body] === 1;
      let s = 0;
      for (let i = 0, n = dv.getUint32(ctts.body + 4); i < n; i++) {
        const c = dv.getUint32(ctts.body + 8 + 8 * i);
        const o = signed ? dv.getInt32(ctts.body + 12 + 8 * i) : dv.getUint32(ctts.body + 12 + 8 * i);
        for (let k = 0; k < c && s < count; k++) cto[s++] = o;
      }
    }
    const stss = get('stss');
    const keys = new Set<number>();
    if (stss) for (let i = 0, n = dv.getUint32(stss.body + 4); i < n; i++) keys.add(dv.getUint32(stss.body + 8 + 4 * i) - 1);
    const pts = dts.slice(0, count).map((d, i) => d + cto[i]);
    const first = Math.min(...pts);
    const samples: EncodedVideoSample[] = offsets.map((off, i) => {
      if (off + sizes[i] > bytes.length) throw new Mp4FormatError(`sample ${i} lies past the end of the file`);
      return {
        timestampUs: Math.round(((pts[i] - first) * 1e6) / timescale),
        key: stss ? keys.has(i) : true,
        data: bytes.subarray(off, off + sizes[i]),
      };
    });
    return { codec, description, width, height, samples };
  }
  throw new Mp4FormatError('the file has no video track');
}
