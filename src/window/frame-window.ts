/**
 * The model's input window: the last 8 aligned frames with their crop-space landmarks and timestamps, kept
 * in a fixed ring (no per-frame allocation beyond the crops themselves). Cleared when the face is lost, so a
 * window never mixes two tracks.
 */
import type { Affine2x3, Point } from '../pipeline/types';

export const WINDOW_LENGTH = 8;

export interface WindowFrame {
  index: number;
  timestampMs: number;
  /** 128x128 grayscale aligned crop */
  crop: Uint8Array;
  /** The alignment (video px -> crop px) the crop was cut with */
  alignment: Affine2x3;
  /** 68 points in crop pixels */
  landmarks: Point[];
}

/** What other stages may read: the frames oldest -> newest, and whether the window is full. */
export interface FrameWindowView {
  readonly capacity: number;
  readonly size: number;
  readonly full: boolean;
  /** i = 0 is the oldest frame held */
  at(i: number): WindowFrame;
  frames(): WindowFrame[];
}

export class FrameWindow implements FrameWindowView {
  private readonly slots: (WindowFrame | undefined)[];
  private head = 0; // next write position
  private count = 0;

  constructor(readonly capacity: number = WINDOW_LENGTH) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`window capacity must be a positive integer, got ${capacity}`);
    this.slots = new Array(capacity);
  }

  get size(): number { return this.count; }
  get full(): boolean { return this.count === this.capacity; }

  push(f: WindowFrame): void {
    this.slots[this.head] = f;
    this.head = (this.head + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  at(i: number): WindowFrame {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) throw new RangeError(`window index ${i} out of range 0..${this.count - 1}`);
    const start = (this.head - this.count + this.capacity) % this.capacity;
    return this.slots[(start + i) % this.capacity] as WindowFrame;
  }

  frames(): WindowFrame[] {
    return Array.from({ length: this.count }, (_, i) => this.at(i));
  }

  clear(): void {
    this.slots.fill(undefined);
    this.head = 0;
    this.count = 0;
  }
}
