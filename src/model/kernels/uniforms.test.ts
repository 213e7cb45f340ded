import { describe, expect, it } from 'vitest';
import { packUniforms, uniformsWgsl, UniformValueError, type UniformSpec } from './uniforms';

const SPEC = [
  { name: 'inH', type: 'i32' },
  { name: 'alpha', type: 'f32' },
  { name: 'count', type: 'u32' },
] as const satisfies UniformSpec;

describe('uniform layout helper', () => {
  it('declares every field once, in order, as WGSL struct members', () => {
    expect(uniformsWgsl(SPEC)).toBe('inH : i32, alpha : f32, count : u32, ');
  });

  it('packs values in the same order with the tfjs uniform types', () => {
    expect(packUniforms(SPEC, { count: 7, alpha: 0.1, inH: 16 })).toEqual([
      { type: 'int32', data: [16] },
      { type: 'float32', data: [0.1] },
      { type: 'uint32', data: [7] },
    ]);
  });

  it('rejects missing, non-finite, fractional integer and negative unsigned values by name', () => {
    const bad = (v: Record<string, number>) => () => packUniforms(SPEC, v as { inH: number; alpha: number; count: number });
    expect(bad({ alpha: 1, count: 1 })).toThrow(new UniformValueError('uniform inH: expected a finite number, got undefined'));
    expect(bad({ inH: 1, alpha: NaN, count: 1 })).toThrow(/uniform alpha: expected a finite number/);
    expect(bad({ inH: 1.5, alpha: 1, count: 1 })).toThrow(/uniform inH \(i32\): 1.5 is not an integer/);
    expect(bad({ inH: 1, alpha: 1, count: -2 })).toThrow(/uniform count \(u32\): -2 is negative/);
  });
});
