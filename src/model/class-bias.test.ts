import { describe, expect, it } from 'vitest';
import { applyClassBias } from './class-bias';

describe('applyClassBias', () => {
  it('adds the offsets to the logits (p * exp(b), renormalised), as moltrain.class_bias does', () => {
    const p = new Float32Array([0.2, 0.3, 0.5]);
    const b = [0, 0.5, -1];
    const w = [0.2, 0.3 * Math.exp(0.5), 0.5 * Math.exp(-1)];
    const s = w[0] + w[1] + w[2];
    const out = applyClassBias(p, b);
    w.forEach((v, k) => expect(out[k]).toBeCloseTo(v / s, 6));
    expect(out[0] + out[1] + out[2]).toBeCloseTo(1, 6);
  });

  it('leaves probabilities alone without offsets, and refuses offsets for another class count', () => {
    const p = new Float32Array([0.1, 0.9]);
    expect(applyClassBias(p, null)).toBe(p);
    expect(Array.from(applyClassBias(p, [0, 0]))).toEqual([expect.closeTo(0.1, 6), expect.closeTo(0.9, 6)]);
    expect(() => applyClassBias(p, [0, 0, 0])).toThrow(RangeError);
  });
});
