import { describe, expect, it } from 'vitest';
import { gaussian } from './__fixtures__/synthetic-face';
import type { SpotTraceRow } from './frame-scorer';
import { DetectorInputError, detectIntervals, IntervalDetector, type DetectorOptions } from './interval-detector';
import type { RegionValues } from './motion-signal';
import { REGION_NAMES } from './regions';

/** Rows with a given score sequence; the score sits in one region (z and px alike). */
function rows(scores: readonly number[], opts: { fps?: number; lost?: Set<number>; region?: string; calibrate?: number } = {}): SpotTraceRow[] {
  const fps = opts.fps ?? 30;
  return scores.map((score, i) => {
    const region = (opts.region ?? 'browL') as keyof RegionValues;
    const regionZ = Object.fromEntries(REGION_NAMES.map((r) => [r, r === region ? score : 0])) as RegionValues;
    const regionPx = Object.fromEntries(REGION_NAMES.map((r) => [r, r === region ? Math.max(score, 0) * 0.1 : 0])) as RegionValues;
    const lost = opts.lost?.has(i) ?? false;
    return {
      index: i, timestampMs: (1000 * i) / fps, faceFound: !lost, calibrating: i < (opts.calibrate ?? 0),
      regionPx, regionZ, rigidPx: 0, rigidZ: 0, earRatio: 1, score: lost ? 0 : score,
    };
  });
}

function streamed(r: readonly SpotTraceRow[], o: Partial<DetectorOptions> = {}) {
  const d = new IntervalDetector(o);
  const out = r.flatMap((row) => d.push(row));
  return [...out, ...d.flush()];
}

