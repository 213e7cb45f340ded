/**
 * Flow-based motion magnification of an event's aligned crops (pure, no GPU).
 *
 * MOL's flow for frame k is the forward flow previous -> k on the previous frame's grid (TV-L1 / FlowNet
 * convention: prev(p) ~ frame_k(p + f_k(p))), u = x, v = y, crop pixels. Chaining these from the onset gives,
 * for every onset pixel p, where its content sits in frame t: p + D_t(p) (Lagrangian accumulation).
 *
 * The magnified frame t moves that content to p + alpha * D_t(p) instead. It is made from crop_t itself by a
 * backward warp: for an output pixel y, find the onset point p with p + alpha * D_t(p) = y (a guess splatted
 * forward from the onset grid, so motion local to a region lands where it should, refined by fixed-point
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

/** Fixed-point steps for p = y - alpha * D(p) from the splatted guess; 4 are plenty where alpha * |grad D| < 1. */
const INVERSE_STEPS = 4;
/** A refinement still moving by more than this (px) did not converge (a fold): the splatted guess is kept. */
const CONVERGED_PX = 0.5;
/** Passes of 3x3 filling for output pixels no onset pixel landed on (stretched regions). */
const HOLE_PASSES = 2;

/**
 * Where each onset pixel p lands when magnified (p + alpha D(p), rounded), and the displacement it brings: an
 * output-grid guess of D. Where several land on one pixel the largest motion wins (moving skin in front of the
 * still background it slides over); small holes are filled from their neighbours; NaN where nothing landed
 * (background the motion uncovered: shown as recorded).
 */
function splatGuess(disp: Float32Array, w: number, h: number, alpha: number): Float32Array {
  const guess = new Float32Array(w * h * 2).fill(Number.NaN);
  const mag = new Float32Array(w * h).fill(-1);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 2;
      const qx = Math.round(x + alpha * disp[i]);
      const qy = Math.round(y + alpha * disp[i + 1]);
      if (qx < 0 || qy < 0 || qx >= w || qy >= h) continue;
      const q = qy * w + qx;
      const m = Math.hypot(disp[i], disp[i + 1]);
      if (m > mag[q]) {
        mag[q] = m;
        guess[2 * q] = disp[i];
        guess[2 * q + 1] = disp[i + 1];
      }
    }
  }
  for (let pass = 0; pass < HOLE_PASSES; pass++) {
    const filled: [number, number, number][] = [];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (mag[y * w + x] >= 0) continue;
        let best = -1;
        for (let ny = Math.max(0, y - 1); ny <= Math.min(h - 1, y + 1); ny++) {
          for (let nx = Math.max(0, x - 1); nx <= Math.min(w - 1, x + 1); nx++) {
            const n = ny * w + nx;
            if (mag[n] > (best < 0 ? -1 : mag[best])) best = n;
          }
        }
        if (best >= 0) filled.push([y * w + x, best, mag[best]]);
      }
    }
    for (const [q, n, m] of filled) {
      mag[q] = m;
      guess[2 * q] = guess[2 * n];
      guess[2 * q + 1] = guess[2 * n + 1];
    }
  }
  return guess;
}

/**
 * One magnified frame: `crop` (uint8 grey, w x h) warped so that the displacement `disp` (onset -> this frame,
 * from accumulateFlow) becomes alpha times as large. For each output pixel y the onset point p with
 * p + alpha D(p) = y is found (splatted guess, refined by fixed-point steps), and crop is sampled at
 * y - (alpha - 1) D(p). Samples outside the crop are clamped to its border.
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
  const guess = splatGuess(disp, w, h, alpha);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 2;
      let du = 0;
      let dv = 0;
      if (!Number.isNaN(guess[i])) {
        let px = x - alpha * guess[i];
        let py = y - alpha * guess[i + 1];
        let step = 0;
        for (let s = 0; s < INVERSE_STEPS; s++) {
          du = sampleBilinear(disp, w, h, px, py, 2, 0);
          dv = sampleBilinear(disp, w, h, px, py, 2, 1);
          const nx = x - alpha * du;
          const ny = y - alpha * dv;
          step = Math.hypot(nx - px, ny - py);
          px = nx;
          py = ny;
        }
        if (step > CONVERGED_PX) {
          du = guess[i];
          dv = guess[i + 1];
        }
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
