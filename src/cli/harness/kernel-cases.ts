/**
 * Kernel parity cases: each runs one WGSL kernel (through kernelOps, on the active webgpu backend) on seeded
 * random inputs of an awkward shape and returns it next to the plain-TS reference. Shapes are small (SwiftShader
 * is a CPU) but cover every code path: vec4 and scalar channel paths, partial pixel/channel blocks, 1x1 maps,
 * asymmetric padding, and scaled-down MOL layer shapes.
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../../model/ops';
import { kernelOps as ops, releasePackedFcc } from '../../model/kernels/kernel-ops';
import { conv2dReference } from '../../model/kernels/conv2d.reference';
import { MolConv2d, type Conv2dBlock } from '../../model/kernels/conv2d';
import { deconvReference } from '../../model/kernels/deconv.reference';
import { MolDeconv, type DeconvBlock } from '../../model/kernels/deconv';
import { correlationReference } from '../../model/kernels/correlation.reference';
import { fccReference, type FccBranchArrays } from '../../model/kernels/fcc.reference';
import { knnReference } from '../../model/kernels/knn.reference';
import { cccEdgeReference, type CccArrays } from '../../model/kernels/ccc-edge.reference';
import { conv3dPoolReference } from '../../model/kernels/conv3d-pool.reference';
import { denseReference } from '../../model/kernels/dense.reference';
import { concatChannelsReference, shiftSlotsReference } from '../../model/kernels/concat.reference';
import { MolDense, type DenseBlock } from '../../model/kernels/dense';
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
  /** Run this register block instead of the default one (through runKernel, since MolOps has no such option). */
  block?: Conv2dBlock;
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
      const y = c.block
        ? tf.engine().runKernel(MolConv2d, Object.fromEntries(Object.entries(inputs).filter(([, t]) => t !== undefined)) as tf.NamedTensorMap,
          { stride: c.stride, pad, activation: c.activation, alpha: c.alpha ?? 0.1, block: c.block } as unknown as tf.NamedAttrMap) as tf.Tensor4D
        : ops.conv2d(inputs.x, inputs.w, { stride: c.stride, pad: c.pad, bias: inputs.bias, bnScale: inputs.bnScale, bnShift: inputs.bnShift, activation: c.activation, alpha: c.alpha });
      if (y.shape.join() !== want.shape.join()) throw new Error(`conv2d ${name}: shape [${y.shape}] != [${want.shape}]`);
      const got = await read(y);
      Object.values(inputs).forEach((t) => t?.dispose());
      return { got, want: want.data, atol: ATOL, rtol: RTOL };
    },
  };
}

function deconvCase(name: string, xs: Shape4, outC: number, activation: Activation, block?: DeconvBlock): KernelCase {
  return {
    name: `deconv ${name}`,
    async run(rand) {
      const wShape: Shape4 = [4, 4, outC, xs[3]];
      const x = uniformArray(rand, size(xs));
      const w = uniformArray(rand, size(wShape), 1 / Math.sqrt(4 * xs[3]));
      const want = deconvReference(x, xs, w, wShape, activation, 0.1);
      const tx = tf.tensor4d(x, xs), tw = tf.tensor4d(w, wShape);
      const y = block
        ? tf.engine().runKernel(MolDeconv, { x: tx, w: tw }, { activation, alpha: 0.1, block } as unknown as tf.NamedAttrMap) as tf.Tensor4D
        : ops.deconv(tx, tw, { activation });
      if (y.shape.join() !== want.shape.join()) throw new Error(`deconv ${name}: shape [${y.shape}] != [${want.shape}]`);
      const got = await read(y);
      tx.dispose(); tw.dispose();
      return { got, want: want.data, atol: ATOL, rtol: RTOL };
    },
  };
}

function concatChannelsCase(lead: [number, number, number], channels: number[]): KernelCase {
  return {
    name: `concatChannels [${lead}] C ${channels.join('+')}`,
    async run(rand) {
      const pixels = lead[0] * lead[1] * lead[2];
      const xs = channels.map((c) => uniformArray(rand, pixels * c));
      const want = concatChannelsReference(xs, pixels, channels);
      const ts = xs.map((x, i) => tf.tensor4d(x, [...lead, channels[i]]));
      const got = await read(ops.concatChannels(ts));
      ts.forEach((t) => t.dispose());
      return { got, want, atol: 0, rtol: 0 };
    },
  };
}

