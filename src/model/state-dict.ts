/**
 * The official MOL `state_dict()` entry list (names, shapes, recipe roles, in order), derived from a config.
 * The order is what the golden recipe's index k refers to, so it must match the PyTorch module exactly
 * (checked against shared/golden/params-*.json in state-dict.test.ts).
 */
import { MOL_FIXED, type MolConfig } from './config';

export type Role =
  | 'conv1d_weight' | 'conv2d_weight' | 'conv3d_weight' | 'linear_weight' | 'convtranspose_weight'
  | 'fcc_circular_kernel' | 'fcc_circular_bias' | 'positional_embedding' | 'bias'
  | 'bn_weight' | 'bn_bias' | 'bn_running_mean' | 'bn_running_var' | 'bn_num_batches_tracked';

export interface StateDictEntry {
  readonly k: number;
  readonly name: string;
  readonly shape: readonly number[];
  readonly role: Role;
  /** False for entries the forward pass never reads (dead FCC FFN, num_batches_tracked); the web format omits them. */
  readonly used: boolean;
}

/** Channel counts of the FlowNet decoder concatenations (MOL_SPEC section 5). */
export function flowConcatChannels(config: MolConfig): { c5: number; c4: number; c3: number; c2: number; c1: number; c0: number; in3_1: number } {
  const w = config.flow;
  return {
    in3_1: w.redir + MOL_FIXED.corrChannels + 2 * MOL_FIXED.featureChannels,
    c5: w.conv5_1 + w.deconv5 + 2,
    c4: w.conv4_1 + w.deconv4 + 2,
    c3: w.conv3_1 + w.deconv3 + 2,
    c2: w.conv2 + w.deconv2 + 2,
    c1: w.conv1 + w.deconv1 + 2,
    c0: 1 + w.deconv0 + 2,
  };
}

