/**
 * PyTorch-layout state dict -> MolWeights in tfjs layouts, done once at load. Validates that every entry the
 * forward pass reads is present with the shape the config implies.
 */
import * as tf from '@tensorflow/tfjs';
import { MOL_FIXED, type MolConfig } from '../config';
import type { StateDict } from '../recipe';
import { stateDictEntries } from '../state-dict';
import type { CccParams, FccBranch, FccParams } from '../ops';
import { MissingWeightError, UnexpectedWeightError, WeightShapeError } from './errors';
import { permute } from './permute';
import type { ConvParams, DenseParams, MolWeights } from './types';

/** Checks names and shapes against the config; dead entries (FFN, BN counters) are allowed but ignored. */
export function validateStateDict(config: MolConfig, sd: StateDict): void {
  const all = stateDictEntries(config);
  const known = new Map(all.map((e) => [e.name, e]));
  for (const e of all) {
    if (!e.used) continue;
    const got = sd.get(e.name);
    if (!got) throw new MissingWeightError(`weight ${e.name} [${e.shape}] is missing (config "${config.name}", ${config.numClasses} classes)`);
    if (got.shape.length !== e.shape.length || got.shape.some((d, i) => d !== e.shape[i])) {
      throw new WeightShapeError(`weight ${e.name} has shape [${got.shape}], config "${config.name}" needs [${e.shape}]`);
    }
    if (got.data.length !== got.shape.reduce((a, b) => a * b, 1)) {
      throw new WeightShapeError(`weight ${e.name} holds ${got.data.length} values for shape [${got.shape}]`);
    }
  }
  for (const name of sd.keys()) {
    if (!known.has(name)) throw new UnexpectedWeightError(`weight ${name} is not part of MOL (config "${config.name}")`);
  }
}

