import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { demuxMp4, Mp4FormatError } from './mp4-demux';

// A real H.264 file with B-frames, made by Debian's ffmpeg (a test dependency, see .ci/setup.sh).
function makeMp4(): Uint8Array {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'mp4-demux-')), 'clip.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=96x64:rate=25', '-frames:v', '30',
    '-c:v', 'libx264', '-profile:v', 'high', '-bf', '2', '-g', '10', '-keyint_min', '10', '-sc_threshold', '0', '-pix_fmt', 'yuv420p', file]);
  return new Uint8Array(readFileSync(file));
}

describe('demuxMp4', () => {
  const v = demuxMp4(makeMp4());

  it('reads the H.264 track configuration', () => {
    expect(v.width).toBe(96);
    expect(v.height).toBe(64);
    expect(v.codec).toMatch(/^avc1\.64[0-9a-f]{4}$/); // High profile
    expect(v.description![0]).toBe(1); // avcC configurationVersion
  });

  it('lists every sample once; presentation times are the 25 fps grid from 0 despite B-frame reordering', () => {
    expect(v.samples).toHaveLength(30);
    const pts = v.samples.map((s) => s.timestampUs).sort((a, b) => a - b);
    expect(pts).toEqual([...Array(30).keys()].map((i) => i * 40_000));
    // decode order differs from presentation order when B-frames are present
    expect(v.samples.map((s) => s.timestampUs)).not.toEqual(pts);
    expect(v.samples.filter((s) => s.key).map((s) => s.timestampUs)).toEqual([0, 400_000, 800_000]);
    // each sample is a length-prefixed NAL unit stream
    for (const s of v.samples) {
      const len = (s.data[0] << 24) | (s.data[1] << 16) | (s.data[2] << 8) | s.data[3];
      expect(len).toBeGreaterThan(0);
      expect(len + 4).toBeLessThanOrEqual(s.data.length);
    }
  });

  it('rejects what is not a progressive MP4 with a named error', () => {
    expect(() => demuxMp4(new TextEncoder().encode('\x1aE\xdf\xa3 not mp4 at all'))).toThrow(Mp4FormatError);
  });
});
