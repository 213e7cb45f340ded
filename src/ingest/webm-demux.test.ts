import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { demuxWebm, webCodecsCodec, WebmFormatError } from './webm-demux';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('demuxWebm', () => {
  // The bundled demo clip: VP8 640x480, 25 fps, 250 frames (10 s, ffprobe -count_frames), a key frame every 50
  // frames (ffmpeg -g 50), no alt-ref frames (public/demo/SOURCE.md has the generator command).
  const demo = demuxWebm(new Uint8Array(readFileSync(path.join(REPO, 'public/demo/demo-planted.webm'))));

  it('finds the video track and every frame', () => {
    expect(demo.track).toMatchObject({ codecId: 'V_VP8', width: 640, height: 480 });
    expect(webCodecsCodec(demo.track.codecId)).toBe('vp8');
    expect(demo.frames).toHaveLength(250);
  });

  it('gives the timestamps of the 25 fps grid and marks key frames', () => {
    const ts = demo.frames.map((f) => f.timestampUs);
    expect(ts).toEqual(demo.frames.map((_, i) => i * 40_000));
    expect(demo.frames[0].key).toBe(true);
    const keys = demo.frames.flatMap((f, i) => (f.key ? [i] : []));
    expect(keys.slice(0, 5)).toEqual([0, 50, 100, 150, 200]);
    expect(keys.length).toBeLessThan(250 / 10);
    // a VP8 key frame starts with the frame tag's key bit cleared and the 9d 01 2a start code; others set it
    for (const i of [0, 50]) {
      expect(demo.frames[i].data[0] & 1).toBe(0);
      expect([...demo.frames[i].data.subarray(3, 6)]).toEqual([0x9d, 0x01, 0x2a]);
    }
    expect(demo.frames[1].data[0] & 1).toBe(1);
  });

  it('rejects non-WebM bytes with a named error', () => {
    expect(() => demuxWebm(new TextEncoder().encode('YUV4MPEG2 W2 H2\n'))).toThrow(WebmFormatError);
    expect(() => demuxWebm(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0x80]))).toThrow(/no video track/);
  });
});
