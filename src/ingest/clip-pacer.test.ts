import { describe, expect, it } from 'vitest';
import { ClipPacer } from './clip-pacer';

describe('ClipPacer', () => {
  it('maps clip time to wall time, skips frames whose successor is due, and continues across loops', () => {
    const p = new ClipPacer(1000, 40);
    expect(p.dueMs(500)).toBe(1000); // the first frame's timestamp is the clip's zero
    expect(p.dueMs(540)).toBe(1040);
    expect(p.late(1040, 1060)).toBe(false); // the next frame (1080) is not due yet
    expect(p.late(1040, 1080)).toBe(true);
    p.nextLoop(1040);
    expect(p.dueMs(500)).toBe(1080);
    expect(p.dueMs(580)).toBe(1160);
    expect(() => new ClipPacer(0, 0)).toThrow(RangeError);
  });
});