function shiftSlotsCase(ring: Shape4, adds: number): KernelCase {
  return {
    name: `shiftSlots ring [${ring}] + ${adds} new`,
    async run(rand) {
      const r = uniformArray(rand, size(ring));
      const slot = size(ring) / ring[0];
      const xs = Array.from({ length: adds }, () => uniformArray(rand, slot));
      const want = shiftSlotsReference(r, ring[0], xs);
      const tr = tf.tensor4d(r, ring), ts = xs.map((x) => tf.tensor4d(x, [1, ring[1], ring[2], ring[3]]));
      const got = await read(ops.shiftSlots(tr, ts));
      tr.dispose(); ts.forEach((t) => t.dispose());
      return { got, want, atol: 0, rtol: 0 };
    },
  };
}

function correlationCase(shape: Shape4): KernelCase {
  return {
    name: `correlation [${shape}]`,
    async run(rand) {
      const a = uniformArray(rand, size(shape)), b = uniformArray(rand, size(shape));
      const want = correlationReference(a, b, shape);
      const ta = tf.tensor4d(a, shape), tb = tf.tensor4d(b, shape);
      const got = await read(ops.correlation(ta, tb));
      ta.dispose(); tb.dispose();
      return { got, want, atol: ATOL, rtol: RTOL };
    },
  };
}

function fccCase(n: number, c: number): KernelCase {
  return {
    name: `fcc [${n},16,16,${c}]`,
    async run(rand) {
      const half = c / 2;
      const x = uniformArray(rand, n * 256 * c);
      const branch = (): FccBranchArrays => ({
        pe1: uniformArray(rand, 16 * half), bnScale: uniformArray(rand, half, 2), bnShift: uniformArray(rand, half),
        k1: uniformArray(rand, 16 * half, 0.25), b1: uniformArray(rand, half), pe2: uniformArray(rand, 16 * half),
        k2: uniformArray(rand, 16 * half, 0.25), b2: uniformArray(rand, half),
      });
      const a = branch(), b = branch();
      const want = fccReference(x, n, c, a, b);
      const toParams = (p: FccBranchArrays) => ({
        pe1: tf.tensor2d(p.pe1, [16, half]), bnScale: tf.tensor1d(p.bnScale), bnShift: tf.tensor1d(p.bnShift),
        k1: tf.tensor2d(p.k1, [16, half]), b1: tf.tensor1d(p.b1), pe2: tf.tensor2d(p.pe2, [16, half]),
        k2: tf.tensor2d(p.k2, [16, half]), b2: tf.tensor1d(p.b2),
      });
      const params = { a: toParams(a), b: toParams(b) };
      const tx = tf.tensor4d(x, [n, 16, 16, c]);
      const got = await read(ops.fcc(tx, params));
      releasePackedFcc(params);
      tx.dispose();
      [params.a, params.b].forEach((p) => Object.values(p).forEach((t) => t.dispose()));
      return { got, want, atol: ATOL, rtol: RTOL };
    },
  };
}

/** Near-ties may legitimately pick another neighbour, so ranks are compared by their (reference) similarity. */
const KNN_SIM_ATOL = 1e-5;

function knnCase(shape: Shape4, k: number): KernelCase {
  return {
    name: `knn [${shape}] k=${k}`,
    async run(rand) {
      const [n, h, w, c] = shape;
      const p = h * w;
      const u = uniformArray(rand, size(shape));
      const ref = knnReference(u, n, p, c, k);
      const tu = tf.tensor4d(u, shape);
      const y = ops.knn(tu, k);
      if (y.shape.join() !== [n, p, k].join() || y.dtype !== 'int32') throw new Error(`knn: got ${y.dtype} [${y.shape}]`);
      const idx = (await y.data()) as Int32Array;
      y.dispose(); tu.dispose();
      const simAt = (row: number, j: number) => (j >= 0 && j < p ? ref.sim[row * p + j] : NaN);
      const got = new Float32Array(idx.length), want = new Float32Array(idx.length);
      for (let r = 0; r < n * p; r++) {
        for (let j = 0; j < k; j++) {
          got[r * k + j] = simAt(r, idx[r * k + j]);
          want[r * k + j] = simAt(r, ref.idx[r * k + j]);
        }
        // Each node's list must name distinct nodes and start with the node itself.
        const set = new Set(idx.subarray(r * k, (r + 1) * k));
        if (set.size !== k || idx[r * k] !== r % p) got[r * k] = NaN;
      }
      return { got, want, atol: KNN_SIM_ATOL, rtol: 0 };
    },
  };
}

function cccArrays(rand: () => number, p: number): CccArrays {
  return {
    theta: uniformArray(rand, p * p, 1 / Math.sqrt(p)), thetaBias: uniformArray(rand, p, 0.5),
    phi: uniformArray(rand, p * p, 1 / Math.sqrt(p)), phiBias: uniformArray(rand, p, 0.5),
  };
}

