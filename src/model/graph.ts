/**
 * MOL's forward pass as a tfjs graph (NHWC), following shared/golden/README.md section 3 exactly. Every heavy
 * layer goes through MolOps, so the same graph runs on the stock-ops reference path or on the WGSL kernels.
 * Frame-level work (stem, both F5C blocks, FlowNet's shared encoder) is separated from pair-level heads so
 * streaming can cache per frame (src/model/streaming.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { MOL_FIXED } from './config';
import type { MolOps } from './ops';
import type { ConvParams, MolWeights } from './weights/types';

export interface MolOutputs {
  /** [1, numClasses] */
  logits: tf.Tensor2D;
  /** [P, 128, 128, 2] NHWC, u then v, in crop pixels; pair p covers frames p -> p+1. */
  flow: tf.Tensor4D;
  /** [P, 136] = x0, y0, x1, y1, ... of frame p+1, crop pixels. */
  ldm: tf.Tensor2D;
}

/** Per-frame features; every tensor is batched over the frames on axis 0. */
// A type alias (not an interface) so tf.tidy accepts it as a TensorContainer.
export type FrameFeatures = {
  /** Raw normalised frames [N, 128, 128, 1]. */
  x: tf.Tensor4D;
  /** F5C_1 and F5C_2 outputs [N, 16, 16, 128]. */
  f1: tf.Tensor4D;
  f2: tf.Tensor4D;
  /** FlowNet encoder conv1/conv2/conv3 (weights shared by both frames of a pair). */
  enc1: tf.Tensor4D;
  enc2: tf.Tensor4D;
  enc3: tf.Tensor4D;
};

export class MolClipShapeError extends Error {
  override readonly name = 'MolClipShapeError';
}

const F = MOL_FIXED.featureSize;
const CROP = MOL_FIXED.crop;

export class MolGraphCore {
  constructor(readonly weights: MolWeights, readonly ops: MolOps) {}

  get config() { return this.weights.config; }

  private conv(x: tf.Tensor4D, p: ConvParams, stride: number, pad: number, activation: 'linear' | 'relu' | 'leakyRelu'): tf.Tensor4D {
    return this.ops.conv2d(x, p.w, {
      stride, pad, bias: p.bias, bnScale: p.bnScale, bnShift: p.bnShift, activation,
      alpha: activation === 'leakyRelu' ? MOL_FIXED.leakySlope : undefined,
    });
  }

  /** Conv_stack: four linear convs, 128 -> 63 -> 31 -> 16. */
  stem(x: tf.Tensor4D): tf.Tensor4D {
    const [c1, c2, c3, c4] = this.weights.stem;
    const a = this.conv(x, c1, 2, 0, 'linear');
    const b = this.conv(a, c2, 2, 0, 'linear');
    const c = this.conv(b, c3, 2, 1, 'linear');
    return this.conv(c, c4, 1, 0, 'linear');
  }

  /** FlowNet encoder unit: conv (no bias, pad (k-1)/2) -> folded BN -> LeakyReLU(0.1). */
  private enc(x: tf.Tensor4D, p: ConvParams, stride: number): tf.Tensor4D {
    const k = p.w.shape[0];
    return this.conv(x, p, stride, Math.floor((k - 1) / 2), 'leakyRelu');
  }

  encoder(x: tf.Tensor4D): { enc1: tf.Tensor4D; enc2: tf.Tensor4D; enc3: tf.Tensor4D } {
    const f = this.weights.flow;
    const enc1 = this.enc(x, f.conv1, 2);
    const enc2 = this.enc(enc1, f.conv2, 2);
    const enc3 = this.enc(enc2, f.conv3, 2);
    return { enc1, enc2, enc3 };
  }

  f5c1(stem: tf.Tensor4D): tf.Tensor4D {
    return this.ops.ccc(this.ops.fcc(stem, this.weights.fcc1), this.weights.ccc1, this.config.neighborNum);
  }

  f5c2(stem: tf.Tensor4D): tf.Tensor4D {
    return this.ops.ccc(this.ops.fcc(stem, this.weights.fcc2), this.weights.ccc2, this.config.neighborNum);
  }

  /** MER head over the 14 slots [F1(x0), F2(x1), F1(x1), F2(x2), ...]: f1 = F5C_1 of frames 0..6, f2 = F5C_2 of 1..7. */
  merInput(f1: tf.Tensor4D, f2: tf.Tensor4D): tf.Tensor4D {
    const p = f1.shape[0];
    return tf.reshape(tf.stack([f1, f2], 1), [2 * p, F, F, MOL_FIXED.featureChannels]) as tf.Tensor4D;
  }

