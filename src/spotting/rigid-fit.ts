/**
 * The rigid part of landmark motion: a robust similarity transform (scale, rotation, translation) fitted on
 * many landmarks that expressions hardly move, iteratively reweighted so the few an expression does move lose
 * their say. Spotting needs it twice:
 *  - in crop space, current -> neutral reference: the residual after the fit is the expression. MOL's crop
 *    alignment is set by the eye centres and the mouth corners (alignment/mol-align.ts), so a smile or a lid
 *    movement shifts and scales the whole crop; the fit takes that out with the head's residual motion.
 *    On the demo clip's two planted mouth MEs the nose bridge alone (27-30) moved 2.8-3.4 px from its 2 s
 *    median (rest frames: p99 0.6 px), so subtracting it made them "head" motion; the mouth's residual after
 *    the fit reached 1.1-1.4 px (rest p99 0.5) and the brows' stayed at 0.2-0.3 px.
 *  - in video-frame space (landmarks mapped back through the alignment): the head's own motion, which the
 *    crop's re-alignment cannot fake. On the same MEs it stayed at 0.5-0.6 crop px (rest p99 1.0).
 * Coordinates are interleaved Float64Arrays [x0, y0, x1, y1, ...] of the 68 landmarks.
 */
import type { Affine2x3 } from '../pipeline/types';
import { MAD_TO_SIGMA, median } from './robust-stats';

/** x' = a x - b y + tx, y' = b x + a y + ty (a = s cos(theta), b = s sin(theta)). */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

export const IDENTITY: Readonly<Similarity> = { a: 1, b: 0, tx: 0, ty: 0 };

/**
 * Jaw contour 0-16, nose 27-35 and the four eye corners (36, 39, 42, 45): 30 points spread over the whole face
 * that the expression muscles move little (the lids, brows and mouth are left out). A jaw drop or a cheek
 * raise does move the lower contour; the reweighting drops those points.
 */
export const STABLE_LANDMARKS: readonly number[] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 39, 42, 45,
];

export interface RobustFitOptions {
  iterations: number;
  /** Tukey biweight cut-off in robust sigmas (1.4826 MAD) of the residuals: weight (1 - (r / c)^2)^2 inside,
   *  0 beyond. Redescending: a point an expression moved by 10 sigmas has no say at all (a Huber weight
   *  k / r still let 5 of 30 points moved by 3 px pull the fit by half a pixel). */
  tukeyC: number;
  /** Sigma floor (px): noise-free input must not make every point an outlier. */
  minSigmaPx: number;
}

export const DEFAULT_FIT: Readonly<RobustFitOptions> = { iterations: 8, tukeyC: 4.685, minSigmaPx: 0.05 };

export function applySimilarity(s: Similarity, x: number, y: number): [number, number] {
  return [s.a * x - s.b * y + s.tx, s.b * x + s.a * y + s.ty];
}

/** Weighted least-squares similarity mapping src points `idx` onto dst. */
export function fitSimilarity(src: ArrayLike<number>, dst: ArrayLike<number>, idx: readonly number[], w: ArrayLike<number>): Similarity {
  let W = 0, sx = 0, sy = 0, dx = 0, dy = 0;
  idx.forEach((i, k) => {
    W += w[k]; sx += w[k] * src[2 * i]; sy += w[k] * src[2 * i + 1]; dx += w[k] * dst[2 * i]; dy += w[k] * dst[2 * i + 1];
  });
  if (!(W > 0)) return { ...IDENTITY };
  sx /= W; sy /= W; dx /= W; dy /= W;
  let den = 0, na = 0, nb = 0;
  idx.forEach((i, k) => {
    const px = src[2 * i] - sx, py = src[2 * i + 1] - sy, qx = dst[2 * i] - dx, qy = dst[2 * i + 1] - dy;
    den += w[k] * (px * px + py * py);
    na += w[k] * (px * qx + py * qy);
    nb += w[k] * (px * qy - py * qx);
  });
  if (!(den > 0)) return { a: 1, b: 0, tx: dx - sx, ty: dy - sy };
  const a = na / den, b = nb / den;
  return { a, b, tx: dx - (a * sx - b * sy), ty: dy - (b * sx + a * sy) };
}

/** Tukey-IRLS similarity src -> dst on `idx` (default the stable landmarks). */
export function robustSimilarity(
  src: ArrayLike<number>, dst: ArrayLike<number>, idx: readonly number[] = STABLE_LANDMARKS, o: RobustFitOptions = DEFAULT_FIT,
): Similarity {
  const w = new Float64Array(idx.length).fill(1);
  const r = new Float64Array(idx.length);
  let s = fitSimilarity(src, dst, idx, w);
  for (let it = 1; it < o.iterations; it++) {
    idx.forEach((i, k) => {
      const [x, y] = applySimilarity(s, src[2 * i], src[2 * i + 1]);
      r[k] = Math.hypot(x - dst[2 * i], y - dst[2 * i + 1]);
    });
    const c = o.tukeyC * Math.max(MAD_TO_SIGMA * median(r), o.minSigmaPx);
    for (let k = 0; k < r.length; k++) w[k] = r[k] < c ? (1 - (r[k] / c) ** 2) ** 2 : 0;
    s = fitSimilarity(src, dst, idx, w);
  }
  return s;
}

/** RMS over `idx` of how far the similarity moves the points: its size in pixels where the face is. */
export function similarityRms(s: Similarity, pts: ArrayLike<number>, idx: readonly number[] = STABLE_LANDMARKS): number {
  let ss = 0;
  for (const i of idx) {
    const [x, y] = applySimilarity(s, pts[2 * i], pts[2 * i + 1]);
    ss += (x - pts[2 * i]) ** 2 + (y - pts[2 * i + 1]) ** 2;
  }
  return Math.sqrt(ss / idx.length);
}

/** Interleaved points mapped back from crop to video-frame pixels through the alignment (frame -> crop). */
export function cropToFrame(m: Affine2x3, crop: ArrayLike<number>): Float64Array {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  const out = new Float64Array(crop.length);
  for (let k = 0; k < crop.length; k += 2) {
    const u = crop[k] - c, v = crop[k + 1] - f;
    out[k] = (e * u - b * v) / det;
    out[k + 1] = (-d * u + a * v) / det;
  }
  return out;
}

/** Pixels of the crop per video-frame pixel. */
export function affineScale(m: Affine2x3): number {
  return Math.sqrt(Math.abs(m[0] * m[4] - m[1] * m[3]));
}
