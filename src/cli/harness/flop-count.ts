/**
 * FLOPs of MolOps calls (2 per multiply-accumulate), from the shapes alone, and a MolOps decorator that sums them
 * while delegating every call. Element-wise work (bias, BN, activations, concat) is not counted. CCC counts the
 * (k + 1) matrix products both our kernel and the stock-ops path perform (Θv once, Φ per neighbour slot).
 */
import type * as tf from '@tensorflow/tfjs';
import type { MolOps } from '../../model/ops';

const CORR_CHANNELS = 441;

export const flops = {
  conv2d: (y: tf.Tensor4D, w: tf.Tensor4D) => 2 * y.size * w.shape[0] * w.shape[1] * w.shape[2],
  deconv: (y: tf.Tensor4D, w: tf.Tensor4D) => 2 * y.size * 4 * w.shape[3],
  correlation: (a: tf.Tensor4D) => 2 * a.size * CORR_CHANNELS,
  fcc: (x: tf.Tensor4D) => 2 * x.size * 32,
  knn: (u: tf.Tensor4D) => { const p = u.shape[1] * u.shape[2]; return 2 * u.shape[0] * p * p * u.shape[3]; },
  cccEdge: (u: tf.Tensor4D, k: number) => { const p = u.shape[1] * u.shape[2]; return 2 * u.shape[0] * u.shape[3] * p * p * (k + 1); },
  conv3dPool: (x: tf.Tensor5D, w: tf.Tensor5D) => {
    const [n, s, h, wd] = x.shape;
    const [kd, kh, kw, ci, co] = w.shape;
    const convOut = n * (s - kd + 1) * (Math.floor((h - kh) / 2) + 1) * (Math.floor((wd - kw) / 2) + 1) * co;
    return 2 * convOut * kd * kh * kw * ci;
  },
  dense: (x: tf.Tensor2D, w: tf.Tensor2D) => 2 * x.shape[0] * w.shape[0] * w.shape[1],
};

export interface FlopCounter { total: number; byOp: Record<string, number> }

export function newFlopCounter(): FlopCounter {
  return { total: 0, byOp: {} };
}

export function countingOps(base: MolOps, counter: FlopCounter): MolOps {
  const add = (op: string, f: number) => { counter.total += f; counter.byOp[op] = (counter.byOp[op] ?? 0) + f; };
  return {
    name: base.name,
    conv2d(x, w, o) { const y = base.conv2d(x, w, o); add('conv2d', flops.conv2d(y, w)); return y; },
    deconv(x, w, o) { const y = base.deconv(x, w, o); add('deconv', flops.deconv(y, w)); return y; },
    fcc(x, p) { add('fcc', flops.fcc(x)); return base.fcc(x, p); },
    knn(u, k) { add('knn', flops.knn(u)); return base.knn(u, k); },
    cccEdge(u, nbr, p) { add('cccEdge', flops.cccEdge(u, nbr.shape[2])); return base.cccEdge(u, nbr, p); },
    ccc(u, p, k) { add('knn', flops.knn(u)); add('cccEdge', flops.cccEdge(u, k)); return base.ccc(u, p, k); },
    conv3dPool(x, w, b) { add('conv3dPool', flops.conv3dPool(x, w)); return base.conv3dPool(x, w, b); },
    correlation(a, b) { add('correlation', flops.correlation(a)); return base.correlation(a, b); },
    dense(x, w, b, act) { add('dense', flops.dense(x, w)); return base.dense(x, w, b, act); },
    concatChannels(xs) { return base.concatChannels(xs); },   // copies: no arithmetic
    shiftSlots(ring, adds) { return base.shiftSlots(ring, adds); },
  };
}
