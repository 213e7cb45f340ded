/** The plain-TS kernel references are the executable spec: check them on hand-computed cases and identities. */
import { describe, expect, it } from 'vitest';
import { conv2dReference } from './conv2d.reference';
import { deconvReference } from './deconv.reference';
import { correlationReference, CORR_CHANNELS } from './correlation.reference';
import { fccReference, type FccBranchArrays } from './fcc.reference';
import { knnReference } from './knn.reference';
import { cccEdgeReference } from './ccc-edge.reference';
import { conv3dPoolReference } from './conv3d-pool.reference';
import { denseReference } from './dense.reference';

const f32 = (a: number[]) => Float32Array.from(a);
const seq = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);

describe('conv2d reference', () => {
  it('computes a 2x2 valid conv by hand, then bias, folded BN and activation', () => {
    // x 3x3 = 1..9, w 2x2 of ones: window sums 12 16 24 28.
    const base = { x: seq(9, (i) => i + 1), xShape: [1, 3, 3, 1] as const, w: f32([1, 1, 1, 1]), wShape: [2, 2, 1, 1] as const, stride: 1, pad: [0, 0, 0, 0] as const };
    expect(Array.from(conv2dReference({ ...base, activation: 'linear' }).data)).toEqual([12, 16, 24, 28]);
    const y = conv2dReference({ ...base, bias: f32([-20]), bnScale: f32([2]), bnShift: f32([1]), activation: 'leakyRelu', alpha: 0.5 });
    expect(Array.from(y.data)).toEqual([(12 - 20) * 2 * 0.5 + 0.5, (16 - 20) * 2 * 0.5 + 0.5, 9, 17]);
  });

  it('zero-pads asymmetrically and strides', () => {
    // pad top 1, left 1, stride 2 on 1..9 with a 2x2 ones kernel: windows [0,0;0,1], [0,0;2,3], [0,4;0,7], [5,6;8,9]
    const y = conv2dReference({ x: seq(9, (i) => i + 1), xShape: [1, 3, 3, 1], w: f32([1, 1, 1, 1]), wShape: [2, 2, 1, 1], stride: 2, pad: [1, 0, 1, 0], activation: 'relu' });
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(Array.from(y.data)).toEqual([1, 5, 11, 28]);
  });
});

describe('deconv reference', () => {
  it('is the adjoint of the k4 s2 p1 conv with the same weight array', () => {
    // conv: [1,6,4,A] -> [1,3,2,B] with w [4,4,A,B]; deconv with w read as [4,4,out=A,in=B] maps back.
    const A = 3, B = 2;
    const w = seq(16 * A * B, (i) => Math.sin(i * 1.7));
    const x = seq(6 * 4 * A, (i) => Math.cos(i * 0.3));
    const y = seq(3 * 2 * B, (i) => Math.sin(i * 0.9 + 1));
    const cx = conv2dReference({ x, xShape: [1, 6, 4, A], w, wShape: [4, 4, A, B], stride: 2, pad: [1, 1, 1, 1], activation: 'linear' });
    expect(cx.shape).toEqual([1, 3, 2, B]);
    const dy = deconvReference(y, [1, 3, 2, B], w, [4, 4, A, B], 'linear');
    expect(dy.shape).toEqual([1, 6, 4, A]);
    expect(dot(cx.data, y)).toBeCloseTo(dot(x, dy.data), 5);
  });
});

describe('correlation reference', () => {
  it('puts the zero displacement at channel 220, divides by C, zeroes outside the map and leaks negatives', () => {
    const a = f32([1, 2, 3, 4]); // [1,1,2,2]: pixel (0,0) = [1,2], (0,1) = [3,4]
    const b = f32([1, 1, -1, 0]);
    const y = correlationReference(a, b, [1, 1, 2, 2]);
    expect(y.length).toBe(2 * CORR_CHANNELS);
    expect(y[220]).toBeCloseTo((1 + 2) / 2); // (0,0): a . b(0,0)
    expect(y[221]).toBe(0);
    expect(y[CORR_CHANNELS + 220]).toBeCloseTo(((3 * -1) / 2) * 0.1); // (0,1): a . b(0,1) = -3, leaky
    expect(y.filter((v) => v !== 0).length).toBe(2);
  });
});

