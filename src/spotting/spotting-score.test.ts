/**
 * The spotting criterion on landmark-level synthetic sequences: 30 s at 30 fps, an event every 2.5 s
 * (micro 150-500 ms, macro 0.6-2 s, blinks 100-300 ms; 1-2 px; 0.15 px tracker noise). A planted ME counts
 * as found by a `micro` interval with temporal IoU >= 0.5 and onset within 3 frames; blinks and macros must
 * never be called micro. (The video-level evaluation with MOL's flow comes with the app integration.)
 */
import { describe, expect, it } from 'vitest';
import { browRaise, smile, syntheticInputs, timing, type PlantedMotion } from './__fixtures__/synthetic-face';
import { spotFrames } from './spotter';

function plan(seed: number): { motions: PlantedMotion[]; kinds: string[] } {
  let st = 1000 + seed * 7919;
  const u = (): number => { st = (st * 16807) % 2147483647; return st / 2147483647; };
  const motions: PlantedMotion[] = [], kinds: string[] = [];
  for (let t = 3; t < 28; t += 2.5) {
    u();
    const r = 3 * u(), amp = 1 + u();
    if (r < 1) { motions.push({ kind: 'expression', ...timing(t, 0.15 + 0.35 * u()), moves: u() < 0.5 ? browRaise(amp) : smile(amp) }); kinds.push('micro'); }
    else if (r < 2) { motions.push({ kind: 'expression', ...timing(t, 0.6 + 1.4 * u()), moves: u() < 0.5 ? browRaise(amp) : smile(amp) }); kinds.push('macro'); }
    else { motions.push({ kind: 'blink', ...timing(t, 0.1 + 0.2 * u()), closure: 0.9 }); kinds.push('blink'); }
  }
  return { motions, kinds };
}

describe('spotting score on planted sequences', { timeout: 180_000 }, () => {
  it('ME F1 >= 0.8 at IoU >= 0.5 and onset within 3 frames; no blink or macro called micro', () => {
    let tp = 0, fp = 0, fn = 0, planted = { micro: 0, macro: 0, blink: 0 } as Record<string, number>;
    for (const seed of [1, 2, 3]) {
      const { motions, kinds } = plan(seed);
      const micros = spotFrames(syntheticInputs({ fps: 30, durationS: 30, noisePx: 0.15, seed, flowNoisePx: null, motions }))
        .intervals.filter((e) => e.kind === 'micro');
      const used = new Set<number>();
      motions.forEach((m, i) => {
        planted[kinds[i]]++;
        const on = 1000 * m.onsetS, off = 1000 * m.offsetS;
        const hit = micros.findIndex((e, j) => !used.has(j)
          && (Math.min(e.offsetMs, off) - Math.max(e.onsetMs, on)) / (Math.max(e.offsetMs, off) - Math.min(e.onsetMs, on)) >= 0.5
          && Math.abs(e.onsetMs - on) <= 100 + 1e-6);
        if (hit >= 0) used.add(hit);
        if (kinds[i] === 'micro') hit >= 0 ? tp++ : fn++;
        else expect(hit, `${kinds[i]} at ${m.onsetS} s called micro`).toBe(-1);
      });
      fp += micros.length - used.size;
    }
    expect(planted.micro).toBeGreaterThanOrEqual(5);
    expect(planted.blink).toBeGreaterThanOrEqual(5);
    expect(planted.macro).toBeGreaterThanOrEqual(5);
    expect((2 * tp) / (2 * tp + fp + fn)).toBeGreaterThanOrEqual(0.8);
  });
});