  merHead(merInput: tf.Tensor4D): tf.Tensor2D {
    const m = this.weights.mer;
    const x5 = tf.expandDims(merInput, 0) as tf.Tensor5D; // [1, S, 16, 16, C]: depth = time slots
    const pooled = this.ops.conv3dPool(x5, m.conv3dW, m.conv3dB);
    const flat = tf.reshape(pooled, [1, -1]) as tf.Tensor2D;
    const h = this.ops.dense(flat, m.fc1.w, m.fc1.b, 'relu');
    return this.ops.dense(h, m.fc2.w, m.fc2.b, 'linear');
  }

  /** Landmark head on F5C_2 of each pair's second frame: [P,16,16,128] -> [P,136]. */
  ldmHead(f2: tf.Tensor4D): tf.Tensor2D {
    const l = this.weights.ldm;
    const c = this.conv(f2, l.conv, 1, 0, 'relu');
    const flat = tf.reshape(c, [c.shape[0], -1]) as tf.Tensor2D;
    const h = this.ops.dense(flat, l.fc1.w, l.fc1.b, 'relu');
    return this.ops.dense(h, l.fc2.w, l.fc2.b, 'linear');
  }

  /**
   * FlowNetC-style head for P pairs. a* are the pairs' first frames, b* their second frames.
   * `capture` receives conv3a/b and the correlation when given.
   */
  flowHead(
    xa: tf.Tensor4D, enc1a: tf.Tensor4D, enc2a: tf.Tensor4D, enc3a: tf.Tensor4D, enc3b: tf.Tensor4D,
    f1a: tf.Tensor4D, f2b: tf.Tensor4D, capture?: (name: string, t: tf.Tensor) => void,
  ): tf.Tensor4D {
    const f = this.weights.flow;
    const o = this.ops;
    const lin = { activation: 'linear' as const };
    const leaky = { activation: 'leakyRelu' as const, alpha: MOL_FIXED.leakySlope };
    const redir = this.enc(enc3a, f.redir, 1);
    const corr = o.correlation(enc3a, enc3b);
    capture?.('corr', corr);
    const out3 = this.enc(o.concatChannels([redir, corr, f1a, f2b]), f.conv3_1, 1);
    const out4 = this.enc(this.enc(out3, f.conv4, 2), f.conv4_1, 1);
    const out5 = this.enc(this.enc(out4, f.conv5, 2), f.conv5_1, 1);
    const out6 = this.enc(this.enc(out5, f.conv6, 2), f.conv6_1, 1);
    const predict = (x: tf.Tensor4D, w: tf.Tensor4D) => o.conv2d(x, w, { stride: 1, pad: 1, activation: 'linear' });
    const flow6 = predict(out6, f.predict[6]);
    const concat5 = o.concatChannels([out5, o.deconv(out6, f.deconv[5], leaky), o.deconv(flow6, f.up[6], lin)]);
    const flow5 = predict(concat5, f.predict[5]);
    const concat4 = o.concatChannels([out4, o.deconv(concat5, f.deconv[4], leaky), o.deconv(flow5, f.up[5], lin)]);
    const flow4 = predict(concat4, f.predict[4]);
    const concat3 = o.concatChannels([out3, o.deconv(concat4, f.deconv[3], leaky), o.deconv(flow4, f.up[4], lin)]);
    const flow3 = predict(concat3, f.predict[3]);
    const concat2 = o.concatChannels([enc2a, o.deconv(concat3, f.deconv[2], leaky), o.deconv(flow3, f.up[3], lin)]);
    const flow2 = predict(concat2, f.predict[2]);
    const concat1 = o.concatChannels([enc1a, o.deconv(concat2, f.deconv[1], leaky), o.deconv(flow2, f.up[2], lin)]);
    const flow1 = predict(concat1, f.predict[1]);
    // The raw first frame (not a feature) enters the last concatenation.
    const concat0 = o.concatChannels([xa, o.deconv(concat1, f.deconv[0], leaky), o.deconv(flow1, f.up[1], lin)]);
    return predict(concat0, f.predict[0]);
  }
}

export function checkClip(clip: tf.Tensor, frames: number): void {
  const s = clip.shape;
  if (s.length !== 4 || s[0] !== frames || s[1] !== CROP || s[2] !== CROP || s[3] !== 1) {
    throw new MolClipShapeError(`MOL expects a clip of shape [${frames},${CROP},${CROP},1] (normalised gray), got [${s}]`);
  }
  if (clip.dtype !== 'float32') throw new MolClipShapeError(`MOL expects a float32 clip, got ${clip.dtype}`);
}

export function checkFrame(frame: tf.Tensor): void {
  const s = frame.shape;
  if (s.length !== 3 || s[0] !== CROP || s[1] !== CROP || s[2] !== 1) {
    throw new MolClipShapeError(`MOL expects a frame of shape [${CROP},${CROP},1] (normalised gray), got [${s}]`);
  }
  if (frame.dtype !== 'float32') throw new MolClipShapeError(`MOL expects a float32 frame, got ${frame.dtype}`);
}
