/**
 * Streaming inference for the live window: each pushed frame runs the stem, both F5C blocks and FlowNet's
 * encoder once, and the results are cached in a ring of `clipLength` frames; the MER head's 14-slot input advances by
 * one pair per push. Once the ring is full, every push runs the MER head over the last 7 pairs, and the flow and
 * landmark heads for the newest pair only.
 * Frame features depend on one frame only, so the outputs equal forwardClip on the last 8 frames.
 */
import * as tf from '@tensorflow/tfjs';
import { checkFrame, type FrameFeatures, type MolGraphCore } from './graph';

export type MolStepOutputs = {
  /** [1, numClasses] over the last clipLength frames. */
  logits: tf.Tensor2D;
  /** [1, 128, 128, 2] for the newest pair (previous frame -> newest frame). */
  flow: tf.Tensor4D;
  /** [1, 136] landmarks of the newest frame. */
  ldm: tf.Tensor2D;
};

export interface MolStream {
  /** Takes ownership of nothing: the caller keeps and disposes `frame`. Returns null until the ring is full;
   *  the returned tensors belong to the caller. */
  push(frame: tf.Tensor3D): MolStepOutputs | null;
  /** Frames cached so far (at most clipLength). */
  readonly size: number;
  reset(): void;
  dispose(): void;
}

export class MolStreamDisposedError extends Error {
  override readonly name = 'MolStreamDisposedError';
}

export class MolStreamImpl implements MolStream {
  private ring: FrameFeatures[] = [];
  /** The MER input [14,16,16,128] of the last 7 pairs, advanced by one pair per push (one copy, not a rebuild). */
  private merSlots: tf.Tensor4D | null = null;
  private disposed = false;

  constructor(private readonly core: MolGraphCore) {}

  get size(): number { return this.ring.length; }

  push(frame: tf.Tensor3D): MolStepOutputs | null {
    if (this.disposed) throw new MolStreamDisposedError('push() on a disposed MolStream');
    checkFrame(frame);
    const feat = tf.tidy(() => this.encode(frame));
    const prev = this.ring[this.ring.length - 1];
    if (prev) this.advanceMerSlots(prev, feat);
    this.ring.push(feat);
    const t = this.core.config.clipLength;
    if (this.ring.length > t) disposeFeatures(this.ring.shift()!);
    if (this.ring.length < t) return null;
    return tf.tidy(() => this.heads());
  }

  private encode(frame: tf.Tensor3D): FrameFeatures {
    const x = tf.expandDims(frame, 0) as tf.Tensor4D;
    const stem = this.core.stem(x);
    return { x, f1: this.core.f5c1(stem), f2: this.core.f5c2(stem), ...this.core.encoder(x) };
  }

  /** Slots [F1(x0), F2(x1), ..., F1(x6), F2(x7)]: the new pair (F1 of the previous frame, F2 of the new one) enters
   *  at the end. Zeros stand in for pairs not seen yet; they have left the ring by the time it is full. */
  private advanceMerSlots(prev: FrameFeatures, feat: FrameFeatures): void {
    const old = this.merSlots;
    const slots = 2 * (this.core.config.clipLength - 1);
    this.merSlots = tf.tidy(() => this.core.ops.shiftSlots(old ?? tf.zeros([slots, prev.f1.shape[1], prev.f1.shape[2], prev.f1.shape[3]]) as tf.Tensor4D, [prev.f1, feat.f2]));
    old?.dispose();
  }

  private heads(): MolStepOutputs {
    const r = this.ring;
    const n = r.length;
    const logits = this.core.merHead(this.merSlots!);
    const a = r[n - 2], b = r[n - 1];
    const flow = this.core.flowHead(a.x, a.enc1, a.enc2, a.enc3, b.enc3, a.f1, b.f2);
    const ldm = this.core.ldmHead(b.f2);
    return { logits, flow, ldm };
  }

  reset(): void {
    for (const f of this.ring) disposeFeatures(f);
    this.ring = [];
    this.merSlots?.dispose();
    this.merSlots = null;
  }

  dispose(): void {
    this.reset();
    this.disposed = true;
  }
}

function disposeFeatures(f: FrameFeatures): void {
  tf.dispose([f.x, f.f1, f.f2, f.enc1, f.enc2, f.enc3]);
}
