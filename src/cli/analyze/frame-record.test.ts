import { describe, expect, it } from 'vitest';
import { neutralFace } from '../../spotting/__fixtures__/synthetic-face';
import { REGION_NAMES } from '../../spotting/regions';
import type { SpotTraceRow } from '../../spotting/frame-scorer';
import type { FrameResult } from '../../pipeline/types';
import { FRAMES_FORMAT_VERSION, spotRecord, toFrameRecord } from './frame-record';

const regions = (f: (i: number) => number): Record<(typeof REGION_NAMES)[number], number> =>
  Object.fromEntries(REGION_NAMES.map((r, i) => [r, f(i)])) as Record<(typeof REGION_NAMES)[number], number>;

describe('frames.jsonl record (version 2)', () => {
  it('is version 2', () => expect(FRAMES_FORMAT_VERSION).toBe(2));

  it('spot: rounded trace row, earRatio null without a face, ids of closed events', () => {
    const row: SpotTraceRow = {
      index: 5, timestampMs: 200, faceFound: false, calibrating: false, regionPx: regions((i) => i + 0.123456),
      regionZ: regions((i) => -i - 0.987654), rigidPx: 0.333333, rigidZ: 1.55555, earRatio: Number.NaN, score: 7.777777,
    };
    const rec = spotRecord(row, ['ev-3']);
    expect(rec).toEqual({
      calibrating: false, score: 7.7778, rigidPx: 0.3333, rigidZ: 1.5556, earRatio: null,
      regionPx: regions((i) => Math.round((i + 0.123456) * 1e4) / 1e4), regionZ: regions((i) => Math.round((-i - 0.987654) * 1e4) / 1e4),
      closed: ['ev-3'],
    });
    expect(JSON.parse(JSON.stringify(rec))).toEqual(rec);
  });

  it('model: probabilities, MOL landmarks and the flow of each region (uniform flow minus the nose bridge is zero)', () => {
    const face = neutralFace();
    const flow = new Float32Array(128 * 128 * 2);
    for (let k = 0; k < flow.length; k += 2) { flow[k] = 0.5; flow[k + 1] = -0.25; } // the whole face moves: head motion
    const res: FrameResult = {
      index: 9, timestampMs: 360, width: 640, height: 480, faceFound: true, faceCount: 1, faceBox: [1, 2, 3, 4], points478: null,
      landmarks68: null, alignment: null, landmarks68Crop: face, crop: null, windowFill: 8, timings: { model: 12.345 }, spot: null,
      model: { probabilities: new Float32Array([0.2, 0.3, 0.5]), classes: ['surprise', 'positive', 'negative'], flow, landmarks68Crop: face, weights: { id: 'w', trained: true }, frameIndex: 9 },
    };
    const rec = toFrameRecord(res);
    expect(rec.model!.probabilities).toEqual([0.2, 0.3, 0.5]);
    expect(rec.model!.landmarks68Crop).toHaveLength(68);
    expect(rec.model!.flow.rigid).toEqual([0.5, -0.25]);
    for (const r of REGION_NAMES) expect(rec.model!.flow.regions[r]).toEqual({ u: 0, v: 0, mag: 0, trimmedMag: 0 });
    expect(rec.spot).toBeNull();
    expect(rec.timings).toEqual({ model: 12.35 });
    expect(toFrameRecord({ ...res, model: null }).model).toBeNull();
  });
});
