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

  it('removes the nose bridge shift (rigid residual) from every region and reports it', () => {
    const m = new MotionSignal();
    const t = settle(m, 20);
    const f = m.measure({ index: 20, timestampMs: t, landmarks: shifted(3, 4), flow: null })!;
    for (const v of Object.values(f.landmarkPx)) expect(v).toBeCloseTo(0, 9);
    expect(f.rigidPx).toBeCloseTo(5, 9);
    const raw = new MotionSignal({ subtractRigid: false });
    const t2 = settle(raw, 20);
    expect(raw.measure({ index: 20, timestampMs: t2, landmarks: shifted(3, 4), flow: null })!.landmarkPx.chin).toBeCloseTo(5, 9);
  });

  it('integrates region flow over frames with a leak', () => {
    const m = new MotionSignal({ flowLeakMs: 1000 });
    const up = new Float32Array(FLOW_SIZE * FLOW_SIZE * 2);
    for (let k = 1; k < up.length; k += 2) up[k] = -0.5;
    // Only the left brow's box moves (the nose bridge stays still, so nothing is subtracted).
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
