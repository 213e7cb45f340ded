/**
 * Per-kernel benchmark cases: one MolOps call each, at the shapes of the real per-frame step (rt and paper widths
 * from models/configs). Inputs are created on the active backend by make(); call() runs the op under test.
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation, FccBranch, FccParams, MolOps } from '../../model/ops';
import { PAPER_CONFIG, RT_CONFIG, type MolConfig } from '../../model/config';
import { flops } from './flop-count';
import { MolConv2d, type Conv2dBlock } from '../../model/kernels/conv2d';
import { MolKnn } from '../../model/kernels/knn';
import { MolDeconv, type DeconvBlock } from '../../model/kernels/deconv';
import { MolCccEdge } from '../../model/kernels/ccc-edge';
import { MolConv3dPool } from '../../model/kernels/conv3d-pool';

export interface KernelBenchCase {
  name: string;
  config: 'rt' | 'paper' | 'both';
  make(): tf.Tensor[];
  call(ops: MolOps, t: tf.Tensor[]): tf.Tensor;
  /** FLOPs of one call (computed once from a real output). */
  flops(ops: MolOps, t: tf.Tensor[]): number;
  /** A variant of our kernel only (e.g. another conv2d register block): no stock or cpu run. */
  oursOnly?: boolean;
}

const rnd = (shape: number[], seed: number, scale = 1) => tf.randomUniform(shape, -scale, scale, 'float32', seed);

function conv(name: string, config: KernelBenchCase['config'], x: number[], w: number[], stride: number, pad: number, bn: boolean, activation: Activation, block?: Conv2dBlock): KernelBenchCase {
  const opts = (t: tf.Tensor[]) => ({ stride, pad, activation, alpha: 0.1, bias: bn ? undefined : (t[2] as tf.Tensor1D), bnScale: bn ? (t[2] as tf.Tensor1D) : undefined, bnShift: bn ? (t[3] as tf.Tensor1D) : undefined });
  const withBlock = (t: tf.Tensor[]) => tf.engine().runKernel(MolConv2d, bn ? { x: t[0], w: t[1], bnScale: t[2], bnShift: t[3] } : { x: t[0], w: t[1], bias: t[2] },
    { stride, pad: [pad, pad, pad, pad], activation, alpha: 0.1, block } as unknown as tf.NamedAttrMap) as tf.Tensor;
  return {
    name: block ? `${name} [block ${block.pixels}px x ${4 * block.vec4s}ch]` : name, config, oursOnly: block !== undefined,
    make: () => [rnd(x, 1), rnd(w, 2, 1 / Math.sqrt(w[0] * w[1] * w[2])), rnd([w[3]], 3), rnd([w[3]], 4)],
    call: (ops, t) => (block ? withBlock(t) : ops.conv2d(t[0] as tf.Tensor4D, t[1] as tf.Tensor4D, opts(t))),
    flops: (ops, t) => tf.tidy(() => flops.conv2d(ops.conv2d(t[0] as tf.Tensor4D, t[1] as tf.Tensor4D, opts(t)), t[1] as tf.Tensor4D)),
  };
}

function deconv(name: string, config: KernelBenchCase['config'], x: number[], outC: number, block?: DeconvBlock): KernelBenchCase {
  const w = [4, 4, outC, x[3]];
  return {
    name: block ? `${name} [block ${block.pixels}px x ${4 * block.vec4s}ch]` : name, config, oursOnly: block !== undefined,
    make: () => [rnd(x, 5), rnd(w, 6, 1 / Math.sqrt(4 * x[3]))],
    call: (ops, t) => (block
      ? tf.engine().runKernel(MolDeconv, { x: t[0], w: t[1] }, { activation: 'leakyRelu', alpha: 0.1, block } as unknown as tf.NamedAttrMap) as tf.Tensor
      : ops.deconv(t[0] as tf.Tensor4D, t[1] as tf.Tensor4D, { activation: 'leakyRelu', alpha: 0.1 })),
    flops: () => 2 * x[0] * 4 * x[1] * x[2] * outC * 4 * x[3],
  };
}

