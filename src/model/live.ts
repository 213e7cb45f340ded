/**
 * The model stage for the live pipeline: aligned 128x128 gray crops in, per-frame MOL outputs out as plain
 * arrays (class probabilities, the newest pair's flow, the newest frame's 68 landmarks in crop pixels).
 * A missing crop (face lost, window broken) resets the stream, since MOL needs 8 consecutive aligned frames.
 */
import * as tf from '@tensorflow/tfjs';
import type { MolGraph } from './mol';
import type { MolStream } from './streaming';
import { normaliseFrame, type Normalisation } from './normalise';
import { MOL_FIXED } from './config';

export interface MolLiveOutput {
  /** Softmax of the logits, in `classes` order. */
  probabilities: Float32Array;
  classes: readonly string[];
  /** [128, 128, 2] row-major, (u, v) per pixel, crop pixels, flow from the previous frame to this one. */
  flow: Float32Array;
  /** 68 (x, y) points in crop pixels for this frame. */
  landmarks68: [number, number][];
}

export class MolLiveInputError extends Error {
  override readonly name = 'MolLiveInputError';
}

export class MolLive {
  private readonly stream: MolStream;

  constructor(graph: MolGraph, readonly classes: readonly string[], private readonly normalisation: Normalisation) {
    if (classes.length !== graph.config.numClasses) {
      throw new MolLiveInputError(`${classes.length} class names for a model with ${graph.config.numClasses} classes`);
    }
    this.stream = graph.createStream();
  }

  /** Frames cached towards the next output (0..8). */
  get fill(): number { return this.stream.size; }

  /** Pushes one aligned crop (null resets); resolves to outputs once 8 consecutive crops have been seen. */
  async push(crop: Uint8Array | null): Promise<MolLiveOutput | null> {
    if (crop === null) { this.stream.reset(); return null; }
    const C = MOL_FIXED.crop;
    if (crop.length !== C * C) throw new MolLiveInputError(`expected a ${C}x${C} gray crop (${C * C} bytes), got ${crop.length}`);
    const frame = tf.tensor3d(normaliseFrame(crop, this.normalisation), [C, C, 1]);
    const out = this.stream.push(frame);
    frame.dispose();
    if (!out) return null;
    try {
      const probs = tf.softmax(out.logits);
      const [p, flow, ldm] = await Promise.all([probs.data(), out.flow.data(), out.ldm.data()]);
      probs.dispose();
      const landmarks68: [number, number][] = [];
      for (let i = 0; i < MOL_FIXED.landmarks; i++) landmarks68.push([ldm[2 * i], ldm[2 * i + 1]]);
      return { probabilities: p as Float32Array, classes: this.classes, flow: flow as Float32Array, landmarks68 };
    } finally {
      tf.dispose([out.logits, out.flow, out.ldm]);
    }
  }

  dispose(): void { this.stream.dispose(); }
}
