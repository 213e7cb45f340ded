/**
 * Moves an aligned crop into another frame's alignment, from the crop alone: crop px -> video px (inverse of
 * the alignment it was cut with) -> crop px of the target alignment.
 *
 * Why: the per-frame alignment follows the tracker's landmarks, and the face mesh moves the eye centres and
 * mouth corners with an expression (a smile lifts them, a brow lowerer drags the eyes down). The whole crop then
 * shifts by up to 1-3 px during a micro-expression, a motion MOL never saw in training, and the shift looks like
 * another class (a brow lowerer read as a smile). An event's clip and the live window are therefore each cut in
 * one alignment.
 *
 * Bilinear like warp.ts; outside the crop the nearest edge pixel is used (the shift is a few px, and a grey
 * band that comes and goes would itself be motion).
 */
import type { Affine2x3 } from '../pipeline/types';
import { invertAffine } from './warp';

/** One frame's crop and the alignment (video px -> crop px) it was cut with. */
export interface AlignedCrop {
  crop: Uint8Array;
  alignment: Affine2x3;
}

export class RealignCropError extends Error {
  override readonly name = 'RealignCropError';
}

/** from -> to composed as crop(from) px -> crop(to) px: to(from^-1(p)). */
export function relativeAlignment(from: Affine2x3, to: Affine2x3): Affine2x3 {
  const f = invertAffine(from);
  return [
    to[0] * f[0] + to[1] * f[3], to[0] * f[1] + to[1] * f[4], to[0] * f[2] + to[1] * f[5] + to[2],
    to[3] * f[0] + to[4] * f[3], to[3] * f[1] + to[4] * f[4], to[3] * f[2] + to[4] * f[5] + to[5],
  ];
}

const sameTransform = (a: Affine2x3, b: Affine2x3): boolean => a.every((v, i) => v === b[i]);

/** `crop` (size x size, cut with alignment `from`) as it would have been cut with alignment `to`. */
export function realignCrop(crop: Uint8Array, from: Affine2x3, to: Affine2x3, size: number): Uint8Array {
  if (crop.length !== size * size) throw new RealignCropError(`crop has ${crop.length} bytes, expected ${size}x${size}`);
  // The same alignment gives the crop back untouched (no resampling blur, no rounding).
  if (sameTransform(from, to)) return crop;
  const inv = invertAffine(relativeAlignment(from, to));
  const out = new Uint8Array(size * size);
  const last = size - 1;
  const at = (x: number, y: number): number => crop[Math.min(Math.max(y, 0), last) * size + Math.min(Math.max(x, 0), last)];
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

/** Every frame's crop moved into the one alignment `to` (crops already in it come back untouched). */
export function realignCrops(frames: readonly AlignedCrop[], to: Affine2x3, size: number): Uint8Array[] {
  return frames.map((f) => realignCrop(f.crop, f.alignment, to, size));
}
