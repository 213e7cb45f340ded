/**
 * The last N aligned crops by frame index. The spot stage reads an event's onset..offset crops from it when the
 * event closes (a few hundred ms after its offset), and replay/export read the frames around events from it.
 * Crops are kept by reference: the pipeline makes a fresh crop array per frame and never writes to it again.
 */
import type { Affine2x3 } from '../pipeline/types';

export interface RingCrop {
  index: number;
  timestampMs: number;
  /** 128x128 grayscale, row-major uint8 (FrameResult.crop). */
  crop: Uint8Array;
  /** The alignment it was cut with (FrameResult.alignment): an event's clip is moved into its onset's. */
  alignment: Affine2x3;
}

export class CropRingError extends Error {
  override readonly name = 'CropRingError';
}

/**
 * 300 frames: 10 s at 30 fps (4.9 MB of crops). A micro interval closes within ~0.6 s of its offset, and
 * macro expressions rarely last over 4 s, so an event's frames are always still here when it closes.
 */
export const DEFAULT_CROP_RING_FRAMES = 300;

export class CropRing {
  private readonly slots: (RingCrop | undefined)[];
  private newest = -1;

  constructor(readonly capacity = DEFAULT_CROP_RING_FRAMES) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new CropRingError(`capacity must be a positive integer, got ${capacity}`);
    this.slots = new Array<RingCrop | undefined>(capacity);
  }

  /** Frames arrive in increasing index order; a lower index means a new source, so the ring starts over. */
  push(index: number, timestampMs: number, crop: Uint8Array, alignment: Affine2x3): void {
    if (!Number.isInteger(index) || index < 0) throw new CropRingError(`frame index must be a non-negative integer, got ${index}`);
    if (index <= this.newest) this.clear();
    this.slots[index % this.capacity] = { index, timestampMs, crop, alignment };
    this.newest = index;
  }

  /** The crop of frame `index`, or undefined when it had no face or has left the ring. */
  get(index: number): RingCrop | undefined {
    const slot = this.slots[((index % this.capacity) + this.capacity) % this.capacity];
    return slot?.index === index ? slot : undefined;
  }

  /** The kept crops of frames fromFrame..toFrame inclusive, in frame order (frames without a crop are skipped). */
  getCrops(fromFrame: number, toFrame: number): RingCrop[] {
    if (!Number.isInteger(fromFrame) || !Number.isInteger(toFrame)) throw new CropRingError(`frame range must be integers, got ${fromFrame}..${toFrame}`);
    if (toFrame < fromFrame) throw new CropRingError(`frame range ${fromFrame}..${toFrame} is reversed`);
    const out: RingCrop[] = [];
    for (let i = Math.max(fromFrame, this.newest - this.capacity + 1); i <= Math.min(toFrame, this.newest); i++) {
      const c = this.get(i);
      if (c) out.push(c);
    }
    return out;
  }

  /** Index of the newest frame pushed, or -1. */
  get newestIndex(): number {
    return this.newest;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.newest = -1;
  }
}

/** The app-wide ring the pipeline's spot stage fills (like the app-wide frame bus): replay and export read it. */
export const sessionCropRing = new CropRing();
