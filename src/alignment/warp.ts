/**
 * The crop itself: grayscale (OpenCV BGR2GRAY weights) then an inverse-mapped bilinear warp with a constant
 * grey border, as cv2.warpAffine(..., INTER_LINEAR, BORDER_CONSTANT, 128) does (pixel centres at integers).
 * Grey before warp (both linear) avoids rounding the colour channels twice.
 */
import type { Affine2x3 } from '../pipeline/types';

export class SingularTransformError extends Error {
  override name = 'SingularTransformError';
}

export function rgbaToGray(rgba: Uint8ClampedArray, width: number, height: number, out?: Float32Array): Float32Array {
  const n = width * height;
  const g = out && out.length === n ? out : new Float32Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 4) g[i] = 0.299 * rgba[j] + 0.587 * rgba[j + 1] + 0.114 * rgba[j + 2];
  return g;
}

export function invertAffine(m: Affine2x3): Affine2x3 {
  const det = m[0] * m[4] - m[1] * m[3];
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new SingularTransformError(`affine transform is singular (det ${det})`);
  const a = m[4] / det, b = -m[1] / det, c = -m[3] / det, d = m[0] / det;
  return [a, b, -(a * m[2] + b * m[5]), c, d, -(c * m[2] + d * m[5])];
}

/**
 * Warps `gray` (width x height) through `m` (source px -> destination px) into size x size uint8. Outside the
 * source: the constant `border`, or with 'edge' the nearest edge pixel (re-aligning a crop, realign-crop.ts).
 */
export function warpAffineGray(gray: ArrayLike<number>, width: number, height: number, m: Affine2x3, size: number, border: number | 'edge'): Uint8Array {
  const inv = invertAffine(m);
  const out = new Uint8Array(size * size);
  const at = border === 'edge'
    ? (x: number, y: number): number => gray[Math.min(Math.max(y, 0), height - 1) * width + Math.min(Math.max(x, 0), width - 1)]
    : (x: number, y: number): number => (x >= 0 && y >= 0 && x < width && y < height ? gray[y * width + x] : border);
  for (let v = 0, o = 0; v < size; v++) {
    for (let u = 0; u < size; u++, o++) {
      const x = inv[0] * u + inv[1] * v + inv[2];
      const y = inv[3] * u + inv[4] * v + inv[5];
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
      const bot = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
      out[o] = Math.round(top * (1 - fy) + bot * fy);
    }
  }
  return out;
}