export function molWeightsFromStateDict(config: MolConfig, sd: StateDict): MolWeights {
  validateStateDict(config, sd);
  const get = (name: string): { shape: readonly number[]; data: Float32Array } => sd.get(name)!;
  const vec = (name: string): tf.Tensor1D => tf.tensor1d(get(name).data, 'float32');
  const t4 = (data: Float32Array, shape: number[]): tf.Tensor4D => tf.tensor4d(data, shape as [number, number, number, number], 'float32');
  /** OIHW (conv) and [in,out,kh,kw] (conv-transpose) both map to tfjs with the same axis order (2,3,1,0). */
  const khkw = (name: string): tf.Tensor4D => {
    const p = permute(get(name).data, get(name).shape, [2, 3, 1, 0]);
    return t4(p.data, p.shape);
  };
  const bnFold = (prefix: string): { bnScale: tf.Tensor1D; bnShift: tf.Tensor1D } => {
    const g = get(`${prefix}.weight`).data, b = get(`${prefix}.bias`).data;
    const m = get(`${prefix}.running_mean`).data, v = get(`${prefix}.running_var`).data;
    const scale = new Float32Array(g.length), shift = new Float32Array(g.length);
    for (let i = 0; i < g.length; i++) {
      const s = g[i] / Math.sqrt(v[i] + MOL_FIXED.bnEps); // float64, rounded once
      scale[i] = s;
      shift[i] = b[i] - m[i] * s;
    }
    return { bnScale: tf.tensor1d(scale), bnShift: tf.tensor1d(shift) };
  };
  const dense = (prefix: string, rowPerm?: { shape: number[]; perm: number[] }): DenseParams => {
    const { data, shape } = get(`${prefix}.weight`);
    const [out, inn] = shape;
    let w: Float32Array;
    if (rowPerm) {
      // [out, ...torch flatten axes] -> [...our flatten axes, out]
      w = permute(data, [out, ...rowPerm.shape], rowPerm.perm).data;
    } else {
      w = permute(data, shape, [1, 0]).data;
    }
    return { w: tf.tensor2d(w, [inn, out]), b: vec(`${prefix}.bias`) };
  };

  const stem = [0, 1, 2, 3].map((n): ConvParams => ({
    w: khkw(`conv_stack.conv_stack.${n}.weight`), bias: vec(`conv_stack.conv_stack.${n}.bias`),
  })) as MolWeights['stem'];

  const taps = MOL_FIXED.featureSize;
  /** [64, 1, 32, 1] / [64, 1, 1, 32] / [1, 64, 32, 1] / [1, 64, 1, 32] all store channel c's 32 taps at c*32 + t. */
  const cropTaps = (name: string): tf.Tensor2D => {
    const src = get(name).data;
    const ch = MOL_FIXED.featureChannels / 2;
    const out = new Float32Array(taps * ch);
    for (let t = 0; t < taps; t++) for (let c = 0; c < ch; c++) out[t * ch + c] = src[c * 32 + t];
    return tf.tensor2d(out, [taps, ch]);
  };
  const fcc = (f: string): FccParams => {
    const n1 = bnFold(`${f}.pre_Norm_1`), n2 = bnFold(`${f}.pre_Norm_2`);
    const a: FccBranch = {
      pe1: cropTaps(`${f}.meta_pe_1_H`), bnScale: n1.bnScale, bnShift: n1.bnShift,
      k1: cropTaps(`${f}.meta_kernel_1_H`), b1: vec(`${f}.meta_1_H_bias`),
      pe2: cropTaps(`${f}.meta_pe_2_W`), k2: cropTaps(`${f}.meta_kernel_2_W`), b2: vec(`${f}.meta_2_W_bias`),
    };
    const b: FccBranch = {
      pe1: cropTaps(`${f}.meta_pe_1_W`), bnScale: n2.bnScale, bnShift: n2.bnShift,
      k1: cropTaps(`${f}.meta_kernel_1_W`), b1: vec(`${f}.meta_1_W_bias`),
      pe2: cropTaps(`${f}.meta_pe_2_H`), k2: cropTaps(`${f}.meta_kernel_2_H`), b2: vec(`${f}.meta_2_H_bias`),
    };
    return { a, b };
  };
  const N = MOL_FIXED.nodes;
  const ccc = (c: string): CccParams => ({
    theta: tf.tensor2d(get(`${c}.conv1.weight`).data, [N, N]), thetaBias: vec(`${c}.conv1.bias`),
    phi: tf.tensor2d(get(`${c}.conv2.weight`).data, [N, N]), phiBias: vec(`${c}.conv2.bias`),
  });
  const enc = (name: string): ConvParams => ({ w: khkw(`flownet.${name}.0.weight`), ...bnFold(`flownet.${name}.1`) });

  const c3d = get('mer_3dcnn.conv3d.weight');
  const c3dP = permute(c3d.data, c3d.shape, [4, 2, 3, 1, 0]); // [out,in,kh,kw,kt] -> [kt,kh,kw,in,out]
  const M = MOL_FIXED.merConvOut, L = MOL_FIXED.ldmConvOut;
  return {
    config,
    stem,
    fcc1: fcc('FCC_1'), fcc2: fcc('FCC_2'),
    ccc1: ccc('CCC_1'), ccc2: ccc('CCC_2'),
    flow: {
      conv1: enc('conv1'), conv2: enc('conv2'), conv3: enc('conv3'), redir: enc('conv_redir'),
      conv3_1: enc('conv3_1'), conv4: enc('conv4'), conv4_1: enc('conv4_1'), conv5: enc('conv5'), conv5_1: enc('conv5_1'),
      conv6: enc('conv6'), conv6_1: enc('conv6_1'),
      deconv: {
        5: khkw('flownet.deconv5.0.weight'), 4: khkw('flownet.deconv4.0.weight'), 3: khkw('flownet.deconv3.0.weight'),
        2: khkw('flownet.deconv2.0.weight'), 1: khkw('flownet.deconv1.0.weight'), 0: khkw('flownet.deconv0.0.weight'),
      },
      predict: {
        6: khkw('flownet.predict_flow6.weight'), 5: khkw('flownet.predict_flow5.weight'), 4: khkw('flownet.predict_flow4.weight'),
        3: khkw('flownet.predict_flow3.weight'), 2: khkw('flownet.predict_flow2.weight'), 1: khkw('flownet.predict_flow1.weight'),
        0: khkw('flownet.predict_flow0.weight'),
      },
      up: {
        6: khkw('flownet.upsampled_flow6_to_5.weight'), 5: khkw('flownet.upsampled_flow5_to_4.weight'),
        4: khkw('flownet.upsampled_flow4_to_3.weight'), 3: khkw('flownet.upsampled_flow3_to_2.weight'),
        2: khkw('flownet.upsampled_flow2_to_1.weight'), 1: khkw('flownet.upsampled_flow1_to_0.weight'),
      },
    },
    mer: {
      conv3dW: tf.tensor5d(c3dP.data, c3dP.shape as [number, number, number, number, number]),
      conv3dB: vec('mer_3dcnn.conv3d.bias'),
      // torch flattens (C=32, H=4, W=4, S=5); ours is (S, H, W, C).
      fc1: dense('mer_3dcnn.fc1', { shape: [M, 4, 4, 5], perm: [4, 2, 3, 1, 0] }),
      fc2: dense('mer_3dcnn.fc2'),
    },
    ldm: {
      conv: { w: khkw('ldm_predictor.convldm.weight'), bias: vec('ldm_predictor.convldm.bias') },
      // torch flattens (C=32, H=14, W=14); ours is (H, W, C).
      fc1: dense('ldm_predictor.fc1', { shape: [L, 14, 14], perm: [2, 3, 1, 0] }),
      fc2: dense('ldm_predictor.fc2'),
    },
  };
}
