/**
 * MOL's optical flow (crop pixels, NHWC [128,128,2]) as a colour image on the video: HSV colour wheel with
 * hue = direction and value (and opacity) = magnitude. Each video pixel looks up the crop pixel the alignment
 * maps it to (the inverse mapping of the crop onto the video), and the flow vector is turned back into video
 * directions by the inverse of the alignment's linear part, so "up on the face" is up on screen whatever the
 * head roll. Pure functions: the canvas code only puts the returned pixels.
 */
import type { Affine2x3, Point } from '../pipeline/types';

export const FLOW_CROP = 128;
/** Crop-pixel flow magnitude drawn at full value with gain 1; gain g reaches full value at FLOW_FULL_SCALE_PX / g. */
export const FLOW_FULL_SCALE_PX = 4;
/** Opacity of a full-magnitude pixel (the face stays visible under the colour). */
export const FLOW_MAX_ALPHA = 0.85;

export class FlowImageInputError extends Error {
  override readonly name = 'FlowImageInputError';
}

export function invertAffine(m: Affine2x3): Affine2x3 {
  const [a, b, tx, c, d, ty] = m;
  const det = a * d - b * c;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new FlowImageInputError(`alignment [${m.join(', ')}] is not invertible`);
  const ia = d / det, ib = -b / det, ic = -c / det, id = a / det;
  return [ia, ib, -(ia * tx + ib * ty), ic, id, -(ic * tx + id * ty)];
}

export function mapPoints(m: Affine2x3, points: readonly Point[]): Point[] {
  const [a, b, tx, c, d, ty] = m;
  return points.map(([x, y]) => [a * x + b * y + tx, c * x + d * y + ty] as const);
}

/** Crop-pixel points (MOL's landmarks) -> video pixels through the inverse alignment. */
export function cropPointsToVideo(alignment: Affine2x3, points: readonly Point[]): Point[] {
  return mapPoints(invertAffine(alignment), points);
}

/** HSV (h in degrees, s = 1) -> RGB 0..255. */
export function hsvToRgb(hDeg: number, v: number): [number, number, number] {
  const h = (((hDeg % 360) + 360) % 360) / 60;
  const x = v * (1 - Math.abs((h % 2) - 1));
  const [r, g, b] = h < 1 ? [v, x, 0] : h < 2 ? [x, v, 0] : h < 3 ? [0, v, x] : h < 4 ? [0, x, v] : h < 5 ? [x, 0, v] : [v, 0, x];
  return [Math.round(r * 255), Math.round(g * 255), Math.round(b * 255)];
}

/** Direction of a vector on screen (y down) as the wheel's hue: 0 = right (red), 90 = down, 180 = left, 270 = up. */
export function directionHue(dx: number, dy: number): number {
  const deg = (Math.atan2(dy, dx) * 180) / Math.PI;
  return deg < 0 ? deg + 360 : deg;
}

/** Magnitude (crop px) -> value 0..1 with the amplification gain. */
export function flowValue(magnitudeCropPx: number, gain: number): number {
  return Math.min(1, (magnitudeCropPx * gain) / FLOW_FULL_SCALE_PX);
}

/** The wheel colour of one vector: [r, g, b, a] with a = value * FLOW_MAX_ALPHA. */
export function flowColour(dx: number, dy: number, value: number): [number, number, number, number] {
  const [r, g, b] = hsvToRgb(directionHue(dx, dy), value);
  return [r, g, b, Math.round(value * FLOW_MAX_ALPHA * 255)];
}

/** A patch of the video-sized overlay: put `rgba` (width x height) at (x0, y0). */
export interface FlowPatch {
  x0: number;
  y0: number;
  width: number;
  height: number;
  rgba: Uint8ClampedArray<ArrayBuffer>;
}

/**
 * Flow field of the crop -> RGBA patch of the video covering the crop's footprint (transparent elsewhere), or
 * null when the footprint misses the frame. `alignment` maps video px -> crop px (FrameResult.alignment).
 */
export function flowToVideoPatch(flow: Float32Array, alignment: Affine2x3, frameWidth: number, frameHeight: number, gain: number): FlowPatch | null {
  const C = FLOW_CROP;
  if (flow.length !== C * C * 2) throw new FlowImageInputError(`flow must be ${C}x${C}x2 floats, got ${flow.length}`);
  const inv = invertAffine(alignment);
  // Footprint of the crop's pixel area on the video.
  const corners = mapPoints(inv, [[-0.5, -0.5], [C - 0.5, -0.5], [-0.5, C - 0.5], [C - 0.5, C - 0.5]]);
  const x0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[0]))));
  const y0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[1]))));
  const x1 = Math.min(frameWidth, Math.ceil(Math.max(...corners.map((p) => p[0]))) + 1);
  const y1 = Math.min(frameHeight, Math.ceil(Math.max(...corners.map((p) => p[1]))) + 1);
  if (x1 <= x0 || y1 <= y0) return null;
  const width = x1 - x0, height = y1 - y0;
  const rgba = new Uint8ClampedArray(width * height * 4);
  const [a, b, tx, c, d, ty] = alignment;
  // Crop vectors -> video vectors: the inverse's linear part.
  const [la, lb, , lc, ld] = inv;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const u = Math.round(a * x + b * y + tx), v = Math.round(c * x + d * y + ty);
      if (u < 0 || v < 0 || u >= C || v >= C) continue;
      const k = 2 * (v * C + u);
      const fu = flow[k], fv = flow[k + 1];
      const value = flowValue(Math.hypot(fu, fv), gain);
      if (!(value > 0)) continue;
      const [r, g, bl, al] = flowColour(la * fu + lb * fv, lc * fu + ld * fv, value);
      const o = 4 * ((y - y0) * width + (x - x0));
      rgba[o] = r; rgba[o + 1] = g; rgba[o + 2] = bl; rgba[o + 3] = al;
    }
  }
  return { x0, y0, width, height, rgba };
}

/** The legend: a size x size colour wheel (hue = direction on screen, value = distance from the centre). */
export function colourWheelRgba(size: number): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(size * size * 4);
  const r0 = size / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x + 0.5 - r0, dy = y + 0.5 - r0;
      const rr = Math.hypot(dx, dy) / r0;
      if (rr > 1) continue;
      const [r, g, b] = hsvToRgb(directionHue(dx, dy), rr);
      const o = 4 * (y * size + x);
      out[o] = r; out[o + 1] = g; out[o + 2] = b; out[o + 3] = 255;
    }
  }
  return out;
}