/** Register blocks compared for our conv2d (the default is also in the table as the plain row). */
const BLOCK_VARIANTS: readonly Conv2dBlock[] = [{ pixels: 4, vec4s: 1 }, { pixels: 4, vec4s: 2 }, { pixels: 8, vec4s: 1 }, { pixels: 8, vec4s: 2 }];

function perConfig(cfg: MolConfig): KernelBenchCase[] {
  const f = cfg.flow;
  const c = cfg.name as 'rt' | 'paper';
  const concat2 = f.conv2 + f.deconv2 + 2;
  return [
    conv(`flow conv1 [1,128,128,1] k6 s2 ->${f.conv1} BN leaky`, c, [1, 128, 128, 1], [6, 6, 1, f.conv1], 2, 2, true, 'leakyRelu'),
    conv(`flow conv2 [1,64,64,${f.conv1}] k4 s2 ->${f.conv2}`, c, [1, 64, 64, f.conv1], [4, 4, f.conv1, f.conv2], 2, 1, true, 'leakyRelu'),
    conv(`flow conv3_1 [1,16,16,${f.redir + 441 + 256}] k3 ->${f.conv3_1}`, c, [1, 16, 16, f.redir + 441 + 256], [3, 3, f.redir + 441 + 256, f.conv3_1], 1, 1, true, 'leakyRelu'),
    ...BLOCK_VARIANTS.map((b) => conv(`flow conv3_1 [1,16,16,${f.redir + 441 + 256}] k3 ->${f.conv3_1}`, c, [1, 16, 16, f.redir + 441 + 256], [3, 3, f.redir + 441 + 256, f.conv3_1], 1, 1, true, 'leakyRelu', b)),
    ...BLOCK_VARIANTS.map((b) => conv(`flow conv2 [1,64,64,${f.conv1}] k4 s2 ->${f.conv2}`, c, [1, 64, 64, f.conv1], [4, 4, f.conv1, f.conv2], 2, 1, true, 'leakyRelu', b)),
    deconv(`flow deconv1 [1,32,32,${concat2}] ->${f.deconv1}`, c, [1, 32, 32, concat2], f.deconv1),
    deconv(`flow deconv1 [1,32,32,${concat2}] ->${f.deconv1}`, c, [1, 32, 32, concat2], f.deconv1, { pixels: 4, vec4s: 1 }),
    deconv(`flow deconv0 [1,64,64,${f.conv1 + f.deconv1 + 2}] ->${f.deconv0}`, c, [1, 64, 64, f.conv1 + f.deconv1 + 2], f.deconv0),
    deconv(`flow deconv0 [1,64,64,${f.conv1 + f.deconv1 + 2}] ->${f.deconv0}`, c, [1, 64, 64, f.conv1 + f.deconv1 + 2], f.deconv0, { pixels: 4, vec4s: 1 }),
    {
      name: `correlation [1,16,16,${f.conv3}]`, config: c,
      make: () => [rnd([1, 16, 16, f.conv3], 7), rnd([1, 16, 16, f.conv3], 8)],
      call: (ops, t) => ops.correlation(t[0] as tf.Tensor4D, t[1] as tf.Tensor4D),
      flops: (_o, t) => flops.correlation(t[0] as tf.Tensor4D),
    },
    {
      name: `dense LDM fc1 [1,6272]x[6272,${cfg.ldmHidden}] relu`, config: c,
      make: () => [rnd([1, 6272], 9), rnd([6272, cfg.ldmHidden], 10, 0.02), rnd([cfg.ldmHidden], 11)],
      call: (ops, t) => ops.dense(t[0] as tf.Tensor2D, t[1] as tf.Tensor2D, t[2] as tf.Tensor1D, 'relu'),
      flops: (_o, t) => flops.dense(t[0] as tf.Tensor2D, t[1] as tf.Tensor2D),
    },
  ];
}

const cccWeights = (seed: number) => ({ theta: rnd([256, 256], seed, 1 / 16) as tf.Tensor2D, thetaBias: rnd([256], seed + 1) as tf.Tensor1D, phi: rnd([256, 256], seed + 2, 1 / 16) as tf.Tensor2D, phiBias: rnd([256], seed + 3) as tf.Tensor1D });
const cccOf = (t: tf.Tensor[]) => ({ theta: t[1] as tf.Tensor2D, thetaBias: t[2] as tf.Tensor1D, phi: t[3] as tf.Tensor2D, phiBias: t[4] as tf.Tensor1D });

