import { describe, expect, it } from 'vitest';
import { latencySummary, LatencyInputError, percentile } from './latency';

describe('analyze latency summary', () => {
  it('nearest-rank percentiles', () => {
    const v = Array.from({ length: 20 }, (_, i) => 20 - i); // 20..1
    expect(percentile(v, 0.5)).toBe(10);
    expect(percentile(v, 0.95)).toBe(19);
    expect(percentile(v, 1)).toBe(20);
    expect(percentile([7], 0.95)).toBe(7);
    expect(() => percentile([], 0.5)).toThrow(LatencyInputError);
    expect(() => percentile([1], 0)).toThrow(LatencyInputError);
  });

  it('per stage over the frames where it ran, total per frame, wall gaps', () => {
    const s = latencySummary([{ read: 1, landmarks: 10 }, { read: 2, landmarks: 20, detect: 5 }, { read: 3, landmarks: 30, model: 100 }], [50, 60]);
    expect(s.stages.detect).toEqual({ frames: 1, p50: 5, p95: 5, max: 5 });
    expect(s.stages.landmarks).toEqual({ frames: 3, p50: 20, p95: 30, max: 30 });
    expect(s.total).toEqual({ frames: 3, p50: 27, p95: 133, max: 133 });
    expect(s.wall).toEqual({ frames: 2, p50: 50, p95: 60, max: 60 });
    expect(latencySummary([], [])).toEqual({ stages: {}, total: null, wall: null });
  });

  it('the live model lane runs beside the frame: summarised, not added to the frame total', () => {
    const s = latencySummary([{ landmarks: 10, modelLane: 900 }, { landmarks: 20, modelLane: 1100 }], []);
    expect(s.stages.modelLane).toEqual({ frames: 2, p50: 900, p95: 1100, max: 1100 });
    expect(s.total).toEqual({ frames: 2, p50: 10, p95: 20, max: 20 });
  });
});
