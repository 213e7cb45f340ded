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
 * The crop warp itself (warp.ts), with the nearest edge pixel outside the crop (the shift is a few px, and a
 * grey band that comes and goes would itself be motion).
 */
import type { Affine2x3 } from '../pipeline/types';
import { invertAffine, warpAffineGray } from './warp';

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
  return warpAffineGray(crop, size, size, relativeAlignment(from, to), size, 'edge');
}

/** Every frame's crop moved into the one alignment `to` (crops already in it come back untouched). */
export function realignCrops(frames: readonly AlignedCrop[], to: Affine2x3, size: number): Uint8Array[] {
  return frames.map((f) => realignCrop(f.crop, f.alignment, to, size));
}
