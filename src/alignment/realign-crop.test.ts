import { describe, expect, it } from 'vitest';
import type { Affine2x3 } from '../pipeline/types';
import { realignCrop, realignCrops, RealignCropError, relativeAlignment } from './realign-crop';
import { SingularTransformError, warpAffineGray } from './warp';

const W = 320, H = 240, SIZE = 128;

/** A smooth grey scene (bilinear resampling of it is exact to within rounding). */
function scene(): Float32Array {
  const g = new Float32Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) g[y * W + x] = 128 + 60 * Math.sin(x / 7) * Math.cos(y / 9) + 30 * Math.exp(-((x - 160) ** 2 + (y - 120) ** 2) / 800);
  return g;
}

/** Similarity video -> crop: scale s, rotation r, then translation. */
function similarity(s: number, r: number, tx: number, ty: number): Affine2x3 {
  return [s * Math.cos(r), -s * Math.sin(r), tx, s * Math.sin(r), s * Math.cos(r), ty];
}

const apply = (m: Affine2x3, x: number, y: number): [number, number] => [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];

function maxDiffInside(a: Uint8Array, b: Uint8Array, margin: number): number {
  let d = 0;
  for (let v = margin; v < SIZE - margin; v++) for (let u = margin; u < SIZE - margin; u++) d = Math.max(d, Math.abs(a[v * SIZE + u] - b[v * SIZE + u]));
  return d;
}

describe('realignCrop', () => {
  const img = scene();
  const onset = similarity(0.9, 0.02, -70, -50);

  it('gives the crop back untouched when the alignments are the same', () => {
    const crop = warpAffineGray(img, W, H, onset, SIZE, 128);
    expect(realignCrop(crop, onset, [...onset], SIZE)).toBe(crop);
  });

  it('turns a crop cut with one alignment into the crop of another (shift, turn and scale of an expression-driven re-alignment)', () => {
    // What the tracker does during a smile: the crop drifts by ~1.7 px, turns by 1 degree and scales by 2 %.
    const apex = similarity(0.9 * 1.02, 0.02 + Math.PI / 180, -70 + 1.2, -50 - 1.2);
    const apexCrop = warpAffineGray(img, W, H, apex, SIZE, 128);
    const direct = warpAffineGray(img, W, H, onset, SIZE, 128);
    const moved = realignCrop(apexCrop, apex, onset, SIZE);
    // Two bilinear resamplings of a smooth scene: a grey level or two, away from the border (the turn and the
    // scale bring up to 6 px at the far corner from outside the apex crop).
    expect(maxDiffInside(moved, direct, 10)).toBeLessThanOrEqual(2);
    // The untouched apex crop is far off: the re-alignment is what removes the drift.
    expect(maxDiffInside(apexCrop, direct, 4)).toBeGreaterThan(10);
  });

  it('repeats the nearest edge pixel outside the crop instead of a grey band', () => {
    const crop = new Uint8Array(SIZE * SIZE).fill(200);
    for (let v = 0; v < SIZE; v++) crop[v * SIZE] = 10; // left column dark
    const from: Affine2x3 = [1, 0, 0, 0, 1, 0];
    const to: Affine2x3 = [1, 0, 2, 0, 1, 0]; // content moves 2 px right
    const out = realignCrop(crop, from, to, SIZE);
    expect([out[0], out[1], out[2], out[3]]).toEqual([10, 10, 10, 200]);
    expect(out[SIZE * 64 + 127]).toBe(200);
  });

  it('composes the alignments as crop(from) -> video -> crop(to)', () => {
    const from = similarity(0.8, -0.1, 12, 30);
    const to = similarity(1.1, 0.05, -4, 9);
    const rel = relativeAlignment(from, to);
    for (const [x, y] of [[0, 0], [100, 37], [-20, 250]]) {
      const [fx, fy] = apply(from, x, y);
      const [tx, ty] = apply(to, x, y);
      const [rx, ry] = apply(rel, fx, fy);
      expect(rx).toBeCloseTo(tx, 9);
      expect(ry).toBeCloseTo(ty, 9);
    }
  });

  it('rejects a crop of the wrong size and a singular alignment with named errors', () => {
    const ok: Affine2x3 = [1, 0, 0, 0, 1, 0];
    expect(() => realignCrop(new Uint8Array(10), ok, [1, 0, 1, 0, 1, 0], SIZE)).toThrow(RealignCropError);
    expect(() => realignCrop(new Uint8Array(SIZE * SIZE), [0, 0, 0, 0, 0, 0], ok, SIZE)).toThrow(SingularTransformError);
  });
});

describe('realignCrops', () => {
  it('moves every crop into one alignment and leaves the crops already in it untouched', () => {
    const img = scene();
    const a = (dx: number): Affine2x3 => similarity(0.9, 0.02, -70 + dx, -50);
    const frames = [0, 0.8, 1.6].map((dx) => ({ crop: warpAffineGray(img, W, H, a(dx), SIZE, 128), alignment: a(dx) }));
    const out = realignCrops(frames, frames[2].alignment, SIZE);
    expect(out[2]).toBe(frames[2].crop);
    for (const c of out.slice(0, 2)) expect(maxDiffInside(c, frames[2].crop, 4)).toBeLessThanOrEqual(2);
  });
});
