/**
 * Executable spec of MolCccEdge on u [N, H, W, C] with P = H*W = 256 nodes, nbr int32 [N, P, k], and Θ, Φ [P out, P in]:
 *   E_j[c, o] = ReLU( sum_m Θ[o, m] v[c, m] + bθ[o] + sum_m Φ[o, m] (v[c, nbr[m, j]] - 2 v[c, m]) + bφ[o] )
 *   y[n, o // W, o % W, c] = max_j E_j[c, o]   (+ u[n, o // W, o % W, c] when `residual`, i.e. the fused CCC)
 * where v[c, m] = u[n, m // W, m % W, c]. The double-subtracted centre is the official code's.
 */
export interface CccArrays { theta: Float32Array; thetaBias: Float32Array; phi: Float32Array; phiBias: Float32Array }

export function cccEdgeReference(u: Float32Array, n: number, p: number, c: number, nbr: Int32Array, k: number, w: CccArrays, residual: boolean): Float32Array {
  const out = new Float32Array(u.length);
  const v = new Float64Array(p);
  const g = new Float64Array(p);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      for (let m = 0; m < p; m++) v[m] = u[(b * p + m) * c + ch];
      const best = new Float64Array(p).fill(-Infinity);
      for (let j = 0; j < k; j++) {
        for (let m = 0; m < p; m++) g[m] = v[nbr[(b * p + m) * k + j]] - 2 * v[m];
        for (let o = 0; o < p; o++) {
          let s = w.thetaBias[o] + w.phiBias[o];
          for (let m = 0; m < p; m++) s += w.theta[o * p + m] * v[m] + w.phi[o * p + m] * g[m];
          const e = s > 0 ? s : 0;
          if (e > best[o]) best[o] = e;
        }
      }
      for (let o = 0; o < p; o++) out[(b * p + o) * c + ch] = best[o] + (residual ? v[o] : 0);
    }
  }
  return out;
}
