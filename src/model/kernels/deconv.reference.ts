/**
 * Executable spec of MolDeconv: ConvTranspose2d kernel 4, stride 2, padding 1 (output 2H x 2W), no bias, with
 * w in tfjs conv2dTranspose layout [kh, kw, out, in]:
 *   y[n, oy, ox, co] = act( sum over ky, kx, ci with oy = 2*iy - 1 + ky, ox = 2*ix - 1 + kx of x[n, iy, ix, ci] * w[ky, kx, co, ci] ).
 * (PyTorch's weight [in, out, kh, kw] maps to it by a transpose, no flip.)
 */
import type { Activation } from '../ops';
import { applyActivation } from './conv2d.reference';

export function deconvReference(
  x: Float32Array, xShape: readonly [number, number, number, number],
  w: Float32Array, wShape: readonly [number, number, number, number],
  activation: Activation, alpha = 0.1,
): { data: Float32Array; shape: [number, number, number, number] } {
  const [n, h, wd, inC] = xShape;
  const [, , outC] = wShape;
  const oh = 2 * h, ow = 2 * wd;
  const acc = new Float64Array(n * oh * ow * outC);
  for (let b = 0; b < n; b++) {
    for (let iy = 0; iy < h; iy++) {
      for (let ix = 0; ix < wd; ix++) {
        const xb = ((b * h + iy) * wd + ix) * inC;
        for (let ky = 0; ky < 4; ky++) {
          const oy = 2 * iy - 1 + ky;
          if (oy < 0 || oy >= oh) continue;
          for (let kx = 0; kx < 4; kx++) {
            const ox = 2 * ix - 1 + kx;
            if (ox < 0 || ox >= ow) continue;
            const ob = ((b * oh + oy) * ow + ox) * outC;
            for (let co = 0; co < outC; co++) {
              const wb = ((ky * 4 + kx) * outC + co) * inC;
              let s = 0;
              for (let ci = 0; ci < inC; ci++) s += x[xb + ci] * w[wb + ci];
              acc[ob + co] += s;
            }
          }
        }
      }
    }
  }
  const out = new Float32Array(acc.length);
  for (let i = 0; i < acc.length; i++) out[i] = applyActivation(acc[i], activation, alpha);
  return { data: out, shape: [n, oh, ow, outC] };
}
