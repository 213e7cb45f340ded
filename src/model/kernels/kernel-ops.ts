/**
 * `kernelOps`: the MolOps implementation on our WGSL kernels. Each op is one `runKernel` call into the registry
 * (src/model/kernels/index.ts), so the 'webgpu' backend must be active and registerMolKernels() called first.
 */
import * as tf from '@tensorflow/tfjs';
import type { CccParams, Conv2dOptions, DeconvOptions, FccBranch, FccParams, MolOps } from '../ops';
import { MolConv2d } from './conv2d';
import { MolDeconv } from './deconv';
import { MolCorrelation } from './correlation';
import { MolFcc, packFccParams } from './fcc';
import { MolKnn } from './knn';
import { MolCccEdge } from './ccc-edge';
import { MolConv3dPool } from './conv3d-pool';
import { MolDense } from './dense';
import { MolConcatChannels, MolShiftSlots } from './concat';

/** FlowNet's LeakyReLU slope, the default when an op asks for leakyRelu without alpha. */
const DEFAULT_ALPHA = 0.1;

function explicitPad(pad: Conv2dOptions['pad']): [number, number, number, number] {
  return typeof pad === 'number' ? [pad, pad, pad, pad] : [pad[0], pad[1], pad[2], pad[3]];
}

function run<R extends tf.Tensor>(kernel: string, inputs: Record<string, tf.Tensor | null | undefined>, attrs: Record<string, unknown> = {}): R {
  const present: tf.NamedTensorMap = {};
  for (const [k, v] of Object.entries(inputs)) if (v) present[k] = v;
  return tf.engine().runKernel(kernel, present, attrs as unknown as tf.NamedAttrMap) as R;
}

/**
 * FCC parameters packed into one tensor (see fcc.ts), once per FccParams object. The packed tensor is kept out of
 * tidy scopes and rebuilt (the stale one disposed) if any source tensor was disposed; releasePackedFcc frees it.
 */
const packedFcc = new WeakMap<FccParams, tf.Tensor3D>();

function fccSources(p: FccParams): tf.Tensor[] {
  const b = (x: FccBranch) => [x.pe1, x.bnScale, x.bnShift, x.k1, x.b1, x.pe2, x.k2, x.b2];
  return [...b(p.a), ...b(p.b)];
}

function packed(p: FccParams): tf.Tensor3D {
  const cached = packedFcc.get(p);
  if (cached && !cached.isDisposed && !fccSources(p).some((t) => t.isDisposed)) return cached;
  cached?.dispose();
  const fresh = tf.keep(packFccParams(p));
  packedFcc.set(p, fresh);
  return fresh;
}

export function releasePackedFcc(p: FccParams): void {
  packedFcc.get(p)?.dispose();
  packedFcc.delete(p);
}

function cccInputs(u: tf.Tensor4D, nbr: tf.Tensor3D, p: CccParams) {
  return { u, nbr, theta: p.theta, thetaBias: p.thetaBias, phi: p.phi, phiBias: p.phiBias };
}

export const kernelOps: MolOps = {
  name: 'kernels',
  conv2d(x, w, o: Conv2dOptions) {
    return run(MolConv2d, { x, w, bias: o.bias, bnScale: o.bnScale, bnShift: o.bnShift }, {
      stride: o.stride, pad: explicitPad(o.pad), activation: o.activation, alpha: o.alpha ?? DEFAULT_ALPHA,
    });
  },
  deconv(x, w, o: DeconvOptions) {
    return run(MolDeconv, { x, w }, { activation: o.activation, alpha: o.alpha ?? DEFAULT_ALPHA });
  },
  fcc(x, p) {
    return run(MolFcc, { x, params: packed(p) });
  },
  knn(u, k) {
    return run(MolKnn, { u }, { k });
  },
  cccEdge(u, nbr, p) {
    return run(MolCccEdge, cccInputs(u, nbr, p), { residual: false });
  },
  ccc(u, p, k) {
    const nbr = kernelOps.knn(u, k);
    const y = run<tf.Tensor4D>(MolCccEdge, cccInputs(u, nbr, p), { residual: true });
    nbr.dispose();
    return y;
  },
  conv3dPool(x, w, b) {
    return run(MolConv3dPool, { x, w, b });
  },
  correlation(a, b) {
    return run(MolCorrelation, { a, b });
  },
  dense(x, w, b, activation) {
    return run(MolDense, { x, w, bias: b }, { activation, alpha: DEFAULT_ALPHA });
  },
  concatChannels(xs) {
    return run(MolConcatChannels, Object.fromEntries(xs.map((x, i) => [`x${i}`, x])));
  },
  shiftSlots(ring, adds) {
    return run(MolShiftSlots, { ring, ...Object.fromEntries(adds.map((x, i) => [`x${i}`, x])) });
  },
};
