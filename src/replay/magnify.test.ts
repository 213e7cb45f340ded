import { describe, expect, it } from 'vitest';
import { accumulateFlow, magnifyClip, magnifyFrame, MagnifyInputError, sampleBilinear } from './magnify';
import { cornerShift, syntheticFrames, SYNTHETIC_SESSION } from './__fixtures__/synthetic-session';

const W = 64;
const H = 64;

/** A grey image rendered from a continuous pattern shifted by (dx, dy): pixel (x, y) = pattern(x - dx, y - dy). */
function render(pattern: (x: number, y: number) => number, dx: number, dy: number): Uint8Array {
  const img = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) img[y * W + x] = Math.round(pattern(x - dx, y - dy));
  return img;
}

const blob = (cx: number, cy: number, s: number) => (x: number, y: number) => 250 * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * s * s));
const texture = (x: number, y: number) => 128 + 90 * Math.sin((2 * Math.PI * x) / 24) * Math.cos((2 * Math.PI * y) / 30);

function constantFlow(u: number, v: number): Float32Array {
  const f = new Float32Array(W * H * 2);
  for (let i = 0; i < W * H; i++) { f[2 * i] = u; f[2 * i + 1] = v; }
  return f;
}

function centroid(img: Uint8Array): [number, number] {
  let s = 0, sx = 0, sy = 0;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) { const v = img[y * W + x]; s += v; sx += v * x; sy += v * y; }
  return [sx / s, sy / s];
}

/** A clip of `n` frames of `pattern` translating by (u, v) px per frame, with its (exact) flows. */
function translatedClip(pattern: (x: number, y: number) => number, n: number, u: number, v: number) {
  const crops = Array.from({ length: n }, (_, t) => render(pattern, t * u, t * v));
  const flows = crops.map((_, t) => (t === 0 ? null : constantFlow(u, v)));
  return { crops, flows };
}

describe('sampleBilinear', () => {
  it('interpolates between pixel centres and clamps at the border', () => {
    const img = [0, 10, 20, 30]; // 2x2
    expect(sampleBilinear(img, 2, 2, 0.5, 0)).toBeCloseTo(5);
    expect(sampleBilinear(img, 2, 2, 0.5, 0.5)).toBeCloseTo(15);
    expect(sampleBilinear(img, 2, 2, -3, 7)).toBe(20);
    expect(sampleBilinear(img, 2, 2, 1, 1)).toBe(30);
  });
});

describe('accumulateFlow', { timeout: 30_000 }, () => {
  it('sums constant flows and leaves the onset at zero', () => {
    const d = accumulateFlow([null, constantFlow(0.5, -0.25), constantFlow(0.5, -0.25), null], W, H);
    expect(d).toHaveLength(4);
    expect(Math.max(...d[0].map(Math.abs))).toBe(0);
    expect(d[2][0]).toBeCloseTo(1.0, 6);
    expect(d[2][1]).toBeCloseTo(-0.5, 6);
    expect(d[3][0]).toBeCloseTo(1.0, 6); // a missing flow adds no motion
  });

  it('samples each later flow where the content has moved to (Lagrangian chaining)', () => {
    // frame 1: everything moves 2 px right; frame 2: flow u = 0.1 * x, so a point from x lands at x + 2 + 0.1 (x + 2)
    const f2 = new Float32Array(W * H * 2);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) f2[(y * W + x) * 2] = 0.1 * x;
    const d = accumulateFlow([null, constantFlow(2, 0), f2], W, H);
    for (const x of [0, 10, 30]) expect(d[2][(20 * W + x) * 2]).toBeCloseTo(2 + 0.1 * (x + 2), 5);
  });

  it('rejects a flow of the wrong size by name', () => {
    expect(() => accumulateFlow([null, new Float32Array(10)], W, H)).toThrow(MagnifyInputError);
    expect(() => accumulateFlow([null, new Float32Array(10)], W, H)).toThrow(/flows\[1\]/);
  });
});

