import { describe, expect, it } from 'vitest';
import fixture from '../tracking/__fixtures__/astronaut-478.json';
import { toDlib68 } from '../tracking/landmark-map';
import type { Affine2x3, Point } from '../pipeline/types';
import { applyAffine, cropAffine, eyeCentres, molAlignmentParams, paramsFromAffine } from './mol-align';

const face = toDlib68(fixture.points478 as unknown as Point[]);

/** Applies x -> s R(theta) x + t to every point. */
function similarity(pts: Point[], theta: number, s: number, tx: number, ty: number): Point[] {
  const c = Math.cos(theta), n = Math.sin(theta);
  return pts.map(([x, y]) => [s * (c * x - n * y) + tx, s * (n * x + c * y) + ty] as const);
}

/** The official JAA-Net/MOL recipe written out step by step (mat1, 5-point box, mat3), for comparison. */
function officialMatrix(l: Point[]): Affine2x3 {
  const le = eyeCentres(l)[0], re = eyeCentres(l)[1];
  const dx = re[0] - le[0], dy = re[1] - le[1];
  const len = Math.hypot(dx, dy);
  const sin = dy / len, cos = dx / len;
  const five = [le, re, l[30], l[48], l[54]].map(([x, y]) => [cos * x + sin * y, -sin * x + cos * y]);
  const xs = five.map((p) => p[0]), ys = five.map((p) => p[1]);
  const cx = (Math.max(...xs) + Math.min(...xs)) / 2, cy = (Math.max(...ys) + Math.min(...ys)) / 2;
  const half = 0.5 * 2.5 * Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  const scale = (144 - 1) / 2 / half;
  // mat3 * mat1, then the 128 centre crop (offset 8)
  return [scale * cos, scale * sin, scale * (half - cx) - 8, -scale * sin, scale * cos, scale * (half - cy) - 8];
}

describe('MOL similarity alignment', () => {
  it('matches the official recipe (mat3 * mat1, centre crop) on real landmarks', () => {
    const ours = cropAffine(molAlignmentParams(face));
    const ref = officialMatrix(face);
    for (let i = 0; i < 6; i++) expect(ours[i]).toBeCloseTo(ref[i], 9);
  });

  it('recovers a known similarity transform: the same face moved, turned and scaled aligns identically', () => {
    const base = applyAffine(cropAffine(molAlignmentParams(face)), face);
    for (const [theta, s, tx, ty] of [[0.35, 1.7, 40, -25], [-0.6, 0.55, 300, 120], [Math.PI * 0.9, 2.2, -10, 500]]) {
      const moved = similarity(face, theta, s, tx, ty);
      const p = molAlignmentParams(moved);
      // the recovered rotation and scale undo the applied ones
      expect(p.angle - molAlignmentParams(face).angle).toBeCloseTo(theta, 9);
      expect(molAlignmentParams(face).scale / p.scale).toBeCloseTo(s, 9);
      const aligned = applyAffine(cropAffine(p), moved);
      for (let i = 0; i < 68; i++) {
        expect(aligned[i][0]).toBeCloseTo(base[i][0], 6);
        expect(aligned[i][1]).toBeCloseTo(base[i][1], 6);
      }
    }
  });

  it('puts the eye centres level and the 5-point box centre at the crop centre', () => {
    const m = cropAffine(molAlignmentParams(similarity(face, 0.4, 1.3, 17, 9)));
    const aligned = applyAffine(m, similarity(face, 0.4, 1.3, 17, 9));
    const [le, re] = eyeCentres(aligned);
    expect(le[1]).toBeCloseTo(re[1], 9);
    const five = [le, re, aligned[30], aligned[48], aligned[54]];
    const xs = five.map((q) => q[0]), ys = five.map((q) => q[1]);
    expect((Math.max(...xs) + Math.min(...xs)) / 2).toBeCloseTo(63.5, 9);
    expect((Math.max(...ys) + Math.min(...ys)) / 2).toBeCloseTo(63.5, 9);
    // box_enlarge 2.5: the larger box side spans 143 / 2.5 px of the 144 image
    expect(Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys))).toBeCloseTo(143 / 2.5, 9);
  });

  it('paramsFromAffine inverts cropAffine', () => {
    const p = { angle: -0.3, scale: 0.42, centreX: 312.5, centreY: 201.25 };
    const q = paramsFromAffine(cropAffine(p));
    expect(q.angle).toBeCloseTo(p.angle, 12);
    expect(q.scale).toBeCloseTo(p.scale, 12);
    expect(q.centreX).toBeCloseTo(p.centreX, 9);
    expect(q.centreY).toBeCloseTo(p.centreY, 9);
  });
});
