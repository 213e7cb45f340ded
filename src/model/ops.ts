/**
 * The operations the MOL graph is built from. Two implementations satisfy this interface:
 *  - `referenceOps` (src/model/layers/reference-ops.ts): stock tfjs ops only; runs on any backend
 *    (webgpu, webgl, cpu, wasm). It is the fallback when WebGPU is missing and the executable spec.
 *  - `kernelOps` (src/model/kernels/kernel-ops.ts): our custom WGSL kernels on tfjs-backend-webgpu,
 *    registered through the one registry in src/model/kernels/index.ts.
 * The graph (src/model/graph.ts) never calls tf.conv2d & co. directly for these layers, so the benchmark can
 * run the same graph with either implementation in the same page.
 *
 * Layout: NHWC everywhere (tfjs's native layout); a batch of frames is the N axis. Weight layouts are
 * tfjs's ([kh, kw, in, out] for conv2d); src/model/weights/ converts from the PyTorch layouts once at load.
 */
import type * as tf from '@tensorflow/tfjs';

export type Activation = 'linear' | 'relu' | 'leakyRelu';

export interface Conv2dOptions {
  stride: number;
  /** Symmetric padding in pixels, or explicit [top, bottom, left, right]. */
  pad: number | readonly [number, number, number, number];
  bias?: tf.Tensor1D;
  /** Folded eval-mode BatchNorm: y = conv * bnScale + bnShift (after bias). */
  bnScale?: tf.Tensor1D;
  bnShift?: tf.Tensor1D;
  activation: Activation;
  /** LeakyReLU slope (FlowNet: 0.1). */
  alpha?: number;
}

/** ConvTranspose2d with kernel 4, stride 2, padding 1 (output = 2x input), no bias, as in FlowNet. */
export interface DeconvOptions {
  activation: Activation;
  alpha?: number;
}

/** One FCC branch, cropped to the 16 used taps/rows. Branch a runs V then H; branch b runs H then V. */
export interface FccBranch {
  /** First positional embedding [16, 64]: varies along H for branch a, along W for branch b. */
  pe1: tf.Tensor2D;
  /** Folded eval-mode BN of the branch: z = (x + pe1) * bnScale + bnShift. */
  bnScale: tf.Tensor1D;
  bnShift: tf.Tensor1D;
  /** First circular kernel taps [16 taps, 64 ch] and its bias [64]. */
  k1: tf.Tensor2D;
  b1: tf.Tensor1D;
  /** Second positional embedding [16, 64]: varies along W for branch a, along H for branch b. */
  pe2: tf.Tensor2D;
  /** Second circular kernel taps [16, 64] and bias [64]. */
  k2: tf.Tensor2D;
  b2: tf.Tensor1D;
}

/** FCC: channels 0..63 go through branch a, 64..127 through branch b (MOL_SPEC section 3.1). */
export interface FccParams {
  a: FccBranch;
  b: FccBranch;
}

/** CCC: Θ and Φ as dense [out 256, in 256] matrices with biases (MOL_SPEC section 3.2). */
export interface CccParams {
  theta: tf.Tensor2D;
  thetaBias: tf.Tensor1D;
  phi: tf.Tensor2D;
  phiBias: tf.Tensor1D;
}

export interface MolOps {
  readonly name: 'reference' | 'kernels';
  /** conv2d, w [kh, kw, in, out]; then +bias, BN, activation. */
  conv2d(x: tf.Tensor4D, w: tf.Tensor4D, o: Conv2dOptions): tf.Tensor4D;
  /** FlowNet deconv k4 s2 p1, w in tfjs conv2dTranspose layout [kh, kw, out, in]. */
  deconv(x: tf.Tensor4D, w: tf.Tensor4D, o: DeconvOptions): tf.Tensor4D;
  /** FCC on [N,16,16,128] -> [N,16,16,128], residual included. */
  fcc(x: tf.Tensor4D, p: FccParams): tf.Tensor4D;
  /** Cosine-similarity kNN over the 256 spatial positions of [N,16,16,C]: int32 [N,256,k], descending. */
  knn(u: tf.Tensor4D, k: number): tf.Tensor3D;
  /** CCC edge aggregation max_j ReLU(Θv + bθ + Φ(v[nbr_j] − 2v) + bφ) -> [N,16,16,C], no residual. */
  cccEdge(u: tf.Tensor4D, nbr: tf.Tensor3D, p: CccParams): tf.Tensor4D;
  /** F5C tail: u + cccEdge(u, knn(u, k), p). */
  ccc(u: tf.Tensor4D, p: CccParams, k: number): tf.Tensor4D;
  /** MER head conv3d (kernel S5 x H2 x W2, stride 1,2,2, no pad, + bias, no activation) then MaxPool3d(2).
   *  x [1, S, 16, 16, 128] (NDHWC, depth = time slots), w [5, 2, 2, 128, 32] -> [1, floor((S-4)/2), 4, 4, 32]. */
  conv3dPool(x: tf.Tensor5D, w: tf.Tensor5D, b: tf.Tensor1D): tf.Tensor5D;
  /** FlowNetC correlation (kernel 1, patch 21, dilation 2) / C, then LeakyReLU(0.1): [N,H,W,C]x2 -> [N,H,W,441],
   *  channel d = ph*21 + pw, displacement (dy, dx) = (2(ph-10), 2(pw-10)), zero outside the map. */
  correlation(a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D;
  /** Fully connected: x [N, in] @ w [in, out] + b, then activation. */
  dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D | null, activation: Activation): tf.Tensor2D;
  /** NHWC concat of 2-4 tensors along channels (FlowNet's concatenations). */
  concatChannels(xs: tf.Tensor4D[]): tf.Tensor4D;
  /** ring [S,H,W,C] without its oldest adds.length slots, then the adds ([1,H,W,C] each, 1 or 2): the streaming
   *  MER input advancing by one frame. */
  shiftSlots(ring: tf.Tensor4D, adds: tf.Tensor4D[]): tf.Tensor4D;
}
