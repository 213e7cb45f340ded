import { describe, expect, it } from 'vitest';
import { gaussian } from './__fixtures__/synthetic-face';
import { BaselineInputError, RollingBaseline } from './baseline';

const opts = { calibrationMs: 1000, windowMs: 5000, maxFreezeMs: 2000, refreshMs: 0, minSigma: [0.01] };

describe('RollingBaseline', () => {
  it('calibrates for calibrationMs with progress, then scores against median and 1.4826 MAD', () => {
    const b = new RollingBaseline(1, opts);
    expect(b.calibrating).toBe(true);
    expect(b.progress).toBe(0);
    expect(Number.isNaN(b.zScores([1])[0])).toBe(true);
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    values.forEach((v, i) => b.offer([v], i * 100));
    expect(b.calibrating).toBe(false);
    expect(b.progress).toBe(1);
    // median 6, MAD 3 -> sigma 4.4478
    expect(b.stats()![0].median).toBe(6);
    expect(b.stats()![0].sigma).toBeCloseTo(4.4478, 4);
    expect(b.zScores([6 + 4.4478])[0]).toBeCloseTo(1, 4);
  });

  it('reports half progress half way through calibration', () => {
    const b = new RollingBaseline(1, opts);
    b.offer([0], 0);
    b.offer([0], 500);
    expect(b.progress).toBeCloseTo(0.5, 9);
    expect(b.calibrating).toBe(true);
  });

  it('estimates the noise sigma of Gaussian input', () => {
    const g = gaussian(7);
    const b = new RollingBaseline(1, { ...opts, windowMs: 1e9 });
    for (let i = 0; i < 4000; i++) b.offer([3 + 0.5 * g()], i);
    expect(b.stats()![0].median).toBeCloseTo(3, 1);
    expect(b.stats()![0].sigma).toBeGreaterThan(0.46);
    expect(b.stats()![0].sigma).toBeLessThan(0.54);
  });

  it('drops held event frames, keeps held noise frames, and releases a hold older than maxFreezeMs', () => {
    const b = new RollingBaseline(1, opts);
    for (let i = 0; i <= 10; i++) b.offer([i % 2], i * 100);
    const before = b.stats()![0].median;
    b.hold();
    for (let i = 11; i < 15; i++) b.offer([100], i * 100);
    b.release(false);
    expect(b.stats()![0].median).toBe(before);
    b.hold();
    for (let i = 15; i < 40; i++) b.offer([100], i * 100);
    b.release(true);
    expect(b.stats()![0].median).toBe(100);

    const c = new RollingBaseline(1, opts);
    for (let i = 0; i <= 10; i++) c.offer([0], i * 100);
    c.hold();
    for (let i = 11; i < 40; i++) c.offer([5], i * 100);
    expect(c.holding).toBe(false);
    expect(c.stats()![0].median).toBe(5);
  });

  it('forgets samples older than the window, and ignores holds while calibrating', () => {
    const b = new RollingBaseline(1, { ...opts, windowMs: 1000 });
    b.hold();
    expect(b.holding).toBe(false);
    for (let i = 0; i < 30; i++) b.offer([i < 15 ? 0 : 9], i * 100);
    expect(b.stats()![0].median).toBe(9);
  });

  it('names bad input', () => {
    const b = new RollingBaseline(2, { ...opts, minSigma: [0.1, 0.1] });
    expect(() => b.offer([1], 0)).toThrow(BaselineInputError);
    expect(() => b.offer([1, Number.NaN], 0)).toThrow(/non-finite/);
    b.offer([1, 1], 10);
    expect(() => b.offer([1, 1], 10)).toThrow(/increase/);
    expect(() => new RollingBaseline(2, opts)).toThrow(/minSigma/);
  });
});
