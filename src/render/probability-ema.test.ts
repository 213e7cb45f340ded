import { describe, expect, it } from 'vitest';
import { ProbabilityEma, ProbabilityEmaInputError } from './probability-ema';

describe('ProbabilityEma', () => {
  it('first window shown as is; later ones weighted by 1 - exp(-dt / tau); sums stay 1', () => {
    const ema = new ProbabilityEma(100);
    expect(Array.from(ema.update([0.2, 0.3, 0.5], 0))).toEqual([0.2, 0.3, 0.5]);
    const a = 1 - Math.exp(-1); // dt = tau
    const got = ema.update([1, 0, 0], 100);
    expect(got[0]).toBeCloseTo(0.2 + a * 0.8, 12);
    expect(got[1]).toBeCloseTo(0.3 * (1 - a), 12);
    expect(got.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    // No time passed: no change.
    expect(Array.from(ema.update([0, 1, 0], 100))).toEqual(Array.from(got));
  });

  it('reset and a new class count restart the average', () => {
    const ema = new ProbabilityEma(100);
    ema.update([0.5, 0.5, 0], 0);
    ema.reset();
    expect(ema.current).toBeNull();
    expect(Array.from(ema.update([0, 0, 1], 10))).toEqual([0, 0, 1]);
    expect(Array.from(ema.update([0.2, 0.2, 0.2, 0.2, 0.2], 20))).toEqual([0.2, 0.2, 0.2, 0.2, 0.2]);
    expect(() => new ProbabilityEma(0)).toThrow(ProbabilityEmaInputError);
  });
});
