/**
 * Flow-based motion magnification of an event's aligned crops (pure, no GPU).
 *
 * MOL's flow for frame k is the forward flow previous -> k on the previous frame's grid (TV-L1 / FlowNet
 * convention: prev(p) ~ frame_k(p + f_k(p))), u = x, v = y, crop pixels. Chaining these from the onset gives,
 * for every onset pixel p, where its content sits in frame t: p + D_t(p) (Lagrangian accumulation).
 *
 * The magnified frame t moves that content to p + alpha * D_t(p) instead. It is made from crop_t itself by a
 * backward warp: for an output pixel y, find the onset point p with p + alpha * D_t(p) = y (fixed-point
 * iteration), then sample crop_t at y - (alpha - 1) * D_t(p), bilinearly. alpha = 1 is exactly the identity.
 */

export class MagnifyInputError extends Error {
  override readonly name = 'MagnifyInputError';
}

/** Bilinear sample of channel `c` of an interleaved image with `ch` channels, coordinates clamped to the border. */
export function sampleBilinear(img: ArrayLike<number>, w: number, h: number, x: number, y: number, ch = 1, c = 0): number {
  const cx = Math.min(Math.max(x, 0), w - 1);
  const cy = Math.min(Math.max(y, 0), h - 1);
  const x0 = Math.min(Math.floor(cx), w - 2 < 0 ? 0 : w - 2);
  const y0 = Math.min(Math.floor(cy), h - 2 < 0 ? 0 : h - 2);
  const x1 = Math.min(x0 + 1, w - 1);
  const y1 = Math.min(y0 + 1, h - 1);
  const fx = cx - x0;
  const fy = cy - y0;
  const a = img[(y0 * w + x0) * ch + c];
  const b = img[(y0 * w + x1) * ch + c];
  const d = img[(y1 * w + x0) * ch + c];
  const e = img[(y1 * w + x1) * ch + c];
  return (a * (1 - fx) + b * fx) * (1 - fy) + (d * (1 - fx) + e * fx) * fy;
}

function checkField(f: Float32Array, w: number, h: number, what: string): void {
  if (f.length !== w * h * 2) throw new MagnifyInputError(`${what}: expected ${w}x${h}x2 = ${w * h * 2} values, got ${f.length}`);
}

/**
 * Displacement from the onset frame to each frame of a clip. `flows[k]` is the flow (k-1) -> k; `flows[0]` is
 * ignored (the onset has no motion relative to itself); a null flow counts as no motion. Returns one
 * [h, w, 2] field per frame, D_0 = 0, D_k(p) = D_{k-1}(p) + f_k(p + D_{k-1}(p)).
 */
export function accumulateFlow(flows: readonly (Float32Array | null)[], w: number, h: number): Float32Array[] {
  const out: Float32Array[] = [];
  let d = new Float32Array(w * h * 2);
  out.push(d);
  for (let k = 1; k < flows.length; k++) {
    const f = flows[k];
    const next = new Float32Array(d);
    if (f) {
      checkField(f, w, h, `flows[${k}]`);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const i = (y * w + x) * 2;
          const px = x + d[i];
          const py = y + d[i + 1];
          next[i] += sampleBilinear(f, w, h, px, py, 2, 0);
          next[i + 1] += sampleBilinear(f, w, h, px, py, 2, 1);
        }
      }
    }
    out.push(next);
    d = next;
  }
  return out;
}

/** Fixed-point steps for p = y - alpha * D(p); converges while alpha * |grad D| < 1, and 4 steps are plenty there. */
const INVERSE_STEPS = 4;

/**
 * One magnified frame: `crop` (uint8 grey, w x h) warped so that the displacement `disp` (onset -> this frame,
 * from accumulateFlow) becomes alpha times as large. Samples outside the crop are clamped to its border.
 */
export function magnifyFrame(crop: Uint8Array, disp: Float32Array, w: number, h: number, alpha: number): Uint8Array {
  if (crop.length !== w * h) throw new MagnifyInputError(`crop: expected ${w}x${h} = ${w * h} bytes, got ${crop.length}`);
  checkField(disp, w, h, 'displacement');
  if (!Number.isFinite(alpha) || alpha < 0) throw new MagnifyInputError(`alpha must be a finite number >= 0, got ${alpha}`);
  const out = new Uint8Array(w * h);
  if (alpha === 1) {
    out.set(crop);
    return out;
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let px = x;
      let py = y;
      let du = 0;
      let dv = 0;
      for (let s = 0; s < INVERSE_STEPS; s++) {
        du = sampleBilinear(disp, w, h, px, py, 2, 0);
        dv = sampleBilinear(disp, w, h, px, py, 2, 1);
        px = x - alpha * du;
        py = y - alpha * dv;
      }
      const v = sampleBilinear(crop, w, h, x - (alpha - 1) * du, y - (alpha - 1) * dv);
      out[y * w + x] = Math.min(255, Math.max(0, Math.round(v)));
    }
  }
  return out;
}

/** Every frame of a clip magnified by alpha relative to its first frame (the onset). */
export function magnifyClip(crops: readonly Uint8Array[], flows: readonly (Float32Array | null)[], w: number, h: number, alpha: number): Uint8Array[] {
  if (crops.length !== flows.length) throw new MagnifyInputError(`${crops.length} crops but ${flows.length} flows`);
  const disp = accumulateFlow(flows, w, h);
  return crops.map((c, k) => magnifyFrame(c, disp[k], w, h, alpha));
}
