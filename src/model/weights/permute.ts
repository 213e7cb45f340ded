/** C-order transpose of a flat array: output axis i is input axis perm[i] (numpy.transpose semantics). */
export function permute(data: Float32Array, shape: readonly number[], perm: readonly number[]): { data: Float32Array; shape: number[] } {
  const rank = shape.length;
  if (perm.length !== rank) throw new RangeError(`permute: perm ${perm} does not match rank ${rank}`);
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) { inStrides[i] = s; s *= shape[i]; }
  if (s !== data.length) throw new RangeError(`permute: ${data.length} values do not fill shape [${shape}]`);
  const strideOfOut = perm.map((p) => inStrides[p]);
  const out = new Float32Array(data.length);
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = data[src];
    // Odometer increment over the output axes, tracking the source offset incrementally.
    for (let a = rank - 1; a >= 0; a--) {
      idx[a]++;
      src += strideOfOut[a];
      if (idx[a] < outShape[a]) break;
      src -= strideOfOut[a] * outShape[a];
      idx[a] = 0;
    }
  }
  return { data: out, shape: outShape };
}
