/**
 * Spotting on synthetic traces with planted motions (raised-cosine profiles as in the synthetic ME
 * generator). Noise: 0.15-0.2 px per landmark coordinate, the still-face jitter the alignment smoothing
 * leaves; 1.5 px expressions, about 3 % of the inter-ocular distance.
 */
import { describe, expect, it } from 'vitest';
import { browRaise, smile, syntheticInputs, timing, type PlantedMotion, type TraceSpec } from './__fixtures__/synthetic-face';
import type { MotionInterval } from './interval-detector';
import type { MotionInput } from './motion-signal';
import type { Point } from '../pipeline/types';
import { Spotter, spotFrames } from './spotter';

function spec(over: Partial<TraceSpec>): TraceSpec {
  return { fps: 30, durationS: 8, noisePx: 0.1, seed: 1, motions: [], flowNoisePx: null, ...over };
}

function streamed(s: TraceSpec): MotionInterval[] {
  const spotter = new Spotter();
  const out: MotionInterval[] = [];
  for (const input of syntheticInputs(s)) out.push(...spotter.push(input).intervals);
  return [...out, ...spotter.flush()];
}

const micro = (onsetS: number, durationS: number, moves = browRaise(1.5)): PlantedMotion => ({ kind: 'expression', ...timing(onsetS, durationS), moves });

