import { describe, expect, it } from 'vitest';
import { assessCapture, CaptureQualityError, frameIntervals } from './capture-quality';

const regular = (fps: number, n: number) => Array.from({ length: n }, (_, i) => (i * 1000) / fps);

describe('assessCapture', () => {
  it('a steady 30 fps camera is fine', () => {
    const q = assessCapture({ fps: 30, intervalsMs: frameIntervals(regular(30, 30)) });
    expect(q.level).toBe('ok');
    expect(q.jitterMs).toBeCloseTo(0, 9);
    expect(q.reasons).toEqual([]);
  });

  it('warns under 25 fps and says what is lost', () => {
    const q = assessCapture({ fps: 10 });
    expect(q.level).toBe('warn');
    expect(q.reasons).toHaveLength(1);
    expect(q.reasons[0]).toMatch(/10\.0 fps is under 25 fps.*500 ms/);
    expect(assessCapture({ fps: 24.9 }).level).toBe('warn');
    expect(assessCapture({ fps: 25 }).level).toBe('ok');
  });

  it('takes the rate from the frame intervals when no fps is measured', () => {
    const q = assessCapture({ intervalsMs: frameIntervals(regular(15, 20)) });
    expect(q.fps).toBeCloseTo(15, 9);
    expect(q.level).toBe('warn');
  });

  it('warns on jitter over a quarter frame, not under', () => {
    // 30 fps with alternating +-6 ms (sd ~6.2 ms < 8.3 ms) vs +-12 ms (sd ~12.4 ms > 8.3 ms).
    const wobble = (a: number) => Array.from({ length: 20 }, (_, i) => 1000 / 30 + (i % 2 ? a : -a));
    expect(assessCapture({ fps: 30, intervalsMs: wobble(6) }).level).toBe('ok');
    const q = assessCapture({ fps: 30, intervalsMs: wobble(12) });
    expect(q.level).toBe('warn');
    expect(q.jitterMs).toBeGreaterThan(12);
    expect(q.reasons[0]).toMatch(/irregular/);
  });

  it('is unknown without a rate, and needs 4 intervals for a jitter', () => {
    expect(assessCapture({}).level).toBe('unknown');
    expect(assessCapture({ fps: 0 }).level).toBe('unknown');
    expect(assessCapture({ fps: 30, intervalsMs: [33, 34, 33] }).jitterMs).toBeNull();
  });

  it('rejects timestamps that do not increase and non-positive intervals', () => {
    expect(() => frameIntervals([0, 33, 33])).toThrow(CaptureQualityError);
    expect(() => assessCapture({ intervalsMs: [33, -1] })).toThrow(CaptureQualityError);
  });
  it('takes a live clock estimate (frame time and interval jitter) as it is', () => {
    expect(assessCapture({ fps: 30, timing: { frameMs: 33.3, jitterMs: 2 } })).toMatchObject({ fps: 30, jitterMs: 2, level: 'ok' });
    const q = assessCapture({ fps: 30, timing: { frameMs: 33.3, jitterMs: 12 } });
    expect(q.level).toBe('warn');
    expect(q.reasons.join(' ')).toContain('irregular');
    expect(assessCapture({ timing: { frameMs: 100, jitterMs: 1 } })).toMatchObject({ fps: 10, level: 'warn' });
  });
});
