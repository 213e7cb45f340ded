/**
 * MOL's face alignment (official utils/align_face.py, after JAA-Net; MOL_SPEC §1) as a similarity transform
 * video px -> 128x128 crop px:
 *  1. eye centres = means of dlib points 36-41 and 42-47; rotate so the line between them is horizontal;
 *  2. the rotated bounding box of 5 reference points (both eye centres, nose tip 30, mouth corners 48, 54)
 *     gives the centre (cx, cy) and half-size = 0.5 * 2.5 * max(box w, box h);
 *  3. scale = (144 - 1) / 2 / half-size, so the half-size maps onto the 144x144 aligned image;
 *  4. the model sees the centre 128x128 crop (offset 8, 8).
 * We keep the transform as (angle, scale, image centre) so it can be smoothed over time, then build the matrix.
 */
import type { Affine2x3, Point } from '../pipeline/types';

export const ALIGN_SIZE = 144;
export const CROP_SIZE = 128;
export const CROP_OFFSET = (ALIGN_SIZE - CROP_SIZE) / 2;
export const BOX_ENLARGE = 2.5;
/** Grey of the border outside the frame (warpAffine borderValue in the official code). */
export const BORDER_VALUE = 128;

/** A similarity transform: rotate by -angle about `centre`, scale, and put `centre` at the crop centre. */
export interface SimilarityParams {
  /** radians: angle of the eye line in the video (image y down) */
  angle: number;
  /** crop px per video px */
  scale: number;
  /** video px that maps to the centre of the aligned image */
  centreX: number;
  centreY: number;
}

function mean(points: readonly Point[], from: number, to: number): Point {
  let x = 0, y = 0;
  for (let i = from; i <= to; i++) { x += points[i][0]; y += points[i][1]; }
  const n = to - from + 1;
  return [x / n, y / n];
}

export function eyeCentres(l68: readonly Point[]): [Point, Point] {
  return [mean(l68, 36, 41), mean(l68, 42, 47)];
}

export function molAlignmentParams(l68: readonly Point[]): SimilarityParams {
  const [le, re] = eyeCentres(l68);
  const angle = Math.atan2(re[1] - le[1], re[0] - le[0]);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const ref = [le, re, l68[30], l68[48], l68[54]];
  // rotate by -angle: x' = cos x + sin y, y' = -sin x + cos y (the official mat1)
  const rx = ref.map(([x, y]) => cos * x + sin * y);
  const ry = ref.map(([x, y]) => -sin * x + cos * y);
  const x0 = Math.min(...rx), x1 = Math.max(...rx), y0 = Math.min(...ry), y1 = Math.max(...ry);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const half = 0.5 * BOX_ENLARGE * Math.max(x1 - x0, y1 - y0);
  const scale = (ALIGN_SIZE - 1) / 2 / half;
  // back to video coordinates: rotate (cx, cy) by +angle
  return { angle, scale, centreX: cos * cx - sin * cy, centreY: sin * cx + cos * cy };
}

/** The 2x3 matrix video px -> 128 crop px (the 144 aligned image shifted by the centre-crop offset). */
export function cropAffine(p: SimilarityParams): Affine2x3 {
  const a = p.scale * Math.cos(p.angle);
  const b = p.scale * Math.sin(p.angle);
  const c = (ALIGN_SIZE - 1) / 2 - CROP_OFFSET;
  return [a, b, c - (a * p.centreX + b * p.centreY), -b, a, c - (-b * p.centreX + a * p.centreY)];
}

export function applyAffine(m: Affine2x3, pts: readonly Point[]): Point[] {
  return pts.map(([x, y]) => [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]] as const);
}

/** Recovers the similarity parameters from a matrix built by cropAffine (inverse of cropAffine). */
export function paramsFromAffine(m: Affine2x3): SimilarityParams {
  const scale = Math.hypot(m[0], m[1]);
  const angle = Math.atan2(m[1], m[0]);
  const c = (ALIGN_SIZE - 1) / 2 - CROP_OFFSET;
  // solve [a b; -b a] [X Y]^T = [c - tx, c - ty]^T
  const det = m[0] * m[4] - m[1] * m[3];
  const rx = c - m[2];
  const ry = c - m[5];
  return { angle, scale, centreX: (m[4] * rx - m[1] * ry) / det, centreY: (-m[3] * rx + m[0] * ry) / det };
}
