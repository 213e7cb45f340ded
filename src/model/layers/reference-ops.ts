/**
 * The stock-tfjs-ops implementation of MolOps: the executable spec of every MOL layer and the fallback when
 * WebGPU is missing. Runs on any tfjs backend (cpu, webgl, webgpu). Formulas: shared/golden/README.md section 3.
 */
import * as tf from '@tensorflow/tfjs';
import { MOL_FIXED } from '../config';
import type { Activation, CccParams, Conv2dOptions, DeconvOptions, FccBranch, FccParams, MolOps } from '../ops';

function activate<T extends tf.Tensor>(x: T, act: Activation, alpha: number = MOL_FIXED.leakySlope): T {
  if (act === 'relu') return tf.relu(x);
  if (act === 'leakyRelu') return tf.leakyRelu(x, alpha);
  return x;
}

function explicitPad(pad: Conv2dOptions['pad']): [[number, number], [number, number], [number, number], [number, number]] {
  const [t, b, l, r] = typeof pad === 'number' ? [pad, pad, pad, pad] : pad;
  return [[0, 0], [t, b], [l, r], [0, 0]];
}

/** Circular cross-correlation along H (axis 1) or W (axis 2) with 16 taps k [16, C] and bias [C]:
 *  out[i] = b + sum_t k[t] * z[(i + t) mod 16]. Wrap by appending the first 15 rows/cols, then a valid depthwise conv. */
function circular(z: tf.Tensor4D, k: tf.Tensor2D, b: tf.Tensor1D, axis: 1 | 2): tf.Tensor4D {
  const taps = k.shape[0];
  const c = k.shape[1];
  const head = axis === 1 ? tf.slice(z, [0, 0, 0, 0], [-1, taps - 1, -1, -1]) : tf.slice(z, [0, 0, 0, 0], [-1, -1, taps - 1, -1]);
  const wrapped = tf.concat([z, head], axis);
  const filter = (axis === 1 ? tf.reshape(k, [taps, 1, c, 1]) : tf.reshape(k, [1, taps, c, 1])) as tf.Tensor4D;
  return tf.add(tf.depthwiseConv2d(wrapped, filter, 1, 'valid'), b);
}

function fccBranch(x: tf.Tensor4D, p: FccBranch, first: 'V' | 'H'): tf.Tensor4D {
  const c = p.pe1.shape[1];
  const s = p.pe1.shape[0];
  // Branch a (first = V): pe1 varies along H, pe2 along W. Branch b mirrors it.
  const alongH = (pe: tf.Tensor2D) => tf.reshape(pe, [1, s, 1, c]);
  const alongW = (pe: tf.Tensor2D) => tf.reshape(pe, [1, 1, s, c]);
  const pe1 = first === 'V' ? alongH(p.pe1) : alongW(p.pe1);
  const pe2 = first === 'V' ? alongW(p.pe2) : alongH(p.pe2);
  const z = tf.add(tf.mul(tf.add(x, pe1), p.bnScale), p.bnShift) as tf.Tensor4D;
  const y1 = tf.add(circular(z, p.k1, p.b1, first === 'V' ? 1 : 2), pe2) as tf.Tensor4D;
  const y2 = circular(y1, p.k2, p.b2, first === 'V' ? 2 : 1);
  return tf.add(x, y2);
}

const corrIndexCache = new Map<string, tf.Tensor1D>();

/** Flat index into the [nodes, nodes + 1] similarity (last column zero) for every (y, x, ph, pw). */
function correlationIndex(h: number, w: number): tf.Tensor1D {
  const key = `${h}x${w}`;
  let t = corrIndexCache.get(key);
  if (t && !t.isDisposed) return t;
  const P = MOL_FIXED.corrPatch, D = MOL_FIXED.corrDilation, R = (P - 1) / 2;
  const nodes = h * w;
  const idx = new Int32Array(nodes * P * P);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const n = y * w + x;
    for (let ph = 0; ph < P; ph++) for (let pw = 0; pw < P; pw++) {
      const yy = y + D * (ph - R), xx = x + D * (pw - R);
      const m = yy >= 0 && yy < h && xx >= 0 && xx < w ? yy * w + xx : nodes;
      idx[n * P * P + ph * P + pw] = n * (nodes + 1) + m;
    }
  }
  t = tf.keep(tf.tensor1d(idx, 'int32'));
  corrIndexCache.set(key, t);
  return t;
}

