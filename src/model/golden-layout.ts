/**
 * Maps the graph's captured tensors (NHWC, frames/pairs on axis 0) to the layouts of shared/golden's manifest
 * (PyTorch B,C,H,W / B,C,H,W,S / B,2,H,W,P ...). Used by the parity tests and `npm run golden`.
 */
import { permute } from './weights/permute';

interface LayoutRule {
  /** Axis permutation from our layout, then the golden shape is ours permuted with `lead` unit axes prepended. */
  perm: number[];
  lead: number;
  layout: string;
}

export const GOLDEN_LAYOUTS: Record<string, LayoutRule> = {
  stem_f0: { perm: [0, 3, 1, 2], lead: 0, layout: 'B,C,H,W' },
  fcc1_f0: { perm: [0, 3, 1, 2], lead: 0, layout: 'B,C,H,W' },
  ccc1_edge_f0: { perm: [0, 3, 1, 2], lead: 0, layout: 'B,C,H,W' },
  f5c1_f0: { perm: [0, 3, 1, 2], lead: 0, layout: 'B,C,H,W' },
  fcc2_f1: { perm: [0, 3, 1, 2], lead: 0, layout: 'B,C,H,W' },
  ccc2_edge_f1: { perm: [0, 3, 1, 2], lead: 0, layout: 'B,C,H,W' },
  f5c2_f1: { perm: [0, 3, 1, 2], lead: 0, layout: 'B,C,H,W' },
  // [14,16,16,C] -> [14,1,C,16,16]: the unit batch axis sits after CALL, so insert it after the permute.
  fcc_out_all: { perm: [0, 3, 1, 2], lead: 0, layout: 'CALL,B,C,H,W' },
  knn_idx_all: { perm: [0, 1, 2], lead: 0, layout: 'CALL,B,N,K' },
  mer_input: { perm: [3, 1, 2, 0], lead: 1, layout: 'B,C,H,W,S' },
  flow_conv3a_pair0: { perm: [0, 3, 1, 2], lead: 0, layout: 'B,C,H,W' },
  flow_conv3b_pair0: { perm: [0, 3, 1, 2], lead: 0, layout: 'B,C,H,W' },
  corr_pair0: { perm: [0, 3, 1, 2], lead: 0, layout: 'B,D,H,W' },
  mer_logits: { perm: [0, 1], lead: 0, layout: 'B,CLS' },
  ldm: { perm: [1, 0], lead: 1, layout: 'B,136,P' },
  flow: { perm: [3, 1, 2, 0], lead: 1, layout: 'B,2,H,W,P' },
};

export const GOLDEN_NAMES = Object.keys(GOLDEN_LAYOUTS);

export class GoldenLayoutError extends Error {
  override readonly name = 'GoldenLayoutError';
}

/** Our captured tensor -> golden layout (C-order data and shape). */
export function toGoldenLayout<T extends Float32Array | Int32Array>(name: string, data: T, shape: readonly number[]): { data: T; shape: number[] } {
  const rule = GOLDEN_LAYOUTS[name];
  if (!rule) throw new GoldenLayoutError(`no golden layout for tensor "${name}"`);
  let outShape = rule.perm.map((p) => shape[p]);
  let out: T = data;
  if (rule.perm.some((p, i) => p !== i)) {
    if (!(data instanceof Float32Array)) throw new GoldenLayoutError(`"${name}": only float tensors are permuted`);
    out = permute(data, shape, rule.perm).data as T;
  }
  if (name === 'fcc_out_all' || name === 'knn_idx_all') outShape = [outShape[0], 1, ...outShape.slice(1)];
  else outShape = [...new Array<number>(rule.lead).fill(1), ...outShape];
  return { data: out, shape: outShape };
}

/** Relative L2 distance ||a - b|| / ||b|| in float64. */
export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    num += d * d;
    den += b[i] * b[i];
  }
  return Math.sqrt(num) / Math.sqrt(den);
}

/** Nodes whose neighbour *sets* differ between two [calls, nodes, k] index arrays (order within a set is free). */
export function knnSetMismatches(a: Int32Array, b: Int32Array, k: number): number[] {
  const bad: number[] = [];
  for (let r = 0; r * k < b.length; r++) {
    const sa = Array.from(a.subarray(r * k, r * k + k)).sort((x, y) => x - y);
    const sb = Array.from(b.subarray(r * k, r * k + k)).sort((x, y) => x - y);
    if (a.length !== b.length || sa.some((v, i) => v !== sb[i])) bad.push(r);
  }
  return bad;
}
