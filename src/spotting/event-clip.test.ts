import { describe, expect, it } from 'vitest';
import { warpAffineGray } from '../alignment/warp';
import type { Affine2x3 } from '../pipeline/types';
import { eventClipCrops, EventClipError, pickClips, type AlignedCrop } from './event-clip';
import { eventClips } from './resample';

const SIZE = 128;

describe('pickClips', () => {
  it('spreads the picked clips over the event and keeps short lists whole', () => {
    expect(pickClips([0, 1, 2, 3, 4], 2)).toEqual([1, 3]);
    expect(pickClips([0, 1, 2], 1)).toEqual([1]);
    expect(pickClips([0, 1], 2)).toEqual([0, 1]);
    expect(() => pickClips([0], 0)).toThrow(EventClipError);
  });
});

describe('eventClipCrops', () => {
  /** A crop whose first two bytes spell its frame index. */
  const tagged = (i: number): Uint8Array => {
    const c = new Uint8Array(SIZE * SIZE).fill(90);
    c[0] = i & 255;
    c[1] = i >> 8;
    return c;
  };
  const steady: Affine2x3 = [0.5, 0, -40, 0, 0.5, -30];

  it('gives the resampled onset..offset clips, spread as pickClips spreads them', () => {
    const frame = (i: number): AlignedCrop => ({ crop: tagged(i), alignment: steady });
    for (const [on, off, max] of [[100, 104, 2], [100, 131, 2], [7, 40, 1]] as const) {
      const clips = eventClipCrops(on, off, max, frame)!;
      expect(clips.map((c) => c.map((x) => x[0] + 256 * x[1]))).toEqual(pickClips(eventClips(on, off), max));
    }
  });

  it("moves every crop into the onset frame's alignment, so a still face stays still whatever the alignment did", () => {
    const W = 320, H = 240;
    const img = new Float32Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) img[y * W + x] = 128 + 50 * Math.sin(x / 6) * Math.cos(y / 8);
    // The alignment drifts 0.4 px per frame, as it does when the tracker's eye and mouth points follow an expression.
    const align = (i: number): Affine2x3 => [0.9, 0, -60 + 0.4 * (i - 50), 0, 0.9, -40 - 0.3 * (i - 50)];
    const frame = (i: number): AlignedCrop => ({ crop: warpAffineGray(img, W, H, align(i), SIZE, 128), alignment: align(i) });
    const [clip] = eventClipCrops(50, 56, 2, frame)!;
    const onsetCrop = frame(50).crop;
    for (const crop of clip) {
      let worst = 0;
      for (let v = 8; v < SIZE - 8; v++) for (let u = 8; u < SIZE - 8; u++) worst = Math.max(worst, Math.abs(crop[v * SIZE + u] - onsetCrop[v * SIZE + u]));
      expect(worst).toBeLessThanOrEqual(3);
    }
  });

  it('gives null when the onset or a frame of a clip has no crop', () => {
    const frame = (i: number): AlignedCrop | undefined => (i === 103 ? undefined : { crop: tagged(i), alignment: steady });
    expect(eventClipCrops(100, 106, 2, frame)).toBeNull();
    expect(eventClipCrops(103, 110, 2, frame)).toBeNull();
    expect(eventClipCrops(104, 110, 2, frame)).not.toBeNull();
  });
});
