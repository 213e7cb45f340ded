/**
 * MolWeights: the typed MOL parameter set in tfjs layouts, produced once from a PyTorch-layout state dict
 * (src/model/weights/from-state-dict.ts). BatchNorms are folded into scale/shift; FCC kernels and PEs are
 * cropped to the 16 used taps; dense weights are [in, out] with rows permuted to NHWC flatten order.
 */
import type * as tf from '@tensorflow/tfjs';
import type { MolConfig } from '../config';
import type { CccParams, FccParams } from '../ops';

export interface ConvParams {
  /** [kh, kw, in, out] */
  w: tf.Tensor4D;
  bias?: tf.Tensor1D;
  bnScale?: tf.Tensor1D;
  bnShift?: tf.Tensor1D;
}

export interface DenseParams {
  /** [in, out] */
  w: tf.Tensor2D;
  b: tf.Tensor1D;
}

export interface FlowNetParams {
  conv1: ConvParams; conv2: ConvParams; conv3: ConvParams; redir: ConvParams;
  conv3_1: ConvParams; conv4: ConvParams; conv4_1: ConvParams; conv5: ConvParams; conv5_1: ConvParams;
  conv6: ConvParams; conv6_1: ConvParams;
  /** Transposed-conv weights, tfjs conv2dTranspose layout [4, 4, out, in]; index = level (deconv5..deconv0). */
  deconv: Record<5 | 4 | 3 | 2 | 1 | 0, tf.Tensor4D>;
  /** predict_flow level -> [3, 3, in, 2]. */
  predict: Record<6 | 5 | 4 | 3 | 2 | 1 | 0, tf.Tensor4D>;
  /** upsampled_flow{l}_to_{l-1} keyed by source level l -> [4, 4, 2, 2]. */
  up: Record<6 | 5 | 4 | 3 | 2 | 1, tf.Tensor4D>;
}

export interface MolWeights {
  readonly config: MolConfig;
  stem: [ConvParams, ConvParams, ConvParams, ConvParams];
  fcc1: FccParams; fcc2: FccParams;
  ccc1: CccParams; ccc2: CccParams;
  flow: FlowNetParams;
  mer: {
    /** conv3d over (S, H, W): [5, 2, 2, 128, 32] */
    conv3dW: tf.Tensor5D;
    conv3dB: tf.Tensor1D;
    /** fc1 rows in the NDHWC flatten order (S, H, W, C) of the pooled [1,5,4,4,32]. */
    fc1: DenseParams;
    fc2: DenseParams;
  };
  ldm: {
    conv: ConvParams;
    /** fc1 rows in NHWC flatten order (H, W, C) of [14,14,32]. */
    fc1: DenseParams;
    fc2: DenseParams;
  };
}

/** Every tensor in a MolWeights (to dispose or count). */
export function weightTensors(w: MolWeights): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    if ('dataId' in v && 'shape' in v) { out.push(v as tf.Tensor); return; }
    for (const x of Object.values(v)) visit(x);
  };
  const { config: _config, ...rest } = w;
  visit(rest);
  return out;
}

export function disposeMolWeights(w: MolWeights): void {
  for (const t of weightTensors(w)) t.dispose();
}
