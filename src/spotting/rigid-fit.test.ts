import { describe, expect, it } from 'vitest';
import { neutralFace } from './__fixtures__/synthetic-face';
import { affineScale, applySimilarity, cropToFrame, robustSimilarity, similarityRms, STABLE_LANDMARKS, type Similarity } from './rigid-fit';

const flat = (pts: readonly (readonly [number, number])[]): Float64Array => Float64Array.from(pts.flat());
const face = flat(neutralFace());
const moved = (s: Similarity, src: Float64Array): Float64Array => {
  const out = new Float64Array(src.length);
  for (let k = 0; k < src.length; k += 2) [out[k], out[k + 1]] = applySimilarity(s, src[k], src[k + 1]);
  return out;
};

describe('robust similarity fit', () => {
  const s: Similarity = { a: 1.02 * Math.cos(0.05), b: 1.02 * Math.sin(0.05), tx: 2.5, ty: -1.5 };

  it('recovers a similarity exactly', () => {
    const fit = robustSimilarity(face, moved(s, face));
    expect(fit.a).toBeCloseTo(s.a, 9);
    expect(fit.b).toBeCloseTo(s.b, 9);
    expect(fit.tx).toBeCloseTo(s.tx, 9);
    expect(fit.ty).toBeCloseTo(s.ty, 9);
  });

  it('down-weights the stable points an expression moves (a 3 px jaw drop on 5 contour points)', () => {
    const dst = moved(s, face);
    for (const i of [6, 7, 8, 9, 10]) dst[2 * i + 1] += 3;
    const fit = robustSimilarity(face, dst);
    const a = moved(fit, face), b = moved(s, face);
    let ss = 0;
    for (const i of STABLE_LANDMARKS) ss += (a[2 * i] - b[2 * i]) ** 2 + (a[2 * i + 1] - b[2 * i + 1]) ** 2;
    expect(Math.sqrt(ss / STABLE_LANDMARKS.length)).toBeLessThan(0.05);
    expect(STABLE_LANDMARKS).toHaveLength(30);
  });

  it('similarityRms is the RMS displacement of the points; cropToFrame inverts the alignment', () => {
    expect(similarityRms({ a: 1, b: 0, tx: 3, ty: 4 }, face)).toBeCloseTo(5, 12);
    const m = [0.8 * Math.cos(0.1), -0.8 * Math.sin(0.1), -200, 0.8 * Math.sin(0.1), 0.8 * Math.cos(0.1), -160] as const;
    const frame = flat(neutralFace().map(([x, y]) => [x * 3 + 250, y * 3 + 200] as [number, number]));
    const crop = new Float64Array(frame.length);
    for (let k = 0; k < frame.length; k += 2) {
      crop[k] = m[0] * frame[k] + m[1] * frame[k + 1] + m[2];
      crop[k + 1] = m[3] * frame[k] + m[4] * frame[k + 1] + m[5];
    }
    const back = cropToFrame(m, crop);
    for (let k = 0; k < frame.length; k++) expect(back[k]).toBeCloseTo(frame[k], 9);
    expect(affineScale(m)).toBeCloseTo(0.8, 12);
  });
});
