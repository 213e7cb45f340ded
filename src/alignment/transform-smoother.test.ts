import { describe, expect, it } from 'vitest';
import { OneEuroFilter } from './one-euro';
import { TransformSmoother } from './transform-smoother';
import { applyAffine, cropAffine, type SimilarityParams } from './mol-align';
import type { Point } from '../pipeline/types';

// deterministic pseudo-random noise (LCG), so the test never flakes
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (1664525 * s + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

const std = (v: number[]): number => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
};

describe('OneEuroFilter', () => {
  it('passes a constant through unchanged', () => {
    const f = new OneEuroFilter({ minCutoff: 0.3, beta: 0.02, dCutoff: 1 });
    for (let i = 0; i < 50; i++) expect(f.filter(7.25, i * 33)).toBe(7.25);
  });

  it('follows a step (real motion) within half a second and forgets it after reset', () => {
    const f = new OneEuroFilter({ minCutoff: 0.3, beta: 0.02, dCutoff: 1 });
    for (let i = 0; i < 30; i++) f.filter(0, i * 33);
    let y = 0;
    for (let i = 30; i < 45; i++) y = f.filter(100, i * 33);
    expect(y).toBeGreaterThan(90);
    f.reset();
    expect(f.filter(-5, 2000)).toBe(-5);
  });
});

describe('TransformSmoother', () => {
  const still: SimilarityParams = { angle: 0.05, scale: 0.45, centreX: 320, centreY: 240 };
  const corners: Point[] = [[200, 150], [440, 150], [320, 360]];

  it('holds a still face steady: tracker-like jitter of ~0.5 crop px std drops below the 0.3 px target', () => {
    const rnd = noise(42);
    const s = new TransformSmoother();
    const raw: number[] = [];
    const smooth: number[] = [];
    for (let i = 0; i < 120; i++) {
      const jittered = { angle: still.angle + 0.01 * rnd(), scale: still.scale * (1 + 0.01 * rnd()), centreX: still.centreX + 4 * rnd(), centreY: still.centreY + 4 * rnd() };
      const out = s.smooth(jittered, i * 33.3);
      if (i >= 30) {
        raw.push(applyAffine(cropAffine(jittered), corners)[0][0]);
        smooth.push(applyAffine(cropAffine(out), corners)[0][0]);
      }
    }
    expect(std(raw)).toBeGreaterThan(0.4);
    expect(std(smooth)).toBeLessThan(0.3);
  });

  it('follows real head motion: a 37 crop-px/s pan lags the raw alignment by under 1 px', () => {
    const s = new TransformSmoother();
    let worst = 0;
    for (let i = 0; i < 150; i++) {
      const t = i * 33.33;
      const moving = { ...still, centreX: still.centreX + (37 / still.scale) * (t / 1000) };
      const out = s.smooth(moving, t);
      const raw = applyAffine(cropAffine(moving), [[320, 240]])[0][0];
      const sm = applyAffine(cropAffine(out), [[320, 240]])[0][0];
      if (i > 60) worst = Math.max(worst, Math.abs(raw - sm));
    }
    expect(worst).toBeGreaterThan(0); // it does filter
    expect(worst).toBeLessThan(1);
  });

  it('a track that starts in fast motion (155 crop px/s) is followed within 1 px from its second frame', () => {
    const s = new TransformSmoother();
    for (let i = 0; i < 10; i++) {
      const t = i * 33.33;
      const moving = { ...still, centreX: still.centreX - (155 / still.scale) * (t / 1000) };
      const out = s.smooth(moving, t);
      const raw = applyAffine(cropAffine(moving), [[320, 240]])[0][0];
      const sm = applyAffine(cropAffine(out), [[320, 240]])[0][0];
      expect(Math.abs(raw - sm), `frame ${i}`).toBeLessThan(1);
    }
  });

  it('starts from the first measurement after reset (no pull towards the previous track)', () => {
    const s = new TransformSmoother();
    for (let i = 0; i < 10; i++) s.smooth(still, i * 33);
    s.reset();
    const other = { angle: -0.2, scale: 0.9, centreX: 100, centreY: 50 };
    const out = s.smooth(other, 400);
    expect(out.centreX).toBeCloseTo(100, 9);
    expect(out.scale).toBeCloseTo(0.9, 9);
    expect(out.angle).toBeCloseTo(-0.2, 9);
  });
});
