import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { demuxWebm, webCodecsCodec, WebmFormatError } from './webm-demux';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('demuxWebm', () => {
  // The bundled demo clip: VP8 400x300, 25 fps, 170 frames (ffprobe -count_frames), keyframe every 25 frames.
  const demo = demuxWebm(new Uint8Array(readFileSync(path.join(REPO, 'public/demo/cap12-demo.webm'))));

  it('finds the video track and every frame', () => {
    expect(demo.track).toMatchObject({ codecId: 'V_VP8', width: 400, height: 300 });
    expect(webCodecsCodec(demo.track.codecId)).toBe('vp8');
    expect(demo.frames).toHaveLength(170);
  });

  it('gives strictly increasing timestamps on the 25 fps grid and marks key frames', () => {
    // the clip itself has a few gaps (ffprobe: 0.40 s is followed by 0.48 s), so no fixed step is asserted
    const ts = demo.frames.map((f) => f.timestampUs);
    expect(ts[0]).toBe(0);
    expect(ts[10]).toBe(400_000);
    expect(ts[11]).toBe(480_000);
    for (let i = 1; i < ts.length; i++) {
      expect(ts[i]).toBeGreaterThan(ts[i - 1]);
      expect(ts[i] % 40_000).toBe(0);
    }
    expect(demo.frames[0].key).toBe(true);
    const keys = demo.frames.filter((f) => f.key).length;
    expect(keys).toBeGreaterThanOrEqual(170 / 25);
    expect(keys).toBeLessThan(170 / 2);
    // a VP8 key frame starts with the frame tag's key bit cleared and the 9d 01 2a start code
    expect(demo.frames[0].data[0] & 1).toBe(0);
    expect([...demo.frames[0].data.subarray(3, 6)]).toEqual([0x9d, 0x01, 0x2a]);
  });

  it('rejects non-WebM bytes with a named error', () => {
    expect(() => demuxWebm(new TextEncoder().encode('YUV4MPEG2 W2 H2\n'))).toThrow(WebmFormatError);
    expect(() => demuxWebm(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 0x80]))).toThrow(/no video track/);
  });
});
