/**
 * Executable spec of MolKnn: cosine-similarity kNN over the P = H*W spatial positions of [N, H, W, C] (MOL's CCC
 * graph). Like F.normalize + matmul in the official code: each position's C-vector is divided by max(||v||, 1e-12),
 * then similarities are dot products. Returns int32 [N, P, k], most similar first (ties: lower index first). The node
 * itself is included (similarity 1).
 */
export const KNN_EPS = 1e-12;

/** Normalised vectors [N, P, C] (float64 for the reference). */
export function normaliseRows(u: Float32Array, n: number, p: number, c: number): Float64Array {
  const out = new Float64Array(n * p * c);
  for (let r = 0; r < n * p; r++) {
    let ss = 0;
    for (let ci = 0; ci < c; ci++) ss += u[r * c + ci] * u[r * c + ci];
    const d = Math.max(Math.sqrt(ss), KNN_EPS);
    for (let ci = 0; ci < c; ci++) out[r * c + ci] = u[r * c + ci] / d;
  }
  return out;
}

/** Similarity matrix [N, P, P] from normaliseRows output. */
export function similarities(vn: Float64Array, n: number, p: number, c: number): Float64Array {
  const s = new Float64Array(n * p * p);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        let d = 0;
        const bi = (b * p + i) * c, bj = (b * p + j) * c;
        for (let ci = 0; ci < c; ci++) d += vn[bi + ci] * vn[bj + ci];
        s[(b * p + i) * p + j] = d;
      }
    }
  }
  return s;
}

export function knnReference(u: Float32Array, n: number, p: number, c: number, k: number): { idx: Int32Array; sim: Float64Array } {
  const sim = similarities(normaliseRows(u, n, p, c), n, p, c);
  const idx = new Int32Array(n * p * k);
  const order = [...Array(p).keys()];
  for (let r = 0; r < n * p; r++) {
    const row = sim.subarray(r * p, (r + 1) * p);
    const sorted = order.slice().sort((a, b) => row[b] - row[a] || a - b);
    for (let j = 0; j < k; j++) idx[r * k + j] = sorted[j];
  }
  return { idx, sim };
}
