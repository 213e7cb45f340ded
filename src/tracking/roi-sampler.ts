/**
 * Resamples a rotated ROI of an RGBA frame into the landmark model's input: size x size x 3 float32 in [0, 1],
 * bilinear, border pixels replicated (as MediaPipe's ImageToTensor does). Done in JS on the CPU-side pixels
 * we already hold, so the GPU backend only runs the network.
 */
import type { RotatedRect } from './types';

export function sampleRoiRgb(rgba: Uint8ClampedArray, width: number, height: number, r: RotatedRect, size: number): Float32Array {
  const out = new Float32Array(size * size * 3);
  const c = Math.cos(r.rotation);
  const s = Math.sin(r.rotation);
  const sx = r.w / size;
  const sy = r.h / size;
  let o = 0;
  for (let v = 0; v < size; v++) {
    const dy = (v + 0.5) * sy - r.h / 2;
    for (let u = 0; u < size; u++) {
      const dx = (u + 0.5) * sx - r.w / 2;
      // continuous source coordinate -> pixel-index coordinate (pixel centres at integers)
      let x = r.cx + c * dx - s * dy - 0.5;
      let y = r.cy + s * dx + c * dy - 0.5;
      x = Math.min(Math.max(x, 0), width - 1);
      y = Math.min(Math.max(y, 0), height - 1);
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const x1 = Math.min(x0 + 1, width - 1);
      const y1 = Math.min(y0 + 1, height - 1);
      const fx = x - x0;
      const fy = y - y0;
      const i00 = (y0 * width + x0) * 4, i01 = (y0 * width + x1) * 4, i10 = (y1 * width + x0) * 4, i11 = (y1 * width + x1) * 4;
      for (let ch = 0; ch < 3; ch++) {
        const top = rgba[i00 + ch] + (rgba[i01 + ch] - rgba[i00 + ch]) * fx;
        const bot = rgba[i10 + ch] + (rgba[i11 + ch] - rgba[i10 + ch]) * fx;
        out[o++] = (top + (bot - top) * fy) / 255;
      }
    }
  }
  return out;
}