function cccTensors(wts: CccArrays, p: number) {
  return {
    theta: tf.tensor2d(wts.theta, [p, p]), thetaBias: tf.tensor1d(wts.thetaBias),
    phi: tf.tensor2d(wts.phi, [p, p]), phiBias: tf.tensor1d(wts.phiBias),
  };
}

function cccEdgeCase(shape: Shape4, k: number): KernelCase {
  return {
    name: `cccEdge [${shape}] k=${k}, random neighbours`,
    async run(rand) {
      const [n, h, w, c] = shape;
      const p = h * w;
      const u = uniformArray(rand, size(shape));
      const nbr = new Int32Array(n * p * k);
      for (let i = 0; i < nbr.length; i++) nbr[i] = i % k === 0 ? Math.floor(i / k) % p : Math.floor(rand() * p);
      const wts = cccArrays(rand, p);
      const want = cccEdgeReference(u, n, p, c, nbr, k, wts, false);
      const tu = tf.tensor4d(u, shape), tn = tf.tensor3d(nbr, [n, p, k], 'int32'), tw = cccTensors(wts, p);
      const got = await read(ops.cccEdge(tu, tn, tw));
      tu.dispose(); tn.dispose(); Object.values(tw).forEach((t) => t.dispose());
      return { got, want, atol: ATOL, rtol: RTOL };
    },
  };
}

function cccCase(shape: Shape4, k: number): KernelCase {
  return {
    name: `ccc fused (u + edge(knn(u))) [${shape}] k=${k}`,
    async run(rand) {
      const [n, h, w, c] = shape;
      const p = h * w;
      const u = uniformArray(rand, size(shape));
      const wts = cccArrays(rand, p);
      const want = cccEdgeReference(u, n, p, c, knnReference(u, n, p, c, k).idx, k, wts, true);
      const tu = tf.tensor4d(u, shape), tw = cccTensors(wts, p);
      const got = await read(ops.ccc(tu, tw, k));
      tu.dispose(); Object.values(tw).forEach((t) => t.dispose());
      return { got, want, atol: ATOL, rtol: RTOL };
    },
  };
}

function conv3dPoolCase(xs: [number, number, number, number, number], ws: [number, number, number, number, number]): KernelCase {
  return {
    name: `conv3dPool x [${xs}] w [${ws}]`,
    async run(rand) {
      const x = uniformArray(rand, size(xs));
      const w = uniformArray(rand, size(ws), 1 / Math.sqrt(ws[0] * ws[1] * ws[2] * ws[3]));
      const b = uniformArray(rand, ws[4]);
      const want = conv3dPoolReference(x, xs, w, ws, b);
      const tx = tf.tensor5d(x, xs), tw = tf.tensor5d(w, ws), tb = tf.tensor1d(b);
      const y = ops.conv3dPool(tx, tw, tb);
      if (y.shape.join() !== want.shape.join()) throw new Error(`conv3dPool: shape [${y.shape}] != [${want.shape}]`);
      const got = await read(y);
      tx.dispose(); tw.dispose(); tb.dispose();
      return { got, want: want.data, atol: ATOL, rtol: RTOL };
    },
  };
}