const shared: KernelBenchCase[] = [
  conv('stem conv1 [1,128,128,1] k4 s2 ->8 +bias', 'both', [1, 128, 128, 1], [4, 4, 1, 8], 2, 0, false, 'linear'),
  {
    name: 'fcc [1,16,16,128]', config: 'both',
    make: () => [rnd([1, 16, 16, 128], 20), ...['a', 'b'].flatMap((_, i) => [rnd([16, 64], 21 + i), rnd([64], 23 + i), rnd([64], 25 + i), rnd([16, 64], 27 + i, 0.25), rnd([64], 29 + i), rnd([16, 64], 31 + i), rnd([16, 64], 33 + i, 0.25), rnd([64], 35 + i)])],
    call: (ops, t) => ops.fcc(t[0] as tf.Tensor4D, fccParamsFor(t)),
    flops: (_o, t) => flops.fcc(t[0] as tf.Tensor4D),
  },
  {
    name: 'knn k=4 [1,16,16,128]', config: 'both',
    make: () => [rnd([1, 16, 16, 128], 40)],
    call: (ops, t) => ops.knn(t[0] as tf.Tensor4D, 4),
    flops: (_o, t) => flops.knn(t[0] as tf.Tensor4D),
  },
  // Top-k pass blocks (queries x candidates), ours only; the plain row above is the default block.
  ...([[1, 1], [2, 4], [4, 2], [8, 2]] as const).map(([queries, candidates]): KernelBenchCase => ({
    name: `knn k=4 [1,16,16,128] [block ${queries}q x ${candidates}c]`, config: 'both', oursOnly: true,
    make: () => [rnd([1, 16, 16, 128], 40)],
    call: (_ops, t) => tf.engine().runKernel(MolKnn, { u: t[0] }, { k: 4, block: { queries, candidates } } as unknown as tf.NamedAttrMap) as tf.Tensor,
    flops: (_o, t) => flops.knn(t[0] as tf.Tensor4D),
  })),
  {
    name: 'ccc fused k=4 [1,16,16,128]', config: 'both',
    make: () => { const w = cccWeights(50); return [rnd([1, 16, 16, 128], 41), w.theta, w.thetaBias, w.phi, w.phiBias]; },
    call: (ops, t) => ops.ccc(t[0] as tf.Tensor4D, cccOf(t), 4),
    flops: (_o, t) => flops.knn(t[0] as tf.Tensor4D) + flops.cccEdge(t[0] as tf.Tensor4D, 4),
  },
  {
    name: 'conv3dPool [1,14,16,16,128] -> [1,5,4,4,32]', config: 'both',
    make: () => [rnd([1, 14, 16, 16, 128], 60), rnd([5, 2, 2, 128, 32], 61, 0.02), rnd([32], 62)],
    call: (ops, t) => ops.conv3dPool(t[0] as tf.Tensor5D, t[1] as tf.Tensor5D, t[2] as tf.Tensor1D),
    flops: (_o, t) => flops.conv3dPool(t[0] as tf.Tensor5D, t[1] as tf.Tensor5D),
  },
  {
    name: 'concatChannels conv3_1 input [1,16,16,16+441+128+128]', config: 'both',
    make: () => [rnd([1, 16, 16, 16], 82), rnd([1, 16, 16, 441], 83), rnd([1, 16, 16, 128], 84), rnd([1, 16, 16, 128], 85)],
    call: (ops, t) => ops.concatChannels(t as tf.Tensor4D[]),
    flops: () => 0,
  },
  {
    name: 'shiftSlots MER input [14,16,16,128] + 2 slots', config: 'both',
    make: () => [rnd([14, 16, 16, 128], 80), rnd([1, 16, 16, 128], 81), rnd([1, 16, 16, 128], 86)],
    call: (ops, t) => ops.shiftSlots(t[0] as tf.Tensor4D, [t[1] as tf.Tensor4D, t[2] as tf.Tensor4D]),
    flops: () => 0,
  },
  {
    name: 'cccEdge k=4 [1,16,16,128] [block 4ch]', config: 'both', oursOnly: true,
    make: () => { const w = cccWeights(50); return [rnd([1, 16, 16, 128], 41), w.theta, w.thetaBias, w.phi, w.phiBias, fixedNeighbours(1, 256, 4)]; },
    call: (_ops, t) => tf.engine().runKernel(MolCccEdge, { u: t[0], nbr: t[5], theta: t[1], thetaBias: t[2], phi: t[3], phiBias: t[4] }, { residual: true, vec4s: 1 } as unknown as tf.NamedAttrMap) as tf.Tensor,
    flops: (_o, t) => flops.cccEdge(t[0] as tf.Tensor4D, 4),
  },
  {
    name: 'cccEdge k=4 [1,16,16,128]', config: 'both', oursOnly: true,
    make: () => { const w = cccWeights(50); return [rnd([1, 16, 16, 128], 41), w.theta, w.thetaBias, w.phi, w.phiBias, fixedNeighbours(1, 256, 4)]; },
    call: (_ops, t) => tf.engine().runKernel(MolCccEdge, { u: t[0], nbr: t[5], theta: t[1], thetaBias: t[2], phi: t[3], phiBias: t[4] }, { residual: true } as unknown as tf.NamedAttrMap) as tf.Tensor,
    flops: (_o, t) => flops.cccEdge(t[0] as tf.Tensor4D, 4),
  },
  {
    name: 'conv3dPool [1,14,16,16,128] -> [1,5,4,4,32] [block 4ch]', config: 'both', oursOnly: true,
    make: () => [rnd([1, 14, 16, 16, 128], 60), rnd([5, 2, 2, 128, 32], 61, 0.02), rnd([32], 62)],
    call: (_ops, t) => tf.engine().runKernel(MolConv3dPool, { x: t[0], w: t[1], b: t[2] }, { vec4s: 1 } as unknown as tf.NamedAttrMap) as tf.Tensor,
    flops: (_o, t) => flops.conv3dPool(t[0] as tf.Tensor5D, t[1] as tf.Tensor5D),
  },
  {
    name: 'dense MER fc1 [1,2560]x[2560,256] relu', config: 'both',
    make: () => [rnd([1, 2560], 70), rnd([2560, 256], 71, 0.02), rnd([256], 72)],
    call: (ops, t) => ops.dense(t[0] as tf.Tensor2D, t[1] as tf.Tensor2D, t[2] as tf.Tensor1D, 'relu'),
    flops: (_o, t) => flops.dense(t[0] as tf.Tensor2D, t[1] as tf.Tensor2D),
  },
];

