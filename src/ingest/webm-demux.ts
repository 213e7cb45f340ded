/**
 * Minimal WebM (Matroska) demuxer for the first video track: codec, size and every coded frame with its
 * timestamp and key flag, in file order. It exists so WebCodecs can decode every frame of a file exactly once;
 * <video> playback can only sample frames in real time. Reads SimpleBlocks and BlockGroup Blocks; laced blocks
 * (audio practice, not produced by video muxers) are rejected by name.
 */
import type { EncodedVideo } from './encoded-video';
export class WebmFormatError extends Error {
  override name = 'WebmFormatError';
}

export interface WebmVideoTrack {
  trackNumber: number;
  codecId: string;
  width: number;
  height: number;
  codecPrivate: Uint8Array | null;
}

export interface WebmFrame {
  /** presentation time in microseconds */
  timestampUs: number;
  key: boolean;
  data: Uint8Array;
}

export interface WebmVideo {
  track: WebmVideoTrack;
  frames: WebmFrame[];
}

const ID = {
  EBML: 0x1a45dfa3,
  Segment: 0x18538067,
  Info: 0x1549a966,
  TimecodeScale: 0x2ad7b1,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  TrackType: 0x83,
  CodecID: 0x86,
  CodecPrivate: 0x63a2,
  Video: 0xe0,
  PixelWidth: 0xb0,
  PixelHeight: 0xba,
  Cluster: 0x1f43b675,
  Timecode: 0xe7,
  SimpleBlock: 0xa3,
  BlockGroup: 0xa0,
  Block: 0xa1,
} as const;

/** Master elements we descend into; everything else is skipped by size. */
const MASTERS = new Set<number>([ID.Segment, ID.Info, ID.Tracks, ID.TrackEntry, ID.Video, ID.Cluster, ID.BlockGroup]);

interface Vint { value: number; length: number; unknown: boolean }

function readVint(b: Uint8Array, pos: number, keepMarker: boolean): Vint {
  if (pos >= b.length) throw new WebmFormatError(`unexpected end of file at byte ${pos}`);
  const first = b[pos];
  let length = 1;
  while (length <= 8 && !(first & (0x80 >> (length - 1)))) length++;
  if (length > 8) throw new WebmFormatError(`invalid EBML variable-length integer at byte ${pos}`);
  if (pos + length > b.length) throw new WebmFormatError(`unexpected end of file at byte ${pos}`);
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === (0xff >> length);
  for (let i = 1; i < length; i++) {
    value = value * 256 + b[pos + i];
    if (b[pos + i] !== 0xff) allOnes = false;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

function readUint(b: Uint8Array, pos: number, size: number): number {
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + b[pos + i];
  return v;
}

export function demuxWebm(bytes: Uint8Array): WebmVideo {
  const head = readVint(bytes, 0, true);
  if (head.value !== ID.EBML) throw new WebmFormatError('not a WebM/Matroska file (no EBML header)');
  let timecodeScale = 1_000_000; // ns per timecode unit
  const tracks: WebmVideoTrack[] = [];
  let entry: Partial<WebmVideoTrack> & { type?: number } = {};
  const blocks: { track: number; timecode: number; key: boolean; data: Uint8Array }[] = [];
  let clusterTimecode = 0;

  const block = (start: number, end: number, simple: boolean): void => {
    const track = readVint(bytes, start, false);
    let p = start + track.length;
    const rel = ((bytes[p] << 8) | bytes[p + 1]) << 16 >> 16; // signed int16
    const flags = bytes[p + 2];
    p += 3;
    if (flags & 0x06) throw new WebmFormatError('laced blocks are not supported for video');
    blocks.push({ track: track.value, timecode: clusterTimecode + rel, key: simple ? (flags & 0x80) !== 0 : false, data: bytes.subarray(p, end) });
  };

  // Iterative walk: a stack of container end offsets.
  const stack: { end: number; id: number }[] = [{ end: bytes.length, id: 0 }];
  let pos = 0;
  let blockGroupHasRef = false;
  let blockGroupStart = -1;
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (pos >= top.end) {
      stack.pop();
      if (top.id === ID.TrackEntry) {
        if (entry.type === 1 && entry.trackNumber !== undefined) {
          tracks.push({ trackNumber: entry.trackNumber, codecId: entry.codecId ?? '', width: entry.width ?? 0, height: entry.height ?? 0, codecPrivate: entry.codecPrivate ?? null });
        }
        entry = {};
      } else if (top.id === ID.BlockGroup && blockGroupStart >= 0) {
        // a BlockGroup without ReferenceBlock is a key frame
        blocks[blockGroupStart].key = !blockGroupHasRef;
        blockGroupStart = -1;
      }
      continue;
    }
    const id = readVint(bytes, pos, true);
    const size = readVint(bytes, pos + id.length, false);
    const dataStart = pos + id.length + size.length;
    const dataEnd = size.unknown ? top.end : Math.min(dataStart + size.value, top.end);
    if (MASTERS.has(id.value)) {
      stack.push({ end: dataEnd, id: id.value });
      if (id.value === ID.BlockGroup) { blockGroupHasRef = false; blockGroupStart = -1; }
      pos = dataStart;
      continue;
    }
    switch (id.value) {
      case ID.TimecodeScale: timecodeScale = readUint(bytes, dataStart, dataEnd - dataStart); break;
      case ID.TrackNumber: entry.trackNumber = readUint(bytes, dataStart, dataEnd - dataStart); break;
      case ID.TrackType: entry.type = readUint(bytes, dataStart, dataEnd - dataStart); break;
      case ID.CodecID: entry.codecId = new TextDecoder().decode(bytes.subarray(dataStart, dataEnd)).replace(/\0+$/, ''); break;
      case ID.CodecPrivate: entry.codecPrivate = bytes.subarray(dataStart, dataEnd); break;
      case ID.PixelWidth: entry.width = readUint(bytes, dataStart, dataEnd - dataStart); break;
      case ID.PixelHeight: entry.height = readUint(bytes, dataStart, dataEnd - dataStart); break;
      case ID.Timecode: clusterTimecode = readUint(bytes, dataStart, dataEnd - dataStart); break;
      case ID.SimpleBlock: block(dataStart, dataEnd, true); break;
      case ID.Block: blockGroupStart = blocks.length; block(dataStart, dataEnd, false); break;
      case 0xfb: blockGroupHasRef = true; break; // ReferenceBlock
      default: break;
    }
    pos = dataEnd;
  }
  const track = tracks[0];
  if (!track) throw new WebmFormatError('the file has no video track');
  const frames = blocks
    .filter((b) => b.track === track.trackNumber)
    .map((b) => ({ timestampUs: Math.round((b.timecode * timecodeScale) / 1000), key: b.key, data: b.data }));
  if (!frames.length) throw new WebmFormatError('the video track has no frames');
  return { track, frames };
}

/** WebCodecs codec string for a Matroska video CodecID, or null when we do not decode it ourselves. */
export function webCodecsCodec(codecId: string): string | null {
  switch (codecId) {
    case 'V_VP8': return 'vp8';
    case 'V_VP9': return 'vp09.00.10.08';
    case 'V_AV1': return 'av01.0.04M.08';
    default: return null;
  }
}

/** The WebM track in the container-neutral form the WebCodecs path takes. */
export function webmToEncoded(v: WebmVideo): EncodedVideo {
  const codec = webCodecsCodec(v.track.codecId);
  return {
    codec,
    description: codec?.startsWith('av01') ? v.track.codecPrivate : null,
    width: v.track.width,
    height: v.track.height,
    samples: v.frames,
  };
}
