import { describe, expect, it } from 'vitest';
import { invertAffine, rgbaToGray, SingularTransformError, warpAffineGray } from './warp';
import type { Affine2x3 } from '../pipeline/types';

const W = 40, H = 30;
// a ramp image: value = 2x + 3y (exactly representable, bilinear reproduces it exactly inside)
const ramp = Float32Array.from({ length: W * H }, (_, i) => 2 * (i % W) + 3 * Math.floor(i / W));

describe('warpAffineGray', () => {
  it('a pure translation samples the shifted pixels (OpenCV convention: pixel centres at integers)', () => {
    const m: Affine2x3 = [1, 0, -5, 0, 1, -4]; // dst = src - (5, 4)
    const out = warpAffineGray(ramp, W, H, m, 8, 128);
    for (let v = 0; v < 8; v++) for (let u = 0; u < 8; u++) expect(out[v * 8 + u]).toBe(2 * (u + 5) + 3 * (v + 4));
  });

  it('interpolates bilinearly between pixels', () => {
    const m: Affine2x3 = [1, 0, -0.5, 0, 1, -0.25];
    const out = warpAffineGray(ramp, W, H, m, 4, 128);
    expect(out[0]).toBe(Math.round(2 * 0.5 + 3 * 0.25));
    expect(out[1 * 4 + 2]).toBe(Math.round(2 * 2.5 + 3 * 1.25));
  });

  it('fills outside the frame with the border grey', () => {
    const m: Affine2x3 = [1, 0, 100, 0, 1, 100];
    const out = warpAffineGray(ramp, W, H, m, 4, 128);
    expect([...out].every((v) => v === 128)).toBe(true);
  });

  it('a scale-by-2 warp samples every other source pixel', () => {
    const m: Affine2x3 = [0.5, 0, 0, 0, 0.5, 0];
    const out = warpAffineGray(ramp, W, H, m, 6, 128);
    expect(out[3 * 6 + 4]).toBe(2 * 8 + 3 * 6);
  });

  it('rejects a singular transform with a named error', () => {
    expect(() => invertAffine([1, 2, 0, 2, 4, 0])).toThrow(SingularTransformError);
  });
});

describe('rgbaToGray', () => {
  it('uses the BT.601 weights of OpenCV BGR2GRAY', () => {
    const rgba = new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 10, 20, 30, 255]);
    const g = rgbaToGray(rgba, 4, 1);
    expect(g[0]).toBeCloseTo(76.245, 3);
    expect(g[1]).toBeCloseTo(149.685, 3);
    expect(g[2]).toBeCloseTo(29.07, 3);
    expect(g[3]).toBeCloseTo(0.299 * 10 + 0.587 * 20 + 0.114 * 30, 4);
  });
});
