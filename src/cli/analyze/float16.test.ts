import { describe, expect, it } from 'vitest';
import { encodeFloat16, fromFloat16Bits, toFloat16Bits } from './float16';

describe('float16 (flow.f16)', () => {
  it('encodes exact values, limits and specials as numpy does', () => {
    const cases: [number, number][] = [
      [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff],
      [65520, 0x7c00], // rounds up past the largest half: Inf
      [2 ** -24, 0x0001], [2 ** -14, 0x0400], [Infinity, 0x7c00], [-Infinity, 0xfc00],
      [1 + 2 ** -11, 0x3c00], // tie: to even (down)
      [1 + 3 * 2 ** -11, 0x3c02], // tie: to even (up)
      [2 ** -25, 0x0000], // subnormal tie: to even (zero)
      [3 * 2 ** -25, 0x0002],
    ];
    for (const [v, bits] of cases) expect(toFloat16Bits(v), `${v}`).toBe(bits);
    expect(toFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
    expect(Number.isNaN(fromFloat16Bits(toFloat16Bits(NaN)))).toBe(true);
  });

  it('round-trips within half a unit in the last place over the flow range', () => {
    // one assertion over all samples: per-sample expect() made this slow enough to time out on a loaded machine
    let s = 7;
    let worst = 0;
    for (let i = 0; i < 20000; i++) {
      s = (s * 16807) % 2147483647;
      const v = Math.fround(((s / 2147483647) * 2 - 1) * 2 ** ((i % 16) - 10)); // flow is float32
      const back = fromFloat16Bits(toFloat16Bits(v));
      const ulp = Math.abs(v) < 2 ** -14 ? 2 ** -24 : 2 ** (Math.floor(Math.log2(Math.abs(v))) - 10);
      worst = Math.max(worst, Math.abs(back - v) / ulp);
    }
    expect(worst).toBeLessThanOrEqual(0.5);
    expect(worst).toBeGreaterThan(0.4); // the samples do reach the rounding bound (a truncating encoder would exceed it)
  }, 30_000);

  it('writes little-endian bytes', () => {
    expect([...encodeFloat16([1, -2])]).toEqual([0x00, 0x3c, 0x00, 0xc0]);
  });
});