/** The same FccParams object for the same input list, so kernelOps packs the parameters once, as in the model. */
const fccParamsCache = new WeakMap<tf.Tensor, FccParams>();
function fccParamsFor(t: tf.Tensor[]): FccParams {
  const br = (o: number): FccBranch => ({
    pe1: t[o] as tf.Tensor2D, bnScale: t[o + 1] as tf.Tensor1D, bnShift: t[o + 2] as tf.Tensor1D, k1: t[o + 3] as tf.Tensor2D,
    b1: t[o + 4] as tf.Tensor1D, pe2: t[o + 5] as tf.Tensor2D, k2: t[o + 6] as tf.Tensor2D, b2: t[o + 7] as tf.Tensor1D,
  });
  let p = fccParamsCache.get(t[1]);
  if (!p) { p = { a: br(1), b: br(9) }; fccParamsCache.set(t[1], p); }
  return p;
}

export const KERNEL_BENCH_CASES: readonly KernelBenchCase[] = [...shared, ...perConfig(RT_CONFIG), ...perConfig(PAPER_CONFIG)];

/** Deterministic, distinct neighbour lists [n, p, k] (node itself first), for timing the edge pass alone. */
function fixedNeighbours(n: number, p: number, k: number): tf.Tensor3D {
  const idx = new Int32Array(n * p * k);
  for (let r = 0; r < n * p; r++) for (let j = 0; j < k; j++) idx[r * k + j] = ((r % p) + j * 37) % p;
  return tf.tensor3d(idx, [n, p, k], 'int32');
}