describe('fcc reference', () => {
  const S = 16;
  const identity = (half: number, k1Tap: number, k2Tap: number): FccBranchArrays => ({
    pe1: new Float32Array(S * half), bnScale: new Float32Array(half).fill(1), bnShift: new Float32Array(half),
    k1: seq(S * half, (i) => (Math.floor(i / half) === k1Tap ? 1 : 0)), b1: new Float32Array(half),
    pe2: new Float32Array(S * half), k2: seq(S * half, (i) => (Math.floor(i / half) === k2Tap ? 1 : 0)), b2: new Float32Array(half),
  });
  const x = seq(S * S * 2, (i) => i); // C = 2: channel 0 is branch a, channel 1 branch b
  const at = (i: number, j: number, c: number) => (i * S + j) * 2 + c;

  it('with tap-0 delta kernels adds the input to itself', () => {
    const y = fccReference(x, 1, 2, identity(1, 0, 0), identity(1, 0, 0));
    expect(Array.from(y)).toEqual(Array.from(x, (v) => 2 * v));
  });

  it('reads tap t at (i + t) mod 16: branch a shifts rows then columns, branch b columns then rows', () => {
    const y = fccReference(x, 1, 2, identity(1, 1, 2), identity(1, 1, 2));
    // a: y1[i,j] = x[i+1, j]; y[i,j] = x[i,j] + y1[i, j+2] = x[i,j] + x[i+1, j+2]
    expect(y[at(15, 14, 0)]).toBe(x[at(15, 14, 0)] + x[at(0, 0, 0)]);
    // b: y1[i,j] = x[i, j+1]; y[i,j] = x[i,j] + y1[i+2, j] = x[i,j] + x[i+2, j+1]
    expect(y[at(14, 15, 1)]).toBe(x[at(14, 15, 1)] + x[at(0, 0, 1)]);
  });

  it('adds pe1 along H for branch a and along W for branch b, before BN', () => {
    const a = identity(1, 0, 0), b = identity(1, 0, 0);
    a.pe1[3] = 10; b.pe1[3] = 10; // row 3 (a) / column 3 (b)
    a.bnScale[0] = 2; b.bnScale[0] = 2;
    const y = fccReference(new Float32Array(S * S * 2), 1, 2, a, b);
    expect(y[at(3, 7, 0)]).toBe(20);
    expect(y[at(7, 3, 0)]).toBe(0);
    expect(y[at(7, 3, 1)]).toBe(20);
    expect(y[at(3, 7, 1)]).toBe(0);
  });
});

describe('knn reference', () => {
  it('ranks by cosine similarity, self first, ties by lower index', () => {
    // 4 nodes, C = 2: n0 (1,0), n1 (2,0) (same direction as n0), n2 (0,1), n3 (1,1)
    const u = f32([1, 0, 2, 0, 0, 1, 1, 1]);
    const { idx } = knnReference(u, 1, 4, 2, 3);
    // n0: self (1), n1 (1, tie -> index order puts 0 before 1), n3 (0.707)
    expect(Array.from(idx.subarray(0, 3))).toEqual([0, 1, 3]);
    expect(Array.from(idx.subarray(3, 6))).toEqual([0, 1, 3]); // n1 ties with n0 at similarity 1: lower index first
    expect(Array.from(idx.subarray(6, 9))).toEqual([2, 3, 0]);
  });

  it('leaves an all-zero vector at similarity 0 instead of NaN (F.normalize eps)', () => {
    const { sim } = knnReference(f32([0, 0, 1, 0]), 1, 2, 2, 2);
    expect(Array.from(sim)).toEqual([0, 0, 0, 1]);
  });
});

describe('ccc edge reference', () => {
  it('computes max_j ReLU(Θv + bθ + Φ(v[nbr_j] − 2v) + bφ) with position o as output node', () => {
    // P = 2 nodes, C = 1: v = [1, 3]; Θ = I, Φ = I, biases 0; nbr = [[0,1],[1,0]]
    const u = f32([1, 3]);
    const w = { theta: f32([1, 0, 0, 1]), thetaBias: f32([0, 0]), phi: f32([1, 0, 0, 1]), phiBias: f32([0, 0]) };
    const y = cccEdgeReference(u, 1, 2, 1, Int32Array.from([0, 1, 1, 0]), 2, w, false);
    // node 0: j0: 1 + (1 - 2) = 0; j1: 1 + (3 - 2) = 2 -> 2.  node 1: j0: 3 + (3 - 6) = 0; j1: 3 + (1 - 6) = -2 -> ReLU 0
    expect(Array.from(y)).toEqual([2, 0]);
    expect(Array.from(cccEdgeReference(u, 1, 2, 1, Int32Array.from([0, 1, 1, 0]), 2, w, true))).toEqual([3, 3]);
  });
});

describe('conv3dPool reference', () => {
  it('has the MER head geometry and pools the max conv output', () => {
    const xs = [1, 14, 16, 16, 4], ws = [5, 2, 2, 4, 4];
    const x = new Float32Array(xs.reduce((a, b) => a * b)).fill(1);
    const w = new Float32Array(ws.reduce((a, b) => a * b)).fill(0.5);
    const y = conv3dPoolReference(x, xs, w, ws, f32([0, 1, 2, 3]));
    expect(y.shape).toEqual([1, 5, 4, 4, 4]);
    expect(Array.from(y.data.subarray(0, 4))).toEqual([40, 41, 42, 43]); // 5*2*2*4 taps * 0.5 + bias
  });

  it('takes the max over depth, height and width', () => {
    // S = 2, H = W = 4, C = 4 (one-hot channel 0), w 1x2x2 picks channel 0 -> conv = sum of a 2x2 patch
    const x = new Float32Array(2 * 4 * 4 * 4);
    x[(((1 * 4 + 2) * 4 + 3) * 4)] = 5; // depth 1, row 2, col 3
    const w = new Float32Array(1 * 2 * 2 * 4 * 4);
    for (let t = 0; t < 4; t++) w[t * 16] = 1; // ci 0 -> co 0 for each of the 4 taps
    const y = conv3dPoolReference(x, [1, 2, 4, 4, 4], w, [1, 2, 2, 4, 4], new Float32Array(4));
    expect(y.shape).toEqual([1, 1, 1, 1, 4]);
    expect(Array.from(y.data)).toEqual([5, 0, 0, 0]);
  });
});

describe('dense reference', () => {
  it('multiplies, adds bias and activates', () => {
    const y = denseReference(f32([1, 2, 3, 4]), 2, 2, f32([1, -1, 2, 0]), 2, f32([0, 1]), 'relu');
    expect(Array.from(y)).toEqual([5, 0, 11, 0]);
  });
});
