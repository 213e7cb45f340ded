import { describe, expect, it } from 'vitest';
import { browRaise, syntheticInputs, timing } from '../../spotting/__fixtures__/synthetic-face';
import { eventRecord } from '../../spotting/event-export';
import { REGION_NAMES } from '../../spotting/regions';
import { spotFrames } from '../../spotting/spotter';
import type { FrameResult, Point, SpottedEvent } from '../../pipeline/types';
import { AnalyzeSpotError, SpotRecorder, stageEventRecord } from './spot-recorder';

function frameResult(index: number, timestampMs: number, landmarks: readonly Point[] | null): FrameResult {
  return {
    index, timestampMs, width: 640, height: 480, faceFound: landmarks !== null, faceCount: landmarks ? 1 : 0, faceBox: null,
    points478: null, landmarks68: null, alignment: null, landmarks68Crop: landmarks ? [...landmarks] : null, crop: null,
    windowFill: 0, model: null, spot: null, timings: {},
  };
}

const regionPeaks = Object.fromEntries(REGION_NAMES.map((r, i) => [r, i / 10]));
const stageEvent: SpottedEvent = {
  id: 3, kind: 'micro', onsetFrame: 40, apexFrame: 44, offsetFrame: 49, onsetMs: 1600, apexMs: 1760, offsetMs: 1960,
  label: 'positive', probabilities: { surprise: 0.1, positive: 0.7, negative: 0.2 }, regionPeaks,
  durationMs: 360, dominantRegion: 'mouthL', confidence: 0.7, peakScore: 12.5, rigidPeakPx: 0.2, earMinRatio: 0.95,
};

describe('SpotRecorder', { timeout: 60_000 }, () => {
  it('turns a stage event into the full events-file record', () => {
    expect(stageEventRecord(stageEvent)).toEqual({
      id: 'ev-40', kind: 'micro', onsetFrame: 40, apexFrame: 44, offsetFrame: 49, onsetMs: 1600, apexMs: 1760, offsetMs: 1960,
      durationMs: 360, peakScore: 12.5, dominantRegion: 'mouthL', regionPeakPx: regionPeaks, rigidPeakPx: 0.2, earMinRatio: 0.95,
      label: 'positive', confidence: 0.7, probabilities: { surprise: 0.1, positive: 0.7, negative: 0.2 },
    });
    expect(() => stageEventRecord({ ...stageEvent, peakScore: undefined })).toThrow(AnalyzeSpotError);
    expect(() => stageEventRecord({ ...stageEvent, dominantRegion: 'forehead' })).toThrow(/unknown region forehead/);
  });

  it('without a spot stage it spots itself, exactly as the batch spotter', () => {
    const inputs = [...syntheticInputs({
      fps: 30, durationS: 6, noisePx: 0.1, seed: 5, flowNoisePx: null,
      motions: [{ kind: 'expression', ...timing(3, 0.3), moves: browRaise(2) }],
    })];
    const rec = new SpotRecorder();
    for (const x of inputs) rec.push(frameResult(x.index, x.timestampMs, x.landmarks));
    const got = rec.finish();
    const want = spotFrames(inputs);
    expect(got.source).toBe('recorder');
    expect(got.rows).toEqual(want.rows);
    expect(got.events).toEqual(want.intervals.map(eventRecord));
    expect(got.events.map((e) => e.kind)).toEqual(['micro']);
  });

  it('a spot output that appears or vanishes mid-video is an error, not a silent mix', () => {
    const rec = new SpotRecorder();
    rec.push(frameResult(0, 0, null));
    const withSpot = { ...frameResult(1, 40, null), spot: { calibrating: true, calibrationProgress: 0, score: 0, regions: {}, events: [] } };
    expect(() => rec.push(withSpot)).toThrow(/appeared mid-video/);
  });
});