// Each trace takes 0.2-1 s of CPU (flow traces generate 128x128x2 fields per frame); the CPU is shared with
// other test runs, so the limit is generous.
describe('spotting planted motions', { timeout: 60_000 }, () => {
  const cases: { name: string; fps: number; flow: number | null; motion: PlantedMotion; kind: MotionInterval['kind']; regions: string[] }[] = [
    { name: 'micro brow raise, landmarks only, 30 fps', fps: 30, flow: null, motion: micro(5, 0.3), kind: 'micro', regions: ['browL', 'browR'] },
    { name: 'micro brow raise, landmarks + flow, 30 fps', fps: 30, flow: 0.05, motion: micro(5, 0.3), kind: 'micro', regions: ['browL', 'browR'] },
    { name: 'micro smile, landmarks only, 25 fps', fps: 25, flow: null, motion: micro(5.02, 0.25, smile(1.5)), kind: 'micro', regions: ['mouthL', 'mouthR'] },
    { name: 'micro smile, landmarks only, 60 fps', fps: 60, flow: null, motion: micro(5.01, 0.4, smile(1.5)), kind: 'micro', regions: ['mouthL', 'mouthR'] },
    { name: '600 ms smile is macro, landmarks only', fps: 30, flow: null, motion: micro(5, 0.6, smile(1.5)), kind: 'macro', regions: ['mouthL', 'mouthR'] },
    { name: '600 ms smile is macro, landmarks + flow', fps: 30, flow: 0.05, motion: micro(5, 0.6, smile(1.5)), kind: 'macro', regions: ['mouthL', 'mouthR'] },
    { name: 'blink (250 ms, 90 % closure)', fps: 30, flow: null, motion: { kind: 'blink', ...timing(5, 0.25), closure: 0.9 }, kind: 'blink', regions: ['eyeL', 'eyeR'] },
    { name: 'blink with flow (150 ms)', fps: 30, flow: 0.05, motion: { kind: 'blink', ...timing(5, 0.15), closure: 1 }, kind: 'blink', regions: ['eyeL', 'eyeR'] },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const s = spec({ fps: c.fps, flowNoisePx: c.flow, motions: [c.motion] });
      const { intervals } = spotFrames(syntheticInputs(s));
      expect(intervals).toHaveLength(1);
      const [ev] = intervals;
      const frameMs = 1000 / c.fps;
      expect(ev.kind).toBe(c.kind);
      expect(c.regions).toContain(ev.dominantRegion);
      // Onset within one frame of the planted onset at 25-30 fps; at 60 fps, where a frame is 17 ms, the
      // issue's bound of 3 frames. Apex within 67 ms (the profile is above 80 % of its peak there).
      const onsetFrames = c.fps > 30 ? 3 : 1;
      expect(Math.abs(ev.onsetMs - 1000 * c.motion.onsetS)).toBeLessThanOrEqual(onsetFrames * frameMs + 1e-6);
      expect(Math.abs(ev.apexMs - 1000 * c.motion.apexS)).toBeLessThanOrEqual(200 / 3 + 1e-6);
      // The raised cosine ends with zero slope, so where it sinks into the noise is weakly observable: offset
      // within 100 ms, and the span overlaps the planted one with IoU >= 0.5 (the spotting criterion).
      expect(Math.abs(ev.offsetMs - 1000 * c.motion.offsetS)).toBeLessThanOrEqual(100 + 1e-6);
      const inter = Math.min(ev.offsetMs, 1000 * c.motion.offsetS) - Math.max(ev.onsetMs, 1000 * c.motion.onsetS);
      const union = Math.max(ev.offsetMs, 1000 * c.motion.offsetS) - Math.min(ev.onsetMs, 1000 * c.motion.onsetS);
      expect(inter / union).toBeGreaterThanOrEqual(0.5);
      const plantedMs = 1000 * (c.motion.offsetS - c.motion.onsetS);
      if (c.kind !== 'blink') expect(Math.abs(ev.durationMs - plantedMs)).toBeLessThan(0.2 * plantedMs);
      expect(ev.onsetFrame).toBeLessThan(ev.apexFrame);
      expect(ev.apexFrame).toBeLessThan(ev.offsetFrame);
    });
  }

  it('300 ms stays micro and 600 ms macro at a higher noise (0.15 px) over several seeds', () => {
    for (const seed of [31, 32, 33, 34]) {
      for (const [durationS, kind] of [[0.3, 'micro'], [0.6, 'macro']] as const) {
        const { intervals } = spotFrames(syntheticInputs(spec({ durationS: 7, noisePx: 0.15, seed, motions: [micro(5, durationS, seed % 2 ? smile(1.5) : browRaise(1.5))] })));
        expect(intervals.map((e) => e.kind)).toEqual([kind]);
        // The spotting bound: onset within 3 frames.
        expect(Math.abs(intervals[0].onsetMs - 5000)).toBeLessThanOrEqual(100 + 1e-6);
      }
    }
  });

  it('a blink is never called micro, and an ME next to it still is', () => {
    const s = spec({ durationS: 10, seed: 5, motions: [{ kind: 'blink', ...timing(4, 0.2), closure: 0.95 }, micro(7, 0.3)] });
    const kinds = spotFrames(syntheticInputs(s)).intervals.map((e) => [e.kind, Math.round(e.onsetMs / 100)]);
    expect(kinds).toEqual([['blink', 40], ['micro', 70]]);
  });

  it('the mesh settling elsewhere after a blink does not hold the run open and swallow the ME after it', () => {
    // A step of about half a pixel in the brow and mouth points at the blink's end, kept for the rest of the
    // clip (what FaceMesh did after the demo clip's blink), then an ME 0.8 s later.
    const settle: PlantedMotion = {
      kind: 'expression', onsetS: 4.15, apexS: 4.2, offsetS: 1000,
      moves: [...[17, 19, 21, 22, 24, 26].map((i) => [i, 0.3, 0.5] as const), ...[48, 50, 52, 54, 57].map((i) => [i, 0.4, -0.5] as const)],
    };
    const s = spec({ durationS: 8, seed: 7, motions: [{ kind: 'blink', ...timing(4, 0.2), closure: 0.9 }, settle, micro(5, 0.3)] });
    const events = spotFrames(syntheticInputs(s)).intervals;
    expect(events.map((e) => e.kind)).toEqual(['blink', 'micro']);
    expect(Math.abs(events[1].onsetMs - 5000)).toBeLessThanOrEqual(100 + 1e-6);
  });

  it('the mesh settling off the reference without a blink is a new rest: the ME 1.2 s later is still found', () => {
    // A step of about half a pixel in the brow and mouth points at 3.5 s, kept for the rest of the clip (a
    // re-fit of the mesh), then an ME at 4.7 s. Without the rest plateau the step's run lasts until the
    // baseline gives up (4 s) and swallows the ME.
    const step: PlantedMotion = {
      kind: 'expression', onsetS: 3.5, apexS: 3.55, offsetS: 1000,
      moves: [...[17, 19, 21, 22, 24, 26].map((i) => [i, 0.3, 0.5] as const), ...[48, 50, 52, 54, 57].map((i) => [i, 0.4, -0.5] as const)],
    };
    const s = spec({ durationS: 8, seed: 7, motions: [step, micro(4.7, 0.3)] });
    const micros = (over: Parameters<typeof spotFrames>[1]) => spotFrames(syntheticInputs(s), over).intervals.filter((e) => e.kind === 'micro');
    const found = micros({});
    expect(found).toHaveLength(1);
    expect(Math.abs(found[0].onsetMs - 4700)).toBeLessThanOrEqual(100 + 1e-6);
    expect(micros({ scorer: { restPlateau: { ms: 0 } } }).filter((e) => Math.abs(e.onsetMs - 4700) <= 100)).toEqual([]);
  });

  it('a lid tightening without closure (eye ratio -10 %) is not a blink', () => {
    const squint: PlantedMotion = { kind: 'expression', ...timing(5, 0.3), moves: [37, 38, 43, 44].map((i) => [i, 0, 0.5] as const) };
    const { intervals } = spotFrames(syntheticInputs(spec({ motions: [squint] })));
    expect(intervals.map((e) => e.kind)).toEqual(['micro']);
    expect(intervals[0].earMinRatio).toBeGreaterThan(0.85);
  });

  it('a partial blink (the eye ratio dips to 75 %, as the tracker registers fast blinks) is a blink, never micro', () => {
    for (const seed of [1, 2, 3]) {
      const blink: PlantedMotion = { kind: 'blink', ...timing(4, 0.3), closure: 0.25 };
      const { intervals } = spotFrames(syntheticInputs(spec({ seed, fps: 25, motions: [blink] })));
      expect(intervals.map((e) => e.kind)).toEqual(['blink']);
      expect(intervals[0].earMinRatio).toBeGreaterThan(0.7);
    }
  });

  it('a motion still rising when the source ends is not called micro (its duration is unknown)', () => {
    const cut: PlantedMotion = { kind: 'expression', onsetS: 7.7, apexS: 8.3, offsetS: 8.6, moves: browRaise(1.5) };
    expect(streamed(spec({ motions: [cut] })).map((e) => e.kind)).toEqual(['macro']);
  });

  const head: { name: string; flow: number | null; rotateDeg: number }[] = [
    { name: 'translation, landmarks only', flow: null, rotateDeg: 0 },
    { name: 'translation, landmarks + flow', flow: 0.05, rotateDeg: 0 },
    { name: 'translation + 3 degree roll, landmarks only', flow: null, rotateDeg: 3 },
    { name: 'translation + 3 degree roll, landmarks + flow', flow: 0.05, rotateDeg: 3 },
  ];
  for (const h of head) {
    it(`rigid head motion is not an expression: ${h.name}`, () => {
      const motion: PlantedMotion = { kind: 'head', ...timing(5, 0.4), translate: [3, 2], rotateDeg: h.rotateDeg };
      const { rows, intervals } = spotFrames(syntheticInputs(spec({ seed: 4, flowNoisePx: h.flow, motions: [motion] })));
      expect(intervals.filter((e) => e.kind !== 'head')).toEqual([]);
      // The global component was seen, not ignored: it peaks far above its own noise.
      expect(Math.max(...rows.map((r) => r.rigidZ))).toBeGreaterThan(20);
      // The similarity fit of the stable landmarks takes out the roll as well: nothing but head motion, if any.
      expect(intervals.every((e) => e.kind === 'head')).toBe(true);
    });
  }

  it('noise at baseline gives no events over two minutes (two seeds)', { timeout: 180_000 }, () => {
    for (const seed of [11, 12]) {
      const { rows, intervals } = spotFrames(syntheticInputs(spec({ durationS: 120, noisePx: 0.2, seed })));
      expect(intervals).toEqual([]);
      // Frames at t < 2000 ms are calibration (the row's state is the baseline's before that frame).
      expect(rows.filter((r) => !r.calibrating)).toHaveLength(120 * 30 - 61);
    }
  });

  it('calibration suppresses events during its first 2 s and reports progress', () => {
    const early = spec({ durationS: 5, motions: [micro(1.0, 0.3)] });
    expect(spotFrames(syntheticInputs(early)).intervals).toEqual([]);
    const spotter = new Spotter();
    const progress: number[] = [];
    for (const input of syntheticInputs(early)) {
      spotter.push(input);
      progress.push(spotter.calibrationProgress);
    }
    expect(progress[30]).toBeCloseTo(0.5, 9);
    expect(progress[59]).toBeLessThan(1);
    expect(progress[60]).toBe(1);
    expect(spotter.calibrating).toBe(false);
    // The same motion after calibration is found.
    expect(spotFrames(syntheticInputs(spec({ durationS: 5, motions: [micro(3.0, 0.3)] }))).intervals).toHaveLength(1);
  });

  it('a cut (a looped clip starting again) is not motion: the reference is rebuilt after it', () => {
    // From frame 150 on the face holds another expression: brows 2 px up, mouth corners 1.5 px out, as when the
    // demo clip jumps from its last frame back to its first. Without the cut flag that step is an event.
    const jumped = (): MotionInput[] => [...syntheticInputs(spec({ durationS: 9, motions: [micro(7, 0.3)] }))].map((inp) => {
      if (inp.index < 150 || !inp.landmarks) return inp;
      const landmarks = inp.landmarks.map(([x, y], i) => (i >= 17 && i <= 26 ? [x, y - 2] : i === 48 ? [x - 1.5, y] : i === 54 ? [x + 1.5, y] : [x, y]) as Point);
      return { ...inp, landmarks };
    });
    const uncut = spotFrames(jumped()).intervals;
    expect(uncut.some((e) => e.onsetFrame >= 145 && e.onsetFrame <= 155)).toBe(true);
    const cut = spotFrames(jumped().map((inp) => (inp.index === 150 ? { ...inp, cut: true } : inp))).intervals;
    expect(cut.map((e) => e.kind)).toEqual(['micro']); // only the planted brow raise at 7 s
    expect(Math.abs(cut[0].onsetFrame - 210)).toBeLessThanOrEqual(1);
  });

  it('a lost face ends an interval and does not create one', () => {
    const lost = new Set([150, 151, 152, 153, 154]);
    const { rows, intervals } = spotFrames(syntheticInputs(spec({ lostFrames: lost, motions: [micro(6, 0.3)] })));
    expect(rows.filter((r) => !r.faceFound).map((r) => r.index)).toEqual([...lost]);
    expect(intervals.map((e) => e.kind)).toEqual(['micro']);
  });
});

