import { describe, expect, it } from 'vitest';
import { FrameBacklog, type BackloggedFrame } from './frame-backlog';

const frame = (seq: number, bytes = 100): BackloggedFrame => ({ seq, timestampUs: seq * 40_000, byteLength: bytes });

describe('FrameBacklog', () => {
  it('hands frames back first in, first out, and reports the lag behind the newest', () => {
    const q = new FrameBacklog(1000);
    for (let i = 0; i < 5; i++) expect(q.push(frame(i))).toBe(true);
    expect(q.stats()).toEqual({ frames: 5, bytes: 500, lagMs: 160, dropped: 0, received: 5 });
    expect(q.shift()!.seq).toBe(0);
    expect(q.shift()!.seq).toBe(1);
    expect(q.stats()).toMatchObject({ frames: 3, bytes: 300, lagMs: 80 });
  });

  it('when full drops the arriving frames, keeps the waiting ones, and counts the drops', () => {
    const q = new FrameBacklog(300);
    for (let i = 0; i < 5; i++) q.push(frame(i));
    expect(q.stats()).toEqual({ frames: 3, bytes: 300, lagMs: 160, dropped: 2, received: 5 });
    expect([q.shift()!.seq, q.shift()!.seq, q.shift()!.seq]).toEqual([0, 1, 2]);
    expect(q.shift()).toBeUndefined();
    expect(q.stats()).toMatchObject({ frames: 0, bytes: 0, lagMs: 0 });
    // room again: the next arrival is queued with its own number, so the gap (3, 4) stays visible
    expect(q.push(frame(5))).toBe(true);
    expect(q.shift()!.seq).toBe(5);
  });

  it('always takes one frame, even one larger than the bound', () => {
    const q = new FrameBacklog(50);
    expect(q.push(frame(0, 80))).toBe(true);
    expect(q.push(frame(1, 10))).toBe(false);
  });

  it('stays in order over many pushes and shifts (compaction)', () => {
    const q = new FrameBacklog(1e9);
    const out: number[] = [];
    for (let i = 0; i < 1000; i++) {
      q.push(frame(i));
      if (i % 3 !== 0) out.push(q.shift()!.seq);
    }
    while (q.size > 0) out.push(q.shift()!.seq);
    expect(out).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('counts frames that never made it into the queue', () => {
    const q = new FrameBacklog(1000);
    q.push(frame(0));
    q.countDropped(120_000);
    expect(q.stats()).toEqual({ frames: 1, bytes: 100, lagMs: 120, dropped: 1, received: 2 });
  });
});
