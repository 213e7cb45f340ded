/** Executable spec of MolDense: y = act(x [N, in] @ w [in, out] + b). Also the reference of the yardstick matmul. */
import type { Activation } from '../ops';
import { applyActivation } from './conv2d.reference';

export function denseReference(x: Float32Array, n: number, inDim: number, w: Float32Array, outDim: number, b: Float32Array | null, activation: Activation, alpha = 0.1): Float32Array {
  const out = new Float32Array(n * outDim);
  const acc = new Float64Array(outDim);
  for (let r = 0; r < n; r++) {
    acc.fill(0);
    for (let k = 0; k < inDim; k++) {
      const xv = x[r * inDim + k];
      for (let c = 0; c < outDim; c++) acc[c] += xv * w[k * outDim + c];
    }
    for (let c = 0; c < outDim; c++) out[r * outDim + c] = applyActivation(acc[c] + (b ? b[c] : 0), activation, alpha);
  }
  return out;
}
