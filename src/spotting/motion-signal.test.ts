import { describe, expect, it } from 'vitest';
import type { Point } from '../pipeline/types';
import { neutralFace } from './__fixtures__/synthetic-face';
import { eyeAspectRatio } from './eye-aspect';
import { MotionInputError, MotionSignal } from './motion-signal';
import { FLOW_SIZE, REGIONS, regionBox } from './regions';

const face = neutralFace();
const shifted = (dx: number, dy: number, only?: readonly number[]): Point[] =>
  face.map(([x, y], i) => (!only || only.includes(i) ? [x + dx, y + dy] : [x, y]));

function settle(m: MotionSignal, frames: number): number {
  let t = 0;
  for (let i = 0; i < frames; i++, t += 40) {
    m.measure({ index: i, timestampMs: t, landmarks: face, flow: null });
    m.addReference([m.takeReferenceSample()!]);
  }
  return t;
}

describe('MotionSignal', () => {
  it('measures a region\'s landmark displacement from the neutral reference, in crop pixels', () => {
    const m = new MotionSignal();
    const t = settle(m, 20);
    const f = m.measure({ index: 20, timestampMs: t, landmarks: shifted(0, -2, REGIONS.browL.landmarks), flow: null })!;
    expect(f.landmarkPx.browL).toBeCloseTo(2, 9);
    expect(f.landmarkPx.browR).toBeCloseTo(0, 9);
    expect(f.regionPx.browL).toBe(f.landmarkPx.browL);
    expect(f.flowPx).toBeNull();
  });

  it('removes the rigid shift (similarity fit of the stable landmarks) from every region and reports it', () => {
    const m = new MotionSignal();
    const t = settle(m, 20);
    const f = m.measure({ index: 20, timestampMs: t, landmarks: shifted(3, 4), flow: null })!;
    for (const v of Object.values(f.landmarkPx)) expect(v).toBeCloseTo(0, 9);
    expect(f.rigidPx).toBeCloseTo(5, 9);
    const raw = new MotionSignal({ subtractRigid: false });
    const t2 = settle(raw, 20);
    expect(raw.measure({ index: 20, timestampMs: t2, landmarks: shifted(3, 4), flow: null })!.landmarkPx.chin).toBeCloseTo(5, 9);
  });

  it('a re-aligned crop (the alignment reacting to a smile) moves only the mouth; the head, measured in the frame, stays', () => {
    // The crop alignment x -> s R x + t (frame -> crop) changes by a small zoom, turn and shift, as the
    // 5-point box does when the mouth corners move; in the video frame only the mouth corners moved.
    const align = (s: number, rad: number, tx: number, ty: number) =>
      [s * Math.cos(rad), -s * Math.sin(rad), tx, s * Math.sin(rad), s * Math.cos(rad), ty] as const;
    const a0 = align(0.8, 0, -200, -160);
    const toCrop = (m: readonly number[], p: readonly Point[]): Point[] => p.map(([x, y]) => [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]]);
    const frameFace: Point[] = face.map(([x, y]) => [(x + 200) / 0.8, (y + 160) / 0.8]);
    const m = new MotionSignal();
    let t = 0;
    for (let i = 0; i < 20; i++, t += 40) {
      m.measure({ index: i, timestampMs: t, landmarks: toCrop(a0, frameFace), flow: null, alignment: a0 });
      m.addReference([m.takeReferenceSample()!]);
    }
    const smiling = frameFace.map(([x, y], i) => (i === 48 ? [x - 2, y - 2] : i === 54 ? [x + 2, y - 2] : [x, y]) as Point);
    const a1 = align(0.78, 0.02, -195, -158);
    const f = m.measure({ index: 20, timestampMs: t, landmarks: toCrop(a1, smiling), flow: null, alignment: a1 })!;
    expect(f.rigidPx).toBeLessThan(1e-6);
    expect(f.landmarkPx.browL).toBeLessThan(1e-6);
    expect(f.landmarkPx.chin).toBeLessThan(1e-6);
    // 48 and 54 moved by 2 sqrt(2) frame px, 2.3 px in the reference crop (scale 0.8); one of 5 region points.
    expect(f.landmarkPx.mouthL).toBeCloseTo((0.8 * 2 * Math.SQRT2) / Math.sqrt(5), 6);
    // The nose bridge moved with the re-alignment by several px: it is no reference.
    const ref = toCrop(a0, frameFace)[28], now = toCrop(a1, smiling)[28];
    expect(Math.hypot(now[0] - ref[0], now[1] - ref[1])).toBeGreaterThan(2);
  });

  it('integrates region flow over frames with a leak', () => {
    const m = new MotionSignal({ flowLeakMs: 1000 });
    const up = new Float32Array(FLOW_SIZE * FLOW_SIZE * 2);
    for (let k = 1; k < up.length; k += 2) up[k] = -0.5;
    // Only the left brow's box moves (the landmarks stay still, so no rigid flow is subtracted).
    const box = regionBox(REGIONS.browL, face);
    const browFlow = up.map((v, k) => {
      const p = Math.floor(k / 2), x = p % FLOW_SIZE, y = Math.floor(p / FLOW_SIZE);
      return x >= box.x0 && x < box.x1 && y >= box.y0 && y < box.y1 ? v : 0;
    });
    const t0 = settle(m, 20);
    const a = m.measure({ index: 20, timestampMs: t0, landmarks: face, flow: browFlow })!;
    const b = m.measure({ index: 21, timestampMs: t0 + 100, landmarks: face, flow: browFlow })!;
    expect(a.flowPx!.browL).toBeCloseTo(0.5, 5);
    expect(b.flowPx!.browL).toBeCloseTo(0.5 * Math.exp(-0.1) + 0.5, 5);
    expect(b.flowPx!.mouthL).toBeCloseTo(0, 9);
    expect(b.regionPx.browL).toBeCloseTo(0.5 * (b.landmarkPx.browL + b.flowPx!.browL), 9);
  });

  it('eye aspect ratio: about 0.29 open, near 0 closed', () => {
    expect(eyeAspectRatio(face)).toBeCloseTo(5 / 17, 6);
    const closed = face.map(([x, y], i) => ([37, 38, 43, 44].includes(i) ? [x, y + 5] : [x, y]) as Point);
    expect(eyeAspectRatio(closed)).toBeCloseTo(0, 6);
  });

  it('returns null without a face and names bad timestamps', () => {
    const m = new MotionSignal();
    expect(m.measure({ index: 0, timestampMs: 0, landmarks: null, flow: null })).toBeNull();
    expect(m.takeReferenceSample()).toBeNull();
    expect(() => m.measure({ index: 1, timestampMs: 0, landmarks: face, flow: null })).toThrow(MotionInputError);
    expect(() => m.measure({ index: 2, timestampMs: Number.NaN, landmarks: face, flow: null })).toThrow(/non-finite/);
  });
});