describe('magnification', { timeout: 30_000 }, () => {
  it('alpha 1 is the identity', () => {
    const { crops, flows } = translatedClip(texture, 5, 0.4, -0.3);
    const out = magnifyClip(crops, flows, W, H, 1);
    out.forEach((m, t) => expect(m).toEqual(crops[t]));
  });

  it('a translated blob moves alpha times as far (centroid within 0.1 px)', () => {
    const [u, v] = [0.3, -0.2];
    const { crops, flows } = translatedClip(blob(28, 34, 4), 6, u, v);
    for (const alpha of [2, 5, 10]) {
      const out = magnifyClip(crops, flows, W, H, alpha);
      const c0 = centroid(crops[0]);
      out.forEach((m, t) => {
        const c = centroid(m);
        expect(Math.abs(c[0] - c0[0] - alpha * t * u)).toBeLessThan(0.1);
        expect(Math.abs(c[1] - c0[1] - alpha * t * v)).toBeLessThan(0.1);
      });
    }
  });

  it('the magnified texture equals the pattern shifted by alpha x the true displacement', () => {
    const [u, v, alpha, n] = [0.25, 0.15, 8, 5];
    const { crops, flows } = translatedClip(texture, n, u, v);
    const out = magnifyClip(crops, flows, W, H, alpha);
    const t = n - 1;
    const expected = render(texture, alpha * t * u, alpha * t * v);
    const margin = Math.ceil(alpha * t * Math.max(u, v)) + 2; // border pixels are clamped samples
    let worst = 0;
    for (let y = margin; y < H - margin; y++) for (let x = margin; x < W - margin; x++) {
      worst = Math.max(worst, Math.abs(out[t][y * W + x] - expected[y * W + x]));
    }
    // bilinear resampling of this texture errs by ~1.5 grey levels at most, plus rounding; a wrong sign or a
    // factor of alpha - 1 instead of alpha would be off by tens of levels
    expect(worst).toBeLessThanOrEqual(3);
  });

  it('local motion (a mouth corner moving inside a still face) is carried alpha times as far', () => {
    // the synthetic session: corner blobs (sigma 3.5 px) move 1.5 px out and up by the apex, flow only within 12 px
    const S = 128;
    const o = SYNTHETIC_SESSION;
    const frames = syntheticFrames().slice(o.onset, o.apex + 1);
    const disp = accumulateFlow(frames.map((f) => f.flow), S, S);
    const apex = frames[frames.length - 1];
    const peak = (img: Uint8Array, cx: number, cy: number): [number, number] => {
      // centroid of the bright blob core (above 180) in a 40 px window
      let s = 0, sx = 0, sy = 0;
      for (let y = Math.round(cy) - 20; y <= Math.round(cy) + 20; y++) for (let x = Math.round(cx) - 20; x <= Math.round(cx) + 20; x++) {
        const v = Math.max(0, img[y * S + x] - 180); s += v; sx += v * x; sy += v * y;
      }
      return [sx / s, sy / s];
    };
    const shift = cornerShift(o.apex);
    for (const alpha of [4, 10]) {
      const m = magnifyFrame(apex.crop, disp[disp.length - 1], S, S, alpha);
      for (const [[cx, cy], [dx, dy]] of [[[46, 88], [-0.8, -0.6]], [[82, 88], [0.8, -0.6]]] as const) {
        const [ex, ey] = [cx + alpha * shift * dx, cy + alpha * shift * dy];
        const [gx, gy] = peak(m, ex, ey);
        expect(Math.hypot(gx - ex, gy - ey)).toBeLessThan(0.5);
      }
    }
  });

  it('names bad inputs', () => {
    const crop = new Uint8Array(W * H);
    expect(() => magnifyFrame(new Uint8Array(5), new Float32Array(W * H * 2), W, H, 2)).toThrow(/crop: expected/);
    expect(() => magnifyFrame(crop, new Float32Array(W * H * 2), W, H, Number.NaN)).toThrow(MagnifyInputError);
    expect(() => magnifyClip([crop], [], W, H, 2)).toThrow(/1 crops but 0 flows/);
  });
});
