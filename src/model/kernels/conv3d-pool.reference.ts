/**
 * Executable spec of MolConv3dPool (MOL's MER head): NDHWC x [N, S, H, W, C], w [kd, kh, kw, C, Co], bias [Co];
 * conv3d with stride (1, 2, 2), no padding, + bias, then MaxPool3d(2) (floor):
 *   conv[n, d, y, x, co] = b[co] + sum x[n, d + dt, 2y + ky, 2x + kx, ci] * w[dt, ky, kx, ci, co]
 *   out[n, pd, py, px, co] = max over a, b, c in {0, 1} of conv[n, 2pd + a, 2py + b, 2px + c, co]
 */
export function conv3dPoolGeometry(xShape: readonly number[], wShape: readonly number[]) {
  const [n, s, h, w, c] = xShape;
  const [kd, kh, kw, , co] = wShape;
  const cd = s - kd + 1, ch = Math.floor((h - kh) / 2) + 1, cw = Math.floor((w - kw) / 2) + 1;
  return { n, s, h, w, c, kd, kh, kw, co, pd: Math.floor(cd / 2), ph: Math.floor(ch / 2), pw: Math.floor(cw / 2) };
}

export function conv3dPoolReference(x: Float32Array, xShape: readonly number[], w: Float32Array, wShape: readonly number[], bias: Float32Array): { data: Float32Array; shape: number[] } {
  const g = conv3dPoolGeometry(xShape, wShape);
  const out = new Float32Array(g.n * g.pd * g.ph * g.pw * g.co);
  const conv = (n: number, d: number, y: number, xx: number, co: number) => {
    let s = bias[co];
    for (let dt = 0; dt < g.kd; dt++) for (let ky = 0; ky < g.kh; ky++) for (let kx = 0; kx < g.kw; kx++) {
      const xb = ((((n * g.s + d + dt) * g.h + 2 * y + ky) * g.w) + 2 * xx + kx) * g.c;
      const wb = ((dt * g.kh + ky) * g.kw + kx) * g.c;
      for (let ci = 0; ci < g.c; ci++) s += x[xb + ci] * w[(wb + ci) * g.co + co];
    }
    return s;
  };
  let o = 0;
  for (let n = 0; n < g.n; n++) for (let pd = 0; pd < g.pd; pd++) for (let py = 0; py < g.ph; py++) for (let px = 0; px < g.pw; px++) {
    for (let co = 0; co < g.co; co++) {
      let m = -Infinity;
      for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) for (let c = 0; c < 2; c++) m = Math.max(m, conv(n, 2 * pd + a, 2 * py + b, 2 * px + c, co));
      out[o++] = m;
    }
  }
  return { data: out, shape: [g.n, g.pd, g.ph, g.pw, g.co] };
}
