/**
 * Kernel parity cases: each runs one WGSL kernel (through kernelOps, on the active webgpu backend) on seeded
 * random inputs of an awkward shape and returns it next to the plain-TS reference. Shapes are small (SwiftShader
 * is a CPU) but cover every code path: vec4 and scalar channel paths, partial pixel/channel blocks, 1x1 maps,
 * asymmetric padding, and scaled-down MOL layer shapes.
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../../model/ops';
import { kernelBackedOps as ops } from '../../model/kernels/kernel-ops';
import { conv2dReference } from '../../model/kernels/conv2d.reference';
import { deconvReference } from '../../model/kernels/deconv.reference';
import { seededRandom, uniformArray } from './seeded-random';

export interface CaseOutput {
  got: Float32Array | Int32Array;
  want: Float32Array | Int32Array;
  atol: number;
  rtol: number;
}

export interface KernelCase {
  name: string;
  run(rand: () => number): Promise<CaseOutput>;
}

type Shape4 = [number, number, number, number];
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** f32 accumulation over a few thousand terms of magnitude <= 1 stays far below these; an indexing bug does not. */
const ATOL = 1e-4;
const RTOL = 1e-4;

async function read(t: tf.Tensor): Promise<Float32Array> {
  const d = (await t.data()) as Float32Array;
  t.dispose();
  return d;
}

interface Conv2dCase {
  x: Shape4; w: Shape4; stride: number; pad: number | [number, number, number, number];
  bias?: boolean; bn?: boolean; activation: Activation; alpha?: number;
}

function conv2dCase(name: string, c: Conv2dCase): KernelCase {
  return {
    name: `conv2d ${name}`,
    async run(rand) {
      const K = c.w[0] * c.w[1] * c.w[2];
      const x = uniformArray(rand, size(c.x));
      const w = uniformArray(rand, size(c.w), 1 / Math.sqrt(K));
      const outC = c.w[3];
      const bias = c.bias ? uniformArray(rand, outC) : undefined;
      const bnScale = c.bn ? uniformArray(rand, outC, 2) : undefined;
      const bnShift = c.bn ? uniformArray(rand, outC) : undefined;
      const pad: [number, number, number, number] = typeof c.pad === 'number' ? [c.pad, c.pad, c.pad, c.pad] : c.pad;
      const want = conv2dReference({ x, xShape: c.x, w, wShape: c.w, bias, bnScale, bnShift, stride: c.stride, pad, activation: c.activation, alpha: c.alpha });
      const t1 = (a: Float32Array | undefined) => (a ? tf.tensor1d(a) : undefined);
      const inputs = { x: tf.tensor4d(x, c.x), w: tf.tensor4d(w, c.w), bias: t1(bias), bnScale: t1(bnScale), bnShift: t1(bnShift) };
      const y = ops.conv2d(inputs.x, inputs.w, { stride: c.stride, pad: c.pad, bias: inputs.bias, bnScale: inputs.bnScale, bnShift: inputs.bnShift, activation: c.activation, alpha: c.alpha });
      if (y.shape.join() !== want.shape.join()) throw new Error(`conv2d ${name}: shape [${y.shape}] != [${want.shape}]`);
      const got = await read(y);
      Object.values(inputs).forEach((t) => t?.dispose());
      return { got, want: want.data, atol: ATOL, rtol: RTOL };
    },
  };
}

function deconvCase(name: string, xs: Shape4, outC: number, activation: Activation): KernelCase {
  return {
    name: `deconv ${name}`,
    async run(rand) {
      const wShape: Shape4 = [4, 4, outC, xs[3]];
      const x = uniformArray(rand, size(xs));
      const w = uniformArray(rand, size(wShape), 1 / Math.sqrt(4 * xs[3]));
      const want = deconvReference(x, xs, w, wShape, activation, 0.1);
      const tx = tf.tensor4d(x, xs), tw = tf.tensor4d(w, wShape);
      const y = ops.deconv(tx, tw, { activation });
      if (y.shape.join() !== want.shape.join()) throw new Error(`deconv ${name}: shape [${y.shape}] != [${want.shape}]`);
      const got = await read(y);
      tx.dispose(); tw.dispose();
      return { got, want: want.data, atol: ATOL, rtol: RTOL };
    },
  };
}

export const KERNEL_CASES: readonly KernelCase[] = [
  conv2dCase('stem conv1 k4 s2 1->8 +bias, odd map', { x: [1, 17, 19, 1], w: [4, 4, 1, 8], stride: 2, pad: 0, bias: true, activation: 'linear' }),
  conv2dCase('k3 s2 8->30 +bias relu, batch 2 (scalar weights, partial channel block)', { x: [2, 15, 13, 8], w: [3, 3, 8, 30], stride: 2, pad: 0, bias: true, activation: 'relu' }),
  conv2dCase('stem conv3 k2 s2 p1 32->64 (vec4 in and out)', { x: [1, 9, 9, 32], w: [2, 2, 32, 64], stride: 2, pad: 1, bias: true, activation: 'linear' }),
  conv2dCase('1x1 64->128 on 5x5', { x: [1, 5, 5, 64], w: [1, 1, 64, 128], stride: 1, pad: 0, bias: true, activation: 'linear' }),
  conv2dCase('flow encoder k6 s2 p2 1->12 BN leaky', { x: [1, 16, 16, 1], w: [6, 6, 1, 12], stride: 2, pad: 2, bn: true, activation: 'leakyRelu', alpha: 0.1 }),
  conv2dCase('predict_flow0 k3 p1 35->2', { x: [1, 12, 10, 35], w: [3, 3, 35, 2], stride: 1, pad: 1, activation: 'linear' }),
  conv2dCase('conv3_1 k3 p1 73->24 BN leaky (in % 4 == 1)', { x: [1, 6, 7, 73], w: [3, 3, 73, 24], stride: 1, pad: 1, bn: true, activation: 'leakyRelu', alpha: 0.1 }),
  conv2dCase('asymmetric pad [0,1,2,0] s2 6->5 bias+BN leaky 0.2', { x: [1, 7, 8, 6], w: [3, 3, 6, 5], stride: 2, pad: [0, 1, 2, 0], bias: true, bn: true, activation: 'leakyRelu', alpha: 0.2 }),
  conv2dCase('1x1 map 7->3', { x: [1, 1, 1, 7], w: [1, 1, 7, 3], stride: 1, pad: 0, bias: true, activation: 'relu' }),
  conv2dCase('conv6 k3 s2 p1 on 3x3, 16->20', { x: [1, 3, 3, 16], w: [3, 3, 16, 20], stride: 2, pad: 1, bn: true, activation: 'leakyRelu' }),
  deconvCase('deconv5-like 2x2 20->12 leaky (vec4 in)', [1, 2, 2, 20], 12, 'leakyRelu'),
  deconvCase('concat-fed 3x5 10->6 leaky (in % 4 == 2)', [1, 3, 5, 10], 6, 'leakyRelu'),
  deconvCase('up 2->2 linear, batch 2, 4x3', [2, 4, 3, 2], 2, 'linear'),
  deconvCase('1x1 map 4->5', [1, 1, 1, 4], 5, 'leakyRelu'),
  deconvCase('9x7 8->8 (partial column blocks)', [1, 9, 7, 8], 8, 'leakyRelu'),
];

export function caseSeed(index: number): number {
  return 1000 + index;
}

export { seededRandom };