describe('interval detector', { timeout: 60_000 }, () => {
  it('finds a hysteresis interval with its rest frames as onset and offset', () => {
    const s = [0, 0.5, 0.2, 1.5, 3, 8, 12, 7, 3, 1.5, 0.3, 0.5, 0, 0];
    // The span's own end (the offset clamp, offsetHalfFalls, has its own test).
    const [ev, ...rest] = detectIntervals(rows(s), { offsetHalfFalls: 0 });
    expect(rest).toEqual([]);
    // Frame 2 (0.2) is where the score stops falling going back; frame 10 (0.3) going forward.
    expect([ev.onsetFrame, ev.apexFrame, ev.offsetFrame]).toEqual([2, 6, 10]);
    expect(ev.kind).toBe('micro');
    expect(ev.peakScore).toBe(12);
  });

  it('drops runs that never reach highZ, single-frame spikes, and merges across a short dip', () => {
    expect(detectIntervals(rows([0, 0, 3, 4, 4.9, 4, 0, 0]))).toEqual([]);
    expect(detectIntervals(rows([0, 0, 0, 20, 0, 0, 0]))).toEqual([]);
    // Two bursts 2 frames apart (67 ms < mergeGap 100 ms) are one interval.
    const merged = detectIntervals(rows([0, 0, 8, 9, 1.5, 0.5, 1.5, 9, 8, 0, 0, 0]), { offsetHalfFalls: 0 });
    expect(merged.map((e) => [e.onsetFrame, e.offsetFrame])).toEqual([[1, 9]]);
    // 10 frames apart they are two, unless the second falls in the refractory period.
    const two = [0, 0, 8, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 8, 0, 0];
    expect(detectIntervals(rows(two)).length).toBe(2);
    expect(detectIntervals(rows(two), { refractoryMs: 400 }).length).toBe(1);
  });

  it('labels an eye-dominated interval with a deep, brief eye-ratio dip a blink', () => {
    const r = rows([0, 0, 3, 9, 12, 9, 3, 0, 0], { region: 'eyeL' });
    const ear = [1, 1, 0.8, 0.3, 0.15, 0.3, 0.8, 1, 1];
    r.forEach((row, i) => { row.earRatio = ear[i]; });
    expect(detectIntervals(r).map((e) => e.kind)).toEqual(['blink']);
    // A shallow dip (0.82) with the mouth dominating is an expression ...
    const m = rows([0, 0, 3, 9, 12, 9, 3, 0, 0], { region: 'mouthL' });
    const shallow = [1, 1, 0.95, 0.88, 0.82, 0.88, 0.95, 1, 1];
    m.forEach((row, i) => { row.earRatio = shallow[i]; });
    expect(detectIntervals(m).map((e) => e.kind)).toEqual(['micro']);
    // ... and a deep one (at most blinkDeepEarRatio) is a blink whichever region leads: the face mesh pulls
    // the brows and mouth along with a closing lid.
    m.forEach((row, i) => { row.earRatio = ear[i]; });
    expect(detectIntervals(m).map((e) => e.kind)).toEqual(['blink']);
    expect(detectIntervals(m, { blinkDeepEarRatio: 0 }).map((e) => e.kind)).toEqual(['micro']);
  });

  it('a partial closure (eye ratio 0.78) led by the eyes is a blink; 0.9 is not, nor one that stays closed', () => {
    const r = rows([0, 0, 3, 9, 12, 9, 3, 0, 0], { region: 'eyeR' });
    const ear = (e: number[]) => r.map((row, i) => ({ ...row, earRatio: e[i] }));
    expect(detectIntervals(ear([1, 1, 0.95, 0.85, 0.78, 0.85, 0.95, 1, 1])).map((e) => e.kind)).toEqual(['blink']);
    expect(detectIntervals(ear([1, 1, 0.97, 0.93, 0.9, 0.93, 0.97, 1, 1])).map((e) => e.kind)).toEqual(['micro']);
    expect(detectIntervals(ear([1, 1, 0.95, 0.85, 0.78, 0.78, 0.78, 0.78, 0.78])).map((e) => e.kind)).not.toContain('blink');
  });

  it('labels an interval whose rigid component dominates head motion', () => {
    const r = rows([0, 0, 3, 9, 12, 9, 3, 0, 0]);
    r.forEach((row) => { row.rigidPx = row.regionPx.browL * 2; row.rigidZ = row.score * 2; });
    expect(detectIntervals(r).map((e) => e.kind)).toEqual(['head']);
  });

  it('ignores calibration frames and lost faces', () => {
    expect(detectIntervals(rows([0, 9, 9, 9, 0, 0], { calibrate: 5 }))).toEqual([]);
    expect(detectIntervals(rows([0, 9, 9, 9, 0, 0], { lost: new Set([1, 2, 3]) }))).toEqual([]);
  });

  it('streaming equals batch on random score traces, for several option sets', () => {
    const optionSets: Partial<DetectorOptions>[] = [
      {}, { mergeGapMs: 300, refractoryMs: 0 }, { extendMs: 0, minActiveFrames: 1 }, { mergeGapMs: 0, refractoryMs: 600, highZ: 4 },
      { peakFraction: 0 }, { peakFraction: 0.8, refractoryMs: 0 },
    ];
    let intervals = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const g = gaussian(seed);
      // Noise plus bursts of random height and length, and a few lost faces.
      const scores: number[] = [];
      while (scores.length < 600) {
        if (Math.abs(g()) > 2.2) {
          const len = 1 + Math.floor(Math.abs(g()) * 6), h = 3 + Math.abs(g()) * 8;
          for (let k = 0; k < len; k++) scores.push(h * Math.sin((Math.PI * (k + 1)) / (len + 1)) + 0.5 * g());
        } else {
          scores.push(Math.abs(g()));
        }
      }
      const lost = new Set(Array.from({ length: 5 }, () => Math.floor(Math.abs(g() * 200)) % 600));
      const r = rows(scores, { fps: seed % 2 ? 30 : 25, lost, calibrate: 20 });
      for (const o of optionSets) {
        const batch = detectIntervals(r, o);
        intervals += batch.length;
        expect(streamed(r, o)).toEqual(batch);
      }
    }
    expect(intervals).toBeGreaterThan(500);
  });

  it('splits a run into its peaks: a lingering tail is no part of the expression, and a later peak on it is its own', () => {
    // An expression (peak 20) whose score lingers at 4-5 for a second, then a second expression (peak 12) on
    // that level, then rest. Whole, it is one 1.6 s interval (its half-maximum duration still says micro, but
    // it overlaps the first expression by a tenth); split, two intervals each ending where its peak has fallen
    // off (the tail between them is no event).
    const tail = Array.from({ length: 30 }, (_, k) => 4 + (k % 3) * 0.5);
    const s = [0, 0, 0.5, 3, 9, 20, 14, 6, ...tail, 5, 9, 12, 8, 4.5, ...tail.slice(0, 6), 1, 0.5, 0, 0];
    expect(detectIntervals(rows(s), { peakFraction: 0, offsetHalfFalls: 0 }).map((e) => [e.onsetFrame, e.offsetFrame, e.kind])).toEqual([[2, 49, 'micro']]);
    const split = detectIntervals(rows(s));
    expect(split.map((e) => [e.onsetFrame, e.apexFrame, e.kind])).toEqual([[2, 5, 'micro'], [38, 40, 'micro']]);
    // Each span stops a row or two into the tail (where the score no longer falls).
    expect(split[0].offsetFrame).toBeLessThanOrEqual(9);
    expect(split[1].offsetFrame).toBeLessThanOrEqual(43);
    // A dip of at most mergeGapMs under the peak's level stays inside it.
    expect(detectIntervals(rows([0, 0, 8, 12, 5, 12, 8, 1, 0, 0])).map((e) => [e.onsetFrame, e.offsetFrame])).toEqual([[1, 7]]);
  });

  it('ends an interval whose score lingers once its displacement is back at rest: offsetHalfFalls after the apex', () => {
    // The score stays over half its peak (the span goes on) while the displacement fell below half at row 5.6:
    // a raised-cosine fall is back at rest at twice its half time, so with 3 half-falls the offset is the
    // last row by 4 + 3 * 1.6 = 8.8.
    const r = rows([0, 0, 3, 9, 12, 9, 7, 7, 7, 7, 7, 6.5, 3, 0, 0]);
    const px = [0, 0, 0.3, 0.9, 1.2, 0.9, 0.4, 0.2, 0.2, 0.2, 0.2, 0.2, 0.1, 0, 0];
    r.forEach((row, i) => { row.regionPx.browL = px[i]; });
    const [ev] = detectIntervals(r);
    expect([ev.onsetFrame, ev.apexFrame, ev.offsetFrame, ev.kind]).toEqual([1, 4, 8, 'micro']);
    expect(detectIntervals(r, { offsetHalfFalls: 0 })[0].offsetFrame).toBeGreaterThanOrEqual(11);
    // Streaming gives the same interval.
    expect(streamed(r).map((e) => e.offsetFrame)).toEqual([8]);
  });

  it('an ME that starts while the scorer rebuilds its reference (unscored rows) still gets its rise from them', () => {
    // Rows 10-14 are the scorer's unscored settle (score 0) but their motion is measured: the ME rises from
    // row 13 (0.5 px) and its group opens at row 14 (its first scored row is 15), already over half its 1.2 px apex.
    const px = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.05, 0.04, 0.06, 0.5, 0.95, 1.2, 1.0, 0.45, 0.1, 0.05, 0.05, 0.04, 0.05, 0.04];
    const score = px.map((v, i) => (i < 15 ? 0 : v > 0.3 ? 10 * v : 0.5));
    const r = rows(score, { fps: 25 });
    r.forEach((row, i) => { row.regionPx.browL = px[i]; });
    for (const found of [detectIntervals(r), streamed(r)]) {
      expect(found).toHaveLength(1);
      // its onset: the last row under half, where the rise is seen (row 13)
      expect(found[0]).toMatchObject({ kind: 'micro', onsetFrame: 13, apexFrame: 15 });
      expect(found[0].durationMs).toBeGreaterThan(150);
      expect(found[0].durationMs).toBeLessThan(300);
    }
    // Without those rows (the trace starts at the group) the rise is unknown and the motion not called micro.
    const cut = r.slice(14).map((row, i) => ({ ...row, index: i }));
    expect(detectIntervals(cut).map((e) => e.kind)).toEqual(['macro']);
  });

  it('names bad input', () => {
    expect(() => detectIntervals(rows([0, 0]), { lowZ: 7, highZ: 6 })).toThrow(DetectorInputError);
    const r = rows([0, 0]);
    r[1].timestampMs = r[0].timestampMs;
    expect(() => detectIntervals(r)).toThrow(/increase/);
    const d = new IntervalDetector();
    d.push(r[0]);
    expect(() => d.push(r[1])).toThrow(DetectorInputError);
  });
});
