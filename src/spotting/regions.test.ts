import { describe, expect, it } from 'vitest';
import { neutralFace } from './__fixtures__/synthetic-face';
import {
  boxFlowStats, FLOW_SIZE, REGION_NAMES, REGIONS, RIGID_REGION, RegionInputError, regionBox, regionFlowStats,
} from './regions';

function field(fn: (x: number, y: number) => [number, number]): Float32Array {
  const f = new Float32Array(FLOW_SIZE * FLOW_SIZE * 2);
  for (let y = 0; y < FLOW_SIZE; y++) for (let x = 0; x < FLOW_SIZE; x++) {
    const [u, v] = fn(x, y);
    f[(y * FLOW_SIZE + x) * 2] = u;
    f[(y * FLOW_SIZE + x) * 2 + 1] = v;
  }
  return f;
}

describe('regions', () => {
  const face = neutralFace();

  it('boxes hold their landmarks plus the margin, inside the crop, and do not cover the nose bridge', () => {
    for (const name of REGION_NAMES) {
      const b = regionBox(REGIONS[name], face);
      expect(b.x1 - b.x0).toBeGreaterThan(2 * REGIONS[name].marginPx);
      for (const i of REGIONS[name].landmarks) {
        const [x, y] = face[i];
        expect(x).toBeGreaterThanOrEqual(b.x0 + REGIONS[name].marginPx - 1);
        expect(y).toBeLessThan(b.y1 - REGIONS[name].marginPx + 1);
      }
      expect(b.x0).toBeGreaterThanOrEqual(0);
      expect(b.y1).toBeLessThanOrEqual(FLOW_SIZE);
    }
    const box = regionBox({ landmarks: [0], marginPx: 2 }, face.map(() => [-10, -10] as const));
    expect(box.x1 - box.x0).toBeLessThanOrEqual(0);
  });

  it('reads u at even and v at odd offsets of the NHWC [128,128,2] flow', () => {
    const stats = regionFlowStats(field(() => [1.5, -0.5]), face, false);
    for (const name of REGION_NAMES) {
      expect(stats.regions[name].mean.u).toBeCloseTo(1.5, 6);
      expect(stats.regions[name].mean.v).toBeCloseTo(-0.5, 6);
      expect(stats.regions[name].meanMagnitude).toBeCloseTo(Math.hypot(1.5, 0.5), 6);
    }
    expect(stats.rigid).toEqual({ u: 1.5, v: -0.5 });
  });

  it('subtracts the nose bridge median so a uniform (head) translation leaves no regional motion', () => {
    const stats = regionFlowStats(field(() => [2, 1]), face);
    for (const name of REGION_NAMES) expect(stats.regions[name].meanMagnitude).toBeCloseTo(0, 6);
    expect(stats.rigidSubtracted).toBe(true);
  });

  it('sees a local motion in its own region only', () => {
    const brow = regionBox(REGIONS.browL, face);
    const inBrow = (x: number, y: number): boolean => x >= brow.x0 && x < brow.x1 && y >= brow.y0 && y < brow.y1;
    const stats = regionFlowStats(field((x, y) => (inBrow(x, y) ? [0, -1] : [0, 0])), face);
    expect(stats.regions.browL.mean.v).toBeCloseTo(-1, 6);
    expect(stats.regions.mouthL.meanMagnitude).toBe(0);
    expect(stats.regions.chin.meanMagnitude).toBe(0);
    expect(stats.rigid).toEqual({ u: 0, v: 0 });
  });

  it('trims outlier pixels from the robust magnitude', () => {
    const box = regionBox(RIGID_REGION, face);
    const n = (box.x1 - box.x0) * (box.y1 - box.y0);
    let k = 0;
    // 5 % of the pixels move by 50 px (a flow spike), the rest by 1 px.
    const f = field((x, y) => (x >= box.x0 && x < box.x1 && y >= box.y0 && y < box.y1 && k++ < n * 0.05 ? [50, 0] : [1, 0]));
    const s = boxFlowStats(f, box);
    expect(s.trimmedMagnitude).toBeCloseTo(1, 6);
    expect(s.meanMagnitude).toBeGreaterThan(3);
  });

  it('names bad input', () => {
    expect(() => regionFlowStats(new Float32Array(10), face)).toThrow(RegionInputError);
    expect(() => regionFlowStats(field(() => [0, 0]), face.slice(0, 67))).toThrow(/68 landmarks/);
    const bad = face.map((p, i) => (i === 3 ? ([Number.NaN, 1] as const) : p));
    expect(() => regionFlowStats(field(() => [0, 0]), bad)).toThrow(/non-finite/);
  });
});
