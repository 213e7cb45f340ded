import { describe, expect, it } from 'vitest';
import { CropRing, CropRingError } from './crop-ring';

const crop = (v: number) => new Uint8Array(4).fill(v);
const ALIGN = [1, 0, 0, 0, 1, 0] as const;

describe('CropRing', () => {
  it('keeps the last `capacity` frames and returns a range in frame order, skipping frames without a crop', () => {
    const ring = new CropRing(4);
    for (const i of [0, 1, 2, 4, 5, 6]) ring.push(i, i * 40, crop(i), ALIGN);
    expect(ring.getCrops(0, 10).map((c) => c.index)).toEqual([4, 5, 6]); // 3 has no crop, 0..2 are gone
    expect(ring.getCrops(5, 5)[0]).toMatchObject({ index: 5, timestampMs: 200 });
    expect(ring.get(5)?.crop[0]).toBe(5);
    expect(ring.get(1)).toBeUndefined(); // overwritten slot holds frame 5
    expect(ring.newestIndex).toBe(6);
  });

  it('starts over when the frame index goes back (a new source)', () => {
    const ring = new CropRing(8);
    for (let i = 0; i < 5; i++) ring.push(i, i, crop(i), ALIGN);
    ring.push(0, 0, crop(9), ALIGN);
    expect(ring.getCrops(0, 10).map((c) => c.crop[0])).toEqual([9]);
  });

  it('rejects bad capacities, indices and ranges with a named error', () => {
    expect(() => new CropRing(0)).toThrow(CropRingError);
    expect(() => new CropRing(4).push(-1, 0, crop(0), ALIGN)).toThrow(CropRingError);
    expect(() => new CropRing(4).getCrops(5, 2)).toThrow(/reversed/);
    expect(() => new CropRing(4).getCrops(0.5, 2)).toThrow(CropRingError);
  });
});