function denseCase(n: number, inDim: number, outDim: number, bias: boolean, activation: Activation, block?: DenseBlock): KernelCase {
  return {
    name: `dense [${n},${inDim}]x[${inDim},${outDim}]${bias ? '+b' : ''} ${activation}${block ? ` block ${block.rows}x${4 * block.vec4s}` : ''}`,
    async run(rand) {
      const x = uniformArray(rand, n * inDim), w = uniformArray(rand, inDim * outDim, 1 / Math.sqrt(inDim));
      const b = bias ? uniformArray(rand, outDim) : null;
      const want = denseReference(x, n, inDim, w, outDim, b, activation);
      const tx = tf.tensor2d(x, [n, inDim]), tw = tf.tensor2d(w, [inDim, outDim]), tb = b ? tf.tensor1d(b) : null;
      const got = await read(block
        ? tf.engine().runKernel(MolDense, { x: tx, w: tw, ...(tb ? { bias: tb } : {}) }, { activation, alpha: 0.1, block } as unknown as tf.NamedAttrMap) as tf.Tensor
        : ops.dense(tx, tw, tb, activation));
      tx.dispose(); tw.dispose(); tb?.dispose();
      return { got, want, atol: ATOL, rtol: RTOL };
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
  // Every register block shape on vec4 and scalar paths, with partial pixel and channel blocks.
  ...([[1, 1], [1, 2], [2, 1], [2, 2], [4, 1], [4, 2], [8, 1], [8, 2]] as const).flatMap(([pixels, vec4s]) => [
    conv2dCase(`block ${pixels}px x ${4 * vec4s}ch, k3 s1 p1 12->20 BN leaky`, { x: [1, 5, 11, 12], w: [3, 3, 12, 20], stride: 1, pad: 1, bn: true, activation: 'leakyRelu', block: { pixels, vec4s } }),
    conv2dCase(`block ${pixels}px x ${4 * vec4s}ch, k3 s2 7->6 +bias`, { x: [2, 9, 10, 7], w: [3, 3, 7, 6], stride: 2, pad: [1, 0, 0, 1], bias: true, activation: 'relu', block: { pixels, vec4s } }),
  ]),
  deconvCase('deconv5-like 2x2 20->12 leaky (vec4 in)', [1, 2, 2, 20], 12, 'leakyRelu'),
  deconvCase('concat-fed 3x5 10->6 leaky (in % 4 == 2: vec2 path)', [1, 3, 5, 10], 6, 'leakyRelu'),
  deconvCase('3x4 5->7 leaky (odd in: scalar path)', [1, 3, 4, 5], 7, 'leakyRelu'),
  deconvCase('up 2->2 linear, batch 2, 4x3', [2, 4, 3, 2], 2, 'linear'),
  deconvCase('1x1 map 4->5', [1, 1, 1, 4], 5, 'leakyRelu'),
  deconvCase('9x7 8->8 (partial column blocks)', [1, 9, 7, 8], 8, 'leakyRelu'),
  deconvCase('11x10 18->16 leaky (8 px x 8 ch default, vec2 path)', [1, 11, 10, 18], 16, 'leakyRelu'),
  // Every register block on the vec4, vec2 and scalar paths with partial pixel and channel blocks.
  ...([[4, 1], [4, 2], [8, 1], [8, 2]] as const).flatMap(([pixels, vec4s]) => [
    deconvCase(`block ${pixels}px x ${4 * vec4s}ch 3x9 12->10`, [1, 3, 9, 12], 10, 'leakyRelu', { pixels, vec4s }),
    deconvCase(`block ${pixels}px x ${4 * vec4s}ch 4x11 6->12`, [2, 4, 11, 6], 12, 'linear', { pixels, vec4s }),
    deconvCase(`block ${pixels}px x ${4 * vec4s}ch 5x3 5->9`, [1, 5, 3, 5], 9, 'leakyRelu', { pixels, vec4s }),
  ]),
  concatChannelsCase([1, 16, 16], [16, 441, 128, 128]),
  concatChannelsCase([2, 5, 3], [3, 7, 2]),
  concatChannelsCase([1, 1, 9], [1, 4]),
  shiftSlotsCase([14, 16, 16, 128], 2),
  shiftSlotsCase([3, 2, 5, 4], 1),
  shiftSlotsCase([2, 3, 1, 8], 2),
  correlationCase([1, 16, 16, 32]),
  correlationCase([2, 5, 7, 6]),
  fccCase(1, 128),
  fccCase(2, 8),
  knnCase([1, 16, 16, 128], 4),
  knnCase([2, 4, 4, 12], 5),
  cccEdgeCase([1, 16, 16, 128], 4),
  cccEdgeCase([2, 4, 4, 8], 3),
  cccCase([1, 16, 16, 32], 4),
  conv3dPoolCase([1, 14, 16, 16, 128], [5, 2, 2, 128, 32]),
  conv3dPoolCase([2, 7, 6, 5, 8], [3, 2, 2, 8, 4]),
  conv3dPoolCase([1, 6, 7, 9, 12], [2, 3, 2, 12, 24]),
  denseCase(1, 2560, 256, true, 'relu'),
  denseCase(7, 100, 130, true, 'leakyRelu'),
  denseCase(3, 37, 5, false, 'linear'),
  denseCase(9, 64, 64, true, 'linear'),
  // The yardstick's blocks, with partial row and column blocks on the vec4 and scalar paths.
  ...([[8, 2], [8, 1], [4, 2], [2, 2], [1, 2]] as const).flatMap(([rows, vec4s]) => [
    denseCase(11, 24, 20, true, 'leakyRelu', { rows, vec4s }),
    denseCase(5, 13, 9, false, 'linear', { rows, vec4s }),
  ]),
];

export function caseSeed(index: number): number {
  return 1000 + index;
}

export { seededRandom };
