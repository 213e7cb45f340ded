import { describe, expect, it } from 'vitest';
import { FrameWindow, WINDOW_LENGTH, type WindowFrame } from './frame-window';

const frame = (i: number): WindowFrame => ({ index: i, timestampMs: i * 33, crop: new Uint8Array([i]), alignment: [1, 0, i, 0, 1, 0], landmarks: [[i, i]] });

describe('FrameWindow', () => {
  it('holds the last 8 frames, oldest first', () => {
    const w = new FrameWindow();
    expect(w.capacity).toBe(WINDOW_LENGTH);
    for (let i = 0; i < 5; i++) w.push(frame(i));
    expect(w.size).toBe(5);
    expect(w.full).toBe(false);
    for (let i = 5; i < 13; i++) w.push(frame(i));
    expect(w.size).toBe(8);
    expect(w.full).toBe(true);
    expect(w.frames().map((f) => f.index)).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    expect(w.at(0).timestampMs).toBe(5 * 33);
    expect(w.at(7).crop[0]).toBe(12);
  });

  it('clear() empties it (face lost) and refills from scratch', () => {
    const w = new FrameWindow();
    for (let i = 0; i < 10; i++) w.push(frame(i));
    w.clear();
    expect(w.size).toBe(0);
    expect(w.frames()).toEqual([]);
    w.push(frame(99));
    expect(w.frames().map((f) => f.index)).toEqual([99]);
  });

  it('rejects out-of-range reads and bad capacities', () => {
    const w = new FrameWindow(3);
    w.push(frame(1));
    expect(() => w.at(1)).toThrow(RangeError);
    expect(() => w.at(-1)).toThrow(RangeError);
    expect(() => new FrameWindow(0)).toThrow(RangeError);
  });
});
