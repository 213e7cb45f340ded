import { describe, expect, it } from 'vitest';
import { CounterRate, FpsMeter } from './fps-meter';

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

describe('CounterRate', () => {
  it('measures 25 counts per second from sparse samples', () => {
    const r = new CounterRate(2000);
    r.sample(0, 0);
    r.sample(2400, 60); // one sample after a 2.4 s stall still gives the true rate
    expect(r.rate()).toBeCloseTo(25, 6);
  });

  it('spans the window and follows a change', () => {
    const r = new CounterRate(1000);
    for (let t = 0; t <= 3000; t += 100) r.sample(t, t / 100); // 10/s
    for (let t = 3100, c = 31; t <= 5000; t += 100, c += 3) r.sample(t, c); // 30/s
    expect(r.rate()).toBeCloseTo(30, 6);
  });

  it('reads 0 for a stalled counter and restarts on a counter reset', () => {
    const r = new CounterRate(1000);
    r.sample(0, 100);
    r.sample(500, 100);
    r.sample(1500, 100);
    expect(r.rate()).toBe(0);
    r.sample(1600, 3); // new stream: count went down
    expect(r.rate()).toBe(0);
    r.sample(2600, 33);
    expect(r.rate()).toBeCloseTo(30, 6);
  });
});