export const referenceOps: MolOps = {
  name: 'reference',

  conv2d(x, w, o) {
    return tf.tidy(() => {
      let y: tf.Tensor4D = tf.conv2d(x, w, o.stride, explicitPad(o.pad));
      if (o.bias) y = tf.add(y, o.bias);
      if (o.bnScale) y = tf.mul(y, o.bnScale);
      if (o.bnShift) y = tf.add(y, o.bnShift);
      return activate(y, o.activation, o.alpha);
    });
  },

  deconv(x, w, o: DeconvOptions) {
    return tf.tidy(() => {
      const [n, h, wd] = x.shape;
      const outC = w.shape[2];
      // ConvTranspose2d(k4, s2, p1): the input-gradient of a k4 s2 p1 conv over a 2H x 2W map.
      const y = tf.conv2dTranspose(x, w, [n, 2 * h, 2 * wd, outC], 2, 1);
      return activate(y, o.activation, o.alpha);
    });
  },

  fcc(x, p: FccParams) {
    return tf.tidy(() => {
      const half = p.a.pe1.shape[1];
      const xa = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, half]);
      const xb = tf.slice(x, [0, 0, 0, half], [-1, -1, -1, -1]);
      return tf.concat([fccBranch(xa, p.a, 'V'), fccBranch(xb, p.b, 'H')], 3);
    });
  },

  knn(u, k) {
    return tf.tidy(() => {
      const [n, h, w, c] = u.shape;
      const v = tf.reshape(u, [n, h * w, c]);
      // F.normalize: v / max(||v||, 1e-12) over channels.
      const norm = tf.maximum(tf.sqrt(tf.sum(tf.square(v), 2, true)), 1e-12);
      const vn = tf.div(v, norm);
      const sim = tf.matMul(vn, vn, false, true);
      return tf.topk(sim, k, true).indices as tf.Tensor3D;
    });
  },

  cccEdge(u, nbr, p: CccParams) {
    return tf.tidy(() => {
      const [n, h, w, c] = u.shape;
      const nodes = h * w;
      const k = nbr.shape[2];
      const v = tf.reshape(u, [n, nodes, c]);
      const vt = tf.transpose(v, [0, 2, 1]); // [n, c, nodes]: each channel's map is one Conv1d input
      const thetaV = tf.add(tf.matMul(vt, p.theta, false, true), p.thetaBias); // [n, c, o]
      // Neighbour features for all j at once: gather rows nbr[n, node, j] of v.
      const g = tf.gather(v, tf.reshape(nbr, [n, nodes * k]), 1, 1); // [n, nodes*k, c]
      const gj = tf.reshape(g, [n, nodes, k, c]);
      const d = tf.sub(gj, tf.mul(tf.expandDims(v, 2), 2)); // (x_j - x_i) - x_i, the official double subtraction
      const dt = tf.transpose(d, [0, 2, 3, 1]); // [n, k, c, nodes]
      const phiD = tf.add(tf.matMul(tf.reshape(dt, [n, k * c, nodes]), p.phi, false, true), p.phiBias); // [n, k*c, o]
      const e = tf.relu(tf.add(tf.reshape(phiD, [n, k, c, nodes]), tf.expandDims(thetaV, 1)));
      const m = tf.max(e, 1); // [n, c, o]
      return tf.reshape(tf.transpose(m, [0, 2, 1]), [n, h, w, c]) as tf.Tensor4D; // output channel o -> position (o/16, o%16)
    });
  },

  ccc(u, p, k) {
    return tf.tidy(() => {
      const nbr = referenceOps.knn(u, k);
      return tf.add(u, referenceOps.cccEdge(u, nbr, p));
    });
  },

  conv3dPool(x, w, b) {
    return tf.tidy(() => {
      const [, S, H, W, C] = x.shape;
      const [kd, kh, kw, , co] = w.shape;
      if (kh !== 2 || kw !== 2) throw new RangeError(`conv3dPool: the MER head's spatial kernel is 2x2 (stride 2), got ${kh}x${kw}`);
      // Spatial kernel = stride = 2: patches do not overlap, so space-to-depth plus an im2col over time turns
      // the conv3d into one matmul (tfjs's conv3d is a naive loop on cpu and wasm).
      const h2 = H / 2, w2 = W / 2;
      // Ranks stay <= 5: tfjs-webgpu has no shaders for rank 7 (and few for rank 6).
      const s2d = tf.reshape(tf.transpose(tf.reshape(x, [S * h2, 2, w2, 2, C]), [0, 2, 1, 3, 4]), [S, h2 * w2, 4 * C]);
      const T = S - kd + 1;
      const cols = tf.concat(Array.from({ length: kd }, (_, d) => tf.slice(s2d, [d, 0, 0], [T, -1, -1])), 2); // [T, h2*w2, kd*4C]
      const y = tf.add(tf.matMul(tf.reshape(cols, [T * h2 * w2, kd * 4 * C]), tf.reshape(w, [kd * 4 * C, co])), b); // [T*h2*w2, co]
      // MaxPool3d(2): pairs along time and 2x2 in space.
      const t2 = Math.floor(T / 2), hp = Math.floor(h2 / 2), wp = Math.floor(w2 / 2);
      const y4 = tf.slice(tf.reshape(y, [T, h2, w2, co]), [0, 0, 0, 0], [2 * t2, 2 * hp, 2 * wp, co]);
      const timePooled = tf.max(tf.reshape(y4, [t2, 2, 2 * hp * 2 * wp * co]), 1);
      const pooled = tf.max(tf.reshape(timePooled, [t2 * hp, 2, wp, 2, co]), [1, 3]);
      return tf.reshape(pooled, [1, t2, hp, wp, co]) as tf.Tensor5D;
    });
  },

  correlation(a, b) {
    return tf.tidy(() => {
      const [n, h, w, c] = a.shape;
      const nodes = h * w;
      // All position-pair dot products in one matmul, then pick each displacement's entry; a zero column
      // stands in for displacements that leave the map.
      const sim = tf.matMul(tf.reshape(a, [n, nodes, c]), tf.reshape(b, [n, nodes, c]), false, true);
      const padded = tf.reshape(tf.pad(sim, [[0, 0], [0, 0], [0, 1]]), [n, nodes * (nodes + 1)]);
      const picked = tf.gather(padded, correlationIndex(h, w), 1);
      const corr = tf.div(tf.reshape(picked, [n, h, w, MOL_FIXED.corrPatch ** 2]), c) as tf.Tensor4D;
      return tf.leakyRelu(corr, MOL_FIXED.leakySlope);
    });
  },

  dense(x, w, b, activation) {
    return tf.tidy(() => {
      let y: tf.Tensor2D = tf.matMul(x, w);
      if (b) y = tf.add(y, b);
      return activate(y, activation);
    });
  },

  concatChannels(xs) {
    return tf.concat(xs, 3);
  },

  shiftSlots(ring, adds) {
    return tf.tidy(() => tf.concat([tf.slice(ring, adds.length), ...adds], 0));
  },
};
