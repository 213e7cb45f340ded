/**
 * Executable spec of MolCorrelation (FlowNetC, kernel 1, patch 21, dilation 2), NHWC:
 *   y[n, y, x, ph*21 + pw] = leaky0.1( (1/C) * sum_c a[n, y, x, c] * b[n, y + 2(ph-10), x + 2(pw-10), c] ), 0 outside the map.
 */
export const CORR_PATCH = 21;
export const CORR_DILATION = 2;
export const CORR_CHANNELS = CORR_PATCH * CORR_PATCH;
export const CORR_SLOPE = 0.1;

export function correlationReference(a: Float32Array, b: Float32Array, shape: readonly [number, number, number, number]): Float32Array {
  const [n, h, w, c] = shape;
  const r = (CORR_PATCH - 1) / 2;
  const out = new Float32Array(n * h * w * CORR_CHANNELS);
  for (let bi = 0; bi < n; bi++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const ab = ((bi * h + y) * w + x) * c;
        const ob = ((bi * h + y) * w + x) * CORR_CHANNELS;
        for (let ph = 0; ph < CORR_PATCH; ph++) {
          const yy = y + CORR_DILATION * (ph - r);
          for (let pw = 0; pw < CORR_PATCH; pw++) {
            const xx = x + CORR_DILATION * (pw - r);
            if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue; // stays 0 (leaky(0) = 0)
            const bb = ((bi * h + yy) * w + xx) * c;
            let s = 0;
            for (let ci = 0; ci < c; ci++) s += a[ab + ci] * b[bb + ci];
            const v = s / c;
            out[ob + ph * CORR_PATCH + pw] = v >= 0 ? v : v * CORR_SLOPE;
          }
        }
      }
    }
  }
  return out;
}
