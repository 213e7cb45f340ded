import { describe, expect, it } from 'vitest';
import type { Affine2x3 } from '../pipeline/types';
import {
  colourWheelRgba, cropPointsToVideo, directionHue, FLOW_CROP, FLOW_FULL_SCALE_PX, FLOW_MAX_ALPHA, FlowImageInputError,
  flowToVideoPatch, flowValue, hsvToRgb, invertAffine, mapPoints,
} from './flow-image';

const C = FLOW_CROP;

function uniformFlow(u: number, v: number): Float32Array {
  const f = new Float32Array(C * C * 2);
  for (let i = 0; i < C * C; i++) { f[2 * i] = u; f[2 * i + 1] = v; }
  return f;
}

/** Pixel of a patch at video (x, y), or null outside the patch. */
function at(p: NonNullable<ReturnType<typeof flowToVideoPatch>>, x: number, y: number): number[] | null {
  if (x < p.x0 || y < p.y0 || x >= p.x0 + p.width || y >= p.y0 + p.height) return null;
  const o = 4 * ((y - p.y0) * p.width + (x - p.x0));
  return Array.from(p.rgba.subarray(o, o + 4));
}

describe('flow colours', () => {
  it('direction -> hue on screen (y down): right red, down 90, left 180, up 270', () => {
    expect(directionHue(1, 0)).toBe(0);
    expect(directionHue(0, 1)).toBe(90);
    expect(directionHue(-1, 0)).toBe(180);
    expect(directionHue(0, -1)).toBe(270);
    expect(directionHue(1, -1)).toBe(315);
    expect(hsvToRgb(0, 1)).toEqual([255, 0, 0]);
    expect(hsvToRgb(120, 1)).toEqual([0, 255, 0]);
    expect(hsvToRgb(240, 0.5)).toEqual([0, 0, 128]);
    expect(hsvToRgb(180, 1)).toEqual([0, 255, 255]);
  });

  it('magnitude -> value scales with the gain and saturates at 1', () => {
    expect(flowValue(FLOW_FULL_SCALE_PX, 1)).toBe(1);
    expect(flowValue(FLOW_FULL_SCALE_PX / 4, 1)).toBe(0.25);
    expect(flowValue(FLOW_FULL_SCALE_PX / 4, 2)).toBe(0.5);
    expect(flowValue(FLOW_FULL_SCALE_PX / 4, 8)).toBe(1);
    expect(flowValue(0, 32)).toBe(0);
  });
});

describe('flowToVideoPatch', () => {
  it('identity alignment: each video pixel shows its crop pixel, colour from direction, value and alpha from magnitude', () => {
    const id: Affine2x3 = [1, 0, 0, 0, 1, 0];
    const flow = new Float32Array(C * C * 2);
    // crop pixel (10, 20) moves right by 1 px, (30, 40) up by 2 px, everything else still.
    flow[2 * (20 * C + 10)] = 1;
    flow[2 * (40 * C + 30) + 1] = -2;
    const p = flowToVideoPatch(flow, id, 640, 480, 2)!;
    expect([p.x0, p.y0]).toEqual([0, 0]);
    expect(at(p, 10, 20)).toEqual([128, 0, 0, Math.round(0.5 * FLOW_MAX_ALPHA * 255)]); // red, value 0.5
    const up = at(p, 30, 40)!;
    expect(up[3]).toBe(Math.round(FLOW_MAX_ALPHA * 255)); // 2 px * gain 2 = full scale
    expect(up.slice(0, 3)).toEqual(hsvToRgb(270, 1));
    expect(at(p, 11, 20)![3]).toBe(0);
    // Outside the crop's footprint nothing is drawn.
    expect(at(p, 200, 200)).toBeNull();
  });

  it('inverse mapping of a known affine: scale 0.5 + translation places crop pixels at 2x their position, shifted', () => {
    // video -> crop: u = 0.5 x - 50, v = 0.5 y - 20  =>  crop (u, v) sits at video (2u + 100, 2v + 40).
    const m: Affine2x3 = [0.5, 0, -50, 0, 0.5, -20];
    const flow = new Float32Array(C * C * 2);
    flow[2 * (5 * C + 7)] = 4; // crop pixel (7, 5) moves right
    const p = flowToVideoPatch(flow, m, 640, 480, 1)!;
    expect(p.x0).toBe(99);
    expect(p.y0).toBe(39);
    expect(p.x0 + p.width).toBeGreaterThanOrEqual(100 + 2 * 127);
    // Video pixel (114, 50) maps to crop (7, 5) exactly; the 2x2 block (113..114, 49..50) rounds to it.
    for (const [x, y] of [[114, 50], [113, 50], [114, 49], [113, 49]] as const) expect(at(p, x, y)!.slice(0, 3)).toEqual([255, 0, 0]);
    expect(at(p, 114, 51)![3]).toBe(0); // crop (7, 6): still
    expect(at(p, 115, 50)![3]).toBe(0); // crop (8, 5): still
  });

  it('rotation: flow directions are turned back into video directions', () => {
    // The crop is the video rotated by +90 degrees: u = -y + 300, v = x (a video vector (0, 1) down becomes crop (-1, 0)).
    const m: Affine2x3 = [0, -1, 300, 1, 0, 0];
    // Crop flow to the left (-u) must be drawn as "down" on the video.
    const p = flowToVideoPatch(uniformFlow(-1, 0), m, 640, 480, FLOW_FULL_SCALE_PX)!;
    const [x, y] = cropPointsToVideo(m, [[64, 64]])[0];
    expect(at(p, Math.round(x), Math.round(y))!.slice(0, 3)).toEqual(hsvToRgb(90, 1));
    expect(mapPoints(invertAffine(m), [[0, 0]])[0]).toEqual([0, 300]);
  });

  it('rejects a wrong flow size and a singular alignment; a footprint off the frame gives null', () => {
    expect(() => flowToVideoPatch(new Float32Array(10), [1, 0, 0, 0, 1, 0], 64, 64, 1)).toThrow(FlowImageInputError);
    expect(() => flowToVideoPatch(uniformFlow(1, 0), [1, 2, 0, 2, 4, 0], 64, 64, 1)).toThrow(FlowImageInputError);
    expect(flowToVideoPatch(uniformFlow(1, 0), [1, 0, 1000, 0, 1, 0], 64, 64, 1)).toBeNull();
  });
});

describe('cropPointsToVideo / colourWheelRgba', () => {
  it('maps MOL landmarks back through the inverse alignment', () => {
    const m: Affine2x3 = [0.5, 0, -50, 0, 0.5, -20];
    expect(cropPointsToVideo(m, [[0, 0], [64, 32]])).toEqual([[100, 40], [228, 104]]);
  });

  it('legend wheel: transparent corners, hue by direction from the centre, dark centre', () => {
    const n = 64;
    const w = colourWheelRgba(n);
    const px = (x: number, y: number) => Array.from(w.subarray(4 * (y * n + x), 4 * (y * n + x) + 4));
    expect(px(0, 0)[3]).toBe(0);
    const right = px(n - 2, n / 2);
    expect(right[0]).toBeGreaterThan(200);
    expect(right[1]).toBeLessThan(40);
    const centre = px(n / 2, n / 2);
    expect(Math.max(...centre.slice(0, 3))).toBeLessThan(20);
  });
});
