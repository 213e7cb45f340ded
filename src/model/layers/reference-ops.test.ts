/**
 * The reference path's rewrites against direct formulas: the MER conv3d+pool as one matmul vs tf.conv3d +
 * tf.maxPool3d, and the correlation as matmul+gather vs the golden README's sum (zero outside the map).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { referenceOps } from './reference-ops';
import { relL2 } from '../golden-layout';

function seeded(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; out[i] = s / 2 ** 31 - 1; }
  return out;
}

describe('referenceOps rewrites (tfjs CPU backend)', () => {
  beforeAll(async () => { await tf.setBackend('cpu'); });

  it('conv3dPool equals tf.conv3d (stride 1,2,2) + bias + maxPool3d(2), including an odd time length', () => {
    for (const [S, H, C, Co] of [[14, 16, 8, 4], [11, 6, 3, 5]]) {
      const x = tf.tensor5d(seeded(S * H * H * C, 1), [1, S, H, H, C]);
      const w = tf.tensor5d(seeded(5 * 2 * 2 * C * Co, 2), [5, 2, 2, C, Co]);
      const b = tf.tensor1d(seeded(Co, 3));
      const want = tf.maxPool3d(tf.add(tf.conv3d(x, w, [1, 2, 2], 'valid'), b) as tf.Tensor5D, 2, 2, 'valid');
      const got = referenceOps.conv3dPool(x, w, b);
      expect(got.shape).toEqual(want.shape);
      expect(relL2(got.dataSync(), want.dataSync())).toBeLessThan(1e-6);
      tf.dispose([x, w, b, want, got]);
    }
  });

  it('correlation equals the direct sum over channels with zero padding, /C, LeakyReLU(0.1)', () => {
    const [n, h, w, c] = [2, 7, 5, 3];
    const a = seeded(n * h * w * c, 4), b = seeded(n * h * w * c, 5);
    const got = referenceOps.correlation(tf.tensor4d(a, [n, h, w, c]), tf.tensor4d(b, [n, h, w, c]));
    expect(got.shape).toEqual([n, h, w, 441]);
    const g = got.dataSync();
    for (let i = 0; i < n; i++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ph = 0; ph < 21; ph++) for (let pw = 0; pw < 21; pw++) {
      const yy = y + 2 * (ph - 10), xx = x + 2 * (pw - 10);
      let s = 0;
      if (yy >= 0 && yy < h && xx >= 0 && xx < w) for (let k = 0; k < c; k++) s += a[((i * h + y) * w + x) * c + k] * b[((i * h + yy) * w + xx) * c + k];
      s /= c;
      const want = s < 0 ? 0.1 * s : s;
      expect(g[(((i * h + y) * w + x) * 441) + ph * 21 + pw]).toBeCloseTo(want, 6);
    }
    got.dispose();
  });
});
