/** Executable spec of MolConv2d over Float32Arrays (NHWC, w [kh, kw, in, out]), accumulated in float64. */
import type { Activation } from '../ops';

export interface Conv2dRefArgs {
  x: Float32Array; xShape: readonly [number, number, number, number];
  w: Float32Array; wShape: readonly [number, number, number, number];
  bias?: Float32Array; bnScale?: Float32Array; bnShift?: Float32Array;
  stride: number; pad: readonly [number, number, number, number];
  activation: Activation; alpha?: number;
}

export function applyActivation(v: number, activation: Activation, alpha = 0.1): number {
  if (activation === 'relu') return v > 0 ? v : 0;
  if (activation === 'leakyRelu') return v >= 0 ? v : v * alpha;
  return v;
}

export function conv2dReference(a: Conv2dRefArgs): { data: Float32Array; shape: [number, number, number, number] } {
  const [n, inH, inW, inC] = a.xShape;
  const [kh, kw, , outC] = a.wShape;
  const [padT, padB, padL, padR] = a.pad;
  const outH = Math.floor((inH + padT + padB - kh) / a.stride) + 1;
  const outW = Math.floor((inW + padL + padR - kw) / a.stride) + 1;
  const out = new Float32Array(n * outH * outW * outC);
  const acc = new Float64Array(outC);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        acc.fill(0);
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * a.stride - padT + ky;
          if (iy < 0 || iy >= inH) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * a.stride - padL + kx;
            if (ix < 0 || ix >= inW) continue;
            const xb = ((b * inH + iy) * inW + ix) * inC;
            const wb = (ky * kw + kx) * inC * outC;
            for (let ci = 0; ci < inC; ci++) {
              const xv = a.x[xb + ci];
              const wr = wb + ci * outC;
              for (let co = 0; co < outC; co++) acc[co] += xv * a.w[wr + co];
            }
          }
        }
        const ob = ((b * outH + oy) * outW + ox) * outC;
        for (let co = 0; co < outC; co++) {
          let v = acc[co] + (a.bias ? a.bias[co] : 0);
          if (a.bnScale && a.bnShift) v = v * a.bnScale[co] + a.bnShift[co];
          out[ob + co] = applyActivation(v, a.activation, a.alpha);
        }
      }
    }
  }
  return { data: out, shape: [n, outH, outW, outC] };
}