describe('streaming equals batch', { timeout: 60_000 }, () => {
  const traces: TraceSpec[] = [
    spec({ durationS: 12, seed: 21, motions: [micro(3, 0.3), micro(3.45, 0.2, smile(1.2)), { kind: 'blink', ...timing(6, 0.2), closure: 0.9 }, micro(8, 0.7, smile(2)), micro(11.8, 0.3)] }),
    spec({ durationS: 10, seed: 22, fps: 25, lostFrames: new Set([100, 101, 180]), motions: [micro(2.5, 0.3), micro(4, 0.3), micro(7.1, 0.5), { kind: 'head', ...timing(8.5, 0.4), translate: [2, 0], rotateDeg: 2 }] }),
    spec({ durationS: 6, seed: 23, flowNoisePx: 0.05, motions: [micro(2.5, 0.2), { kind: 'blink', ...timing(3.5, 0.2), closure: 0.9 }, micro(4.2, 0.6, smile(1.5)), micro(5.85, 0.3)] }),
  ];
  traces.forEach((t, i) => {
    it(`trace ${i}: the same intervals, frame for frame`, () => {
      const batch = spotFrames(syntheticInputs(t)).intervals;
      expect(batch.length).toBeGreaterThanOrEqual(3);
      expect(streamed(t)).toEqual(batch);
    });
  });
});
