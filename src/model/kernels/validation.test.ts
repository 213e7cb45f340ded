/** Bad inputs must fail early with a MolKernelInputError naming the kernel, before any GPU work is queued. */
import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { MolKernelInputError } from './kernel-util';
import { molConv2d } from './conv2d';
import { molDeconv } from './deconv';
import { molCorrelation } from './correlation';
import { molFcc } from './fcc';
import { molKnn } from './knn';
import { molCccEdge } from './ccc-edge';
import { molConv3dPool } from './conv3d-pool';
import { molDense } from './dense';

const t = (shape: number[], dtype: 'float32' | 'int32' = 'float32') => ({ dataId: {}, shape, dtype }) as unknown as TensorInfo;
/** Never reached: validation throws first (a call into it would throw a TypeError, failing the assertion). */
const backend = null as unknown as WebGPUBackend;

function expectInputError(fn: () => unknown, kernel: string, message: RegExp): void {
  let caught: unknown;
  try { fn(); } catch (e) { caught = e; }
  expect(caught).toBeInstanceOf(MolKernelInputError);
  expect((caught as Error).name).toBe('MolKernelInputError');
  expect((caught as Error).message).toMatch(new RegExp(`^${kernel}: `));
  expect((caught as Error).message).toMatch(message);
}

describe('kernel input validation', () => {
  const conv = { stride: 1, pad: [0, 0, 0, 0] as [number, number, number, number], activation: 'linear' as const, alpha: 0.1 };

  it('conv2d: rank, channel mismatch, BN pairing, stride, padding, activation, too-large kernel', () => {
    expectInputError(() => molConv2d({ inputs: { x: t([4, 4, 1]), w: t([1, 1, 1, 1]) }, backend, attrs: conv }), 'MolConv2d', /NHWC rank 4/);
    expectInputError(() => molConv2d({ inputs: { x: t([1, 4, 4, 3]), w: t([1, 1, 2, 1]) }, backend, attrs: conv }), 'MolConv2d', /2 input channels, x has 3/);
    expectInputError(() => molConv2d({ inputs: { x: t([1, 4, 4, 2]), w: t([1, 1, 2, 5]), bnScale: t([5]) }, backend, attrs: conv }), 'MolConv2d', /bnScale and bnShift/);
    expectInputError(() => molConv2d({ inputs: { x: t([1, 4, 4, 2]), w: t([1, 1, 2, 5]), bias: t([4]) }, backend, attrs: conv }), 'MolConv2d', /bias must be \[5\]/);
    expectInputError(() => molConv2d({ inputs: { x: t([1, 4, 4, 2]), w: t([1, 1, 2, 5]) }, backend, attrs: { ...conv, stride: 0 } }), 'MolConv2d', /stride/);
    expectInputError(() => molConv2d({ inputs: { x: t([1, 4, 4, 2]), w: t([1, 1, 2, 5]) }, backend, attrs: { ...conv, pad: [0, -1, 0, 0] } }), 'MolConv2d', /pad/);
    expectInputError(() => molConv2d({ inputs: { x: t([1, 4, 4, 2]), w: t([1, 1, 2, 5]) }, backend, attrs: { ...conv, activation: 'gelu' as never } }), 'MolConv2d', /unknown activation gelu/);
    expectInputError(() => molConv2d({ inputs: { x: t([1, 2, 2, 2]), w: t([3, 3, 2, 5]) }, backend, attrs: conv }), 'MolConv2d', /does not fit/);
    expectInputError(() => molConv2d({ inputs: { x: t([1, 8, 8, 2]), w: t([3, 3, 2, 8]) }, backend, attrs: { ...conv, block: { pixels: 3, vec4s: 1 } } }), 'MolConv2d', /unsupported block/);
  });

  it('deconv: kernel must be 4x4 [4, 4, out, in] matching x', () => {
    expectInputError(() => molDeconv({ inputs: { x: t([1, 2, 2, 3]), w: t([3, 3, 2, 3]) }, backend, attrs: { activation: 'linear', alpha: 0.1 } }), 'MolDeconv', /\[4, 4, out, in\]/);
    expectInputError(() => molDeconv({ inputs: { x: t([1, 2, 2, 3]), w: t([4, 4, 2, 5]) }, backend, attrs: { activation: 'linear', alpha: 0.1 } }), 'MolDeconv', /5 input channels, x has 3/);
  });

  it('correlation: a and b must have the same NHWC shape', () => {
    expectInputError(() => molCorrelation({ inputs: { a: t([1, 4, 4, 8]), b: t([1, 4, 4, 4]) }, backend }), 'MolCorrelation', /differ/);
  });

  it('fcc: 16x16 maps and packed parameters', () => {
    expectInputError(() => molFcc({ inputs: { x: t([1, 8, 8, 128]), params: t([2, 68, 64]) }, backend }), 'MolFcc', /\[N, 16, 16, C\]/);
    expectInputError(() => molFcc({ inputs: { x: t([1, 16, 16, 128]), params: t([2, 64, 64]) }, backend }), 'MolFcc', /packFccParams/);
  });

  it('knn: k within [1, min(H*W, 16)], channels a multiple of 4', () => {
    expectInputError(() => molKnn({ inputs: { u: t([1, 16, 16, 128]) }, backend, attrs: { k: 0 } }), 'MolKnn', /k must be an integer in \[1, 16\]/);
    expectInputError(() => molKnn({ inputs: { u: t([1, 2, 2, 8]) }, backend, attrs: { k: 5 } }), 'MolKnn', /\[1, 4\], got 5/);
    expectInputError(() => molKnn({ inputs: { u: t([1, 16, 16, 6]) }, backend, attrs: { k: 4 } }), 'MolKnn', /multiple of 4/);
  });

  it('cccEdge: int32 neighbours and square Θ/Φ over the node count', () => {
    const ok = { u: t([1, 16, 16, 8]), nbr: t([1, 256, 4], 'int32'), theta: t([256, 256]), thetaBias: t([256]), phi: t([256, 256]), phiBias: t([256]) };
    expectInputError(() => molCccEdge({ inputs: { ...ok, nbr: t([1, 256, 4]) }, backend, attrs: { residual: false } }), 'MolCccEdge', /nbr must be int32/);
    expectInputError(() => molCccEdge({ inputs: { ...ok, phi: t([256, 128]) }, backend, attrs: { residual: false } }), 'MolCccEdge', /phi must be float32 \[256, 256\]/);
  });

  it('conv3dPool: channel multiples and a volume large enough for the kernel and the pool', () => {
    expectInputError(() => molConv3dPool({ inputs: { x: t([1, 14, 16, 16, 6]), w: t([5, 2, 2, 6, 32]), b: t([32]) }, backend }), 'MolConv3dPool', /multiples of 4/);
    expectInputError(() => molConv3dPool({ inputs: { x: t([1, 5, 16, 16, 8]), w: t([5, 2, 2, 8, 4]), b: t([4]) }, backend }), 'MolConv3dPool', /too small/);
  });

  it('dense: inner dimensions and bias length', () => {
    expectInputError(() => molDense({ inputs: { x: t([2, 5]), w: t([4, 3]) }, backend, attrs: { activation: 'relu', alpha: 0.1 } }), 'MolDense', /5 features, w expects 4/);
    expectInputError(() => molDense({ inputs: { x: t([2, 4]), w: t([4, 3]), bias: t([4]) }, backend, attrs: { activation: 'relu', alpha: 0.1 } }), 'MolDense', /b must be \[3\]/);
  });
});
