/**
 * Executable spec of MolFcc on [N, 16, 16, C] NHWC (golden README section 3.4). Channels [0, C/2) form branch a
 * (circular conv along H, then along W), [C/2, C) branch b (W then H). Per branch, with taps reading (i + t) mod 16:
 *   z  = (x + pe1) * bnScale + bnShift          pe1 along H (a) / W (b)
 *   y1 = b1 + sum_t k1[t] z[first axis + t]
 *   y2 = y1 + pe2                               pe2 along W (a) / H (b)
 *   y  = x + b2 + sum_t k2[t] y2[second axis + t]
 */
export const FCC_SIZE = 16;

/** One branch's parameters as plain arrays: pe1, k1, pe2, k2 are [16, half] row-major; the rest [half]. */
export interface FccBranchArrays {
  pe1: Float32Array; bnScale: Float32Array; bnShift: Float32Array; k1: Float32Array; b1: Float32Array;
  pe2: Float32Array; k2: Float32Array; b2: Float32Array;
}

export function fccReference(x: Float32Array, n: number, c: number, a: FccBranchArrays, b: FccBranchArrays): Float32Array {
  const S = FCC_SIZE;
  const half = c / 2;
  const out = new Float32Array(x.length);
  const at = (bi: number, i: number, j: number, ch: number) => ((bi * S + i) * S + j) * c + ch;
  for (let bi = 0; bi < n; bi++) {
    for (const [p, off, vFirst] of [[a, 0, true], [b, half, false]] as const) {
      for (let ch = 0; ch < half; ch++) {
        const z = new Float64Array(S * S);
        for (let i = 0; i < S; i++) {
          for (let j = 0; j < S; j++) {
            const pe = p.pe1[(vFirst ? i : j) * half + ch];
            z[i * S + j] = (x[at(bi, i, j, off + ch)] + pe) * p.bnScale[ch] + p.bnShift[ch];
          }
        }
        const y2 = new Float64Array(S * S);
        for (let i = 0; i < S; i++) {
          for (let j = 0; j < S; j++) {
            let s = p.b1[ch];
            for (let t = 0; t < S; t++) s += p.k1[t * half + ch] * (vFirst ? z[((i + t) % S) * S + j] : z[i * S + (j + t) % S]);
            y2[i * S + j] = s + p.pe2[(vFirst ? j : i) * half + ch];
          }
        }
        for (let i = 0; i < S; i++) {
          for (let j = 0; j < S; j++) {
            let s = p.b2[ch];
            for (let t = 0; t < S; t++) s += p.k2[t * half + ch] * (vFirst ? y2[i * S + (j + t) % S] : y2[((i + t) % S) * S + j]);
            out[at(bi, i, j, off + ch)] = x[at(bi, i, j, off + ch)] + s;
          }
        }
      }
    }
  }
  return out;
}
