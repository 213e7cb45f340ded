import { describe, expect, it } from 'vitest';
import { FrameClock } from './frame-clock';

/** Deterministic uniform deviates in [-1, 1). */
function wobble(i: number): number {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

describe('FrameClock', () => {
  it('reads a regular 30 fps clock from scattered frames (most frames unseen) with no jitter', () => {
    const c = new FrameClock();
    for (const n of [3, 4, 9, 17, 18, 30, 41, 55, 56, 70]) c.push({ presentedFrames: n, captureTimeMs: 500 + n * 33.3, mediaTimeS: 0 });
    const e = c.estimate()!;
    expect(e.frameMs).toBeCloseTo(33.3, 6);
    expect(e.jitterMs).toBeLessThan(1e-6);
  });

  it('measures the spread of frame times as interval jitter (sqrt 2 x the per-frame spread)', () => {
    const c = new FrameClock(400);
    for (let n = 0; n < 400; n += 3) c.push({ presentedFrames: n, captureTimeMs: n * 40 + 8 * wobble(n), mediaTimeS: 0 });
    const e = c.estimate()!;
    expect(e.frameMs).toBeCloseTo(40, 0);
    // uniform in [-8, 8): sd 8 / sqrt 3 = 4.6 per frame, 6.5 per interval
    expect(e.jitterMs).toBeGreaterThan(5.5);
    expect(e.jitterMs).toBeLessThan(7.5);
  });

  it('falls back to the media time, restarts when a loop rewinds it, and needs 6 frames', () => {
    const c = new FrameClock();
    for (let n = 0; n < 5; n++) c.push({ presentedFrames: 100 + n, mediaTimeS: 9.8 + n * 0.04 });
    expect(c.estimate()).toBeNull();
    for (let n = 0; n < 6; n++) c.push({ presentedFrames: 105 + n, mediaTimeS: n * 0.04 });
    const e = c.estimate()!;
    expect(e.frames).toBe(6);
    expect(e.frameMs).toBeCloseTo(40, 6);
  });
});