export function stateDictEntries(config: MolConfig): StateDictEntry[] {
  const out: StateDictEntry[] = [];
  const add = (name: string, shape: number[], role: Role, used = true): void => {
    out.push({ k: out.length, name, shape, role, used });
  };
  const bn = (prefix: string, c: number, used = true): void => {
    add(`${prefix}.weight`, [c], 'bn_weight', used);
    add(`${prefix}.bias`, [c], 'bn_bias', used);
    add(`${prefix}.running_mean`, [c], 'bn_running_mean', used);
    add(`${prefix}.running_var`, [c], 'bn_running_var', used);
    add(`${prefix}.num_batches_tracked`, [], 'bn_num_batches_tracked', false);
  };
  const C = MOL_FIXED.featureChannels;
  const half = C / 2;
  // Stem (Conv_stack): 1->8 k4, 8->32 k3, 32->64 k2, 64->128 k1.
  const stem: [number, number, number][] = [[8, 1, 4], [32, 8, 3], [64, 32, 2], [128, 64, 1]];
  stem.forEach(([o, i, k], n) => {
    add(`conv_stack.conv_stack.${n}.weight`, [o, i, k, k], 'conv2d_weight');
    add(`conv_stack.conv_stack.${n}.bias`, [o], 'bias');
  });
  for (const f of ['FCC_1', 'FCC_2']) {
    add(`${f}.meta_kernel_1_H`, [half, 1, 32, 1], 'fcc_circular_kernel');
    add(`${f}.meta_kernel_1_W`, [half, 1, 1, 32], 'fcc_circular_kernel');
    add(`${f}.meta_kernel_2_H`, [half, 1, 32, 1], 'fcc_circular_kernel');
    add(`${f}.meta_kernel_2_W`, [half, 1, 1, 32], 'fcc_circular_kernel');
    for (const b of ['meta_1_H_bias', 'meta_1_W_bias', 'meta_2_H_bias', 'meta_2_W_bias']) add(`${f}.${b}`, [half], 'fcc_circular_bias');
    add(`${f}.meta_pe_1_H`, [1, half, 32, 1], 'positional_embedding');
    add(`${f}.meta_pe_1_W`, [1, half, 1, 32], 'positional_embedding');
    add(`${f}.meta_pe_2_H`, [1, half, 32, 1], 'positional_embedding');
    add(`${f}.meta_pe_2_W`, [1, half, 1, 32], 'positional_embedding');
    bn(`${f}.pre_Norm_1`, half);
    bn(`${f}.pre_Norm_2`, half);
    // The channel FFN exists in the module but forward never calls it.
    bn(`${f}.ffn.0`, C, false);
    add(`${f}.ffn.1.weight`, [2, C, 1, 1], 'conv2d_weight', false);
    add(`${f}.ffn.1.bias`, [2], 'bias', false);
    add(`${f}.ffn.4.weight`, [C, 2, 1, 1], 'conv2d_weight', false);
    add(`${f}.ffn.4.bias`, [C], 'bias', false);
  }
  const N = MOL_FIXED.nodes;
  for (const c of ['CCC_1', 'CCC_2']) {
    add(`${c}.conv1.weight`, [N, 1, N], 'conv1d_weight');
    add(`${c}.conv1.bias`, [N], 'bias');
    add(`${c}.conv2.weight`, [N, 1, N], 'conv1d_weight');
    add(`${c}.conv2.bias`, [N], 'bias');
  }
  const w = config.flow;
  const cc = flowConcatChannels(config);
  const enc = (name: string, o: number, i: number, k: number): void => {
    add(`flownet.${name}.0.weight`, [o, i, k, k], 'conv2d_weight');
    bn(`flownet.${name}.1`, o);
  };
  enc('conv1', w.conv1, 1, 6);
  enc('conv2', w.conv2, w.conv1, 4);
  enc('conv3', w.conv3, w.conv2, 2);
  enc('conv_redir', w.redir, w.conv3, 1);
  enc('conv3_1', w.conv3_1, cc.in3_1, 3);
  enc('conv4', w.conv4, w.conv3_1, 3);
  enc('conv4_1', w.conv4_1, w.conv4, 3);
  enc('conv5', w.conv5, w.conv4_1, 3);
  enc('conv5_1', w.conv5_1, w.conv5, 3);
  enc('conv6', w.conv6, w.conv5_1, 3);
  enc('conv6_1', w.conv6_1, w.conv6, 3);
  const deconvs: [string, number, number][] = [
    ['deconv5', w.conv6_1, w.deconv5], ['deconv4', cc.c5, w.deconv4], ['deconv3', cc.c4, w.deconv3],
    ['deconv2', cc.c3, w.deconv2], ['deconv1', cc.c2, w.deconv1], ['deconv0', cc.c1, w.deconv0],
  ];
  for (const [name, i, o] of deconvs) add(`flownet.${name}.0.weight`, [i, o, 4, 4], 'convtranspose_weight');
  const predicts: [number, number][] = [[6, w.conv6_1], [5, cc.c5], [4, cc.c4], [3, cc.c3], [2, cc.c2], [1, cc.c1], [0, cc.c0]];
  for (const [lvl, i] of predicts) add(`flownet.predict_flow${lvl}.weight`, [2, i, 3, 3], 'conv2d_weight');
  for (let lvl = 6; lvl >= 1; lvl--) add(`flownet.upsampled_flow${lvl}_to_${lvl - 1}.weight`, [2, 2, 4, 4], 'convtranspose_weight');
  add('mer_3dcnn.conv3d.weight', [MOL_FIXED.merConvOut, C, 2, 2, 5], 'conv3d_weight');
  add('mer_3dcnn.conv3d.bias', [MOL_FIXED.merConvOut], 'bias');
  add('mer_3dcnn.fc1.weight', [256, merFlatSize()], 'linear_weight');
  add('mer_3dcnn.fc1.bias', [256], 'bias');
  add('mer_3dcnn.fc2.weight', [config.numClasses, 256], 'linear_weight');
  add('mer_3dcnn.fc2.bias', [config.numClasses], 'bias');
  add('ldm_predictor.convldm.weight', [MOL_FIXED.ldmConvOut, C, 3, 3], 'conv2d_weight');
  add('ldm_predictor.convldm.bias', [MOL_FIXED.ldmConvOut], 'bias');
  add('ldm_predictor.fc1.weight', [config.ldmHidden, ldmFlatSize()], 'linear_weight');
  add('ldm_predictor.fc1.bias', [config.ldmHidden], 'bias');
  add('ldm_predictor.fc2.weight', [2 * MOL_FIXED.landmarks, config.ldmHidden], 'linear_weight');
  add('ldm_predictor.fc2.bias', [2 * MOL_FIXED.landmarks], 'bias');
  return out;
}

/** MER head: conv3d (2,2,5) stride (2,2,1) on [16,16,14] -> [8,8,10], MaxPool3d(2) -> [4,4,5], times 32 channels. */
export function merFlatSize(): number {
  return MOL_FIXED.merConvOut * 4 * 4 * 5;
}

/** Landmark head: 3x3 valid conv on 16x16 -> 14x14, times 32 channels. */
export function ldmFlatSize(): number {
  return MOL_FIXED.ldmConvOut * 14 * 14;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
