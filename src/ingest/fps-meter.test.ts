import { describe, expect, it } from 'vitest';
import { FpsMeter } from './fps-meter';

describe('FpsMeter', () => {
  it('measures a steady 30 fps stream', () => {
    const m = new FpsMeter(1000);
    for (let i = 0; i <= 60; i++) m.tick(i * (1000 / 30));
    expect(m.fps(2000)).toBeCloseTo(30, 6);
  });

  it('reads 0 with fewer than two frames and after a stall longer than the window', () => {
    const m = new FpsMeter(1000);
    expect(m.fps(0)).toBe(0);
    m.tick(0);
    expect(m.fps(10)).toBe(0);
    m.tick(100);
    m.tick(200);
    expect(m.fps(250)).toBeCloseTo(10, 6);
    expect(m.fps(5000)).toBe(0);
  });

  it('follows a rate change once the window has passed', () => {
    const m = new FpsMeter(1000);
    let t = 0;
    for (; t < 3000; t += 100) m.tick(t); // 10 fps
    for (const end = t + 2000; t < end; t += 50) m.tick(t); // 20 fps
    expect(m.fps(t - 50)).toBeCloseTo(20, 6);
  });

  it('rejects time going backwards and a non-positive window', () => {
    const m = new FpsMeter();
    m.tick(10);
    expect(() => m.tick(5)).toThrow(RangeError);
    expect(() => new FpsMeter(0)).toThrow(RangeError);
  });
});
