/**
 * Synthetic spotting inputs for tests: a neutral 68-point face in the 128 crop, tracker noise, and planted
 * motions with the raised-cosine onset-apex-offset profile the synthetic ME generator uses
 * (models/training/moltrain/synth/profile.py): expressions move chosen landmarks, blinks close the lids,
 * head motion translates/rotates everything. Optional MOL-like flow: the frame-to-frame change of a dense
 * displacement field (Gaussian splats around moved landmarks, exact for head motion) plus per-pixel noise.
 */
import type { Point } from '../../pipeline/types';
import type { MotionInput } from '../motion-signal';
import { FLOW_SIZE } from '../regions';

export function neutralFace(): Point[] {
  const p: Point[] = [];
  for (let i = 0; i < 17; i++) {
    const a = (Math.PI * i) / 16;
    p.push([64 - 42 * Math.cos(a), 52 + 48 * Math.sin(a)]);
  }
  for (let i = 0; i < 5; i++) p.push([32 + 6.5 * i, 38 - 3 * Math.sin((Math.PI * i) / 4)]);
  for (let i = 0; i < 5; i++) p.push([70 + 6.5 * i, 38 - 3 * Math.sin((Math.PI * (4 - i)) / 4)]);
  for (let i = 0; i < 4; i++) p.push([64, 45 + 7 * i]);
  for (let i = 0; i < 5; i++) p.push([56 + 4 * i, 72 + (i === 2 ? 2 : i === 1 || i === 3 ? 1 : 0)]);
  p.push([36, 50], [41, 47.5], [48, 47.5], [53, 50], [48, 52.5], [41, 52.5]);
  p.push([75, 50], [80, 47.5], [87, 47.5], [92, 50], [87, 52.5], [80, 52.5]);
  for (let i = 0; i < 12; i++) {
    const a = Math.PI - (2 * Math.PI * i) / 12; // 48 left corner, upper lip to 54, lower lip back
    p.push([64 + 16 * Math.cos(a), 88 - 7 * Math.sin(a)]);
  }
  p.push([51, 88], [58, 86], [64, 85.5], [70, 86], [77, 88], [70, 90], [64, 90.5], [58, 90]);
  return p;
}

/** 0 outside (onset, offset), raised-cosine rise to 1 at apex and fall back. */
export function profileAt(t: number, m: { onsetS: number; apexS: number; offsetS: number }): number {
  if (t <= m.onsetS || t >= m.offsetS) return 0;
  if (t <= m.apexS) return 0.5 - 0.5 * Math.cos((Math.PI * (t - m.onsetS)) / (m.apexS - m.onsetS));
  return 0.5 + 0.5 * Math.cos((Math.PI * (t - m.apexS)) / (m.offsetS - m.apexS));
}

export type PlantedMotion = { onsetS: number; apexS: number; offsetS: number } & (
  | { kind: 'expression'; moves: ReadonlyArray<readonly [number, number, number]> }
  | { kind: 'blink'; closure: number }
  | { kind: 'head'; translate: readonly [number, number]; rotateDeg: number }
);

/** A motion of the given duration whose rise takes 40 % of it. */
export function timing(onsetS: number, durationS: number): { onsetS: number; apexS: number; offsetS: number } {
  return { onsetS, apexS: onsetS + 0.4 * durationS, offsetS: onsetS + durationS };
}

/** AU1+2: both brows up by `px`. */
export function browRaise(px: number): ReadonlyArray<readonly [number, number, number]> {
  return [17, 18, 19, 20, 21, 22, 23, 24, 25, 26].map((i) => [i, 0, -px] as const);
}

/** AU12: mouth corners out and up by `px`, their neighbours half as far. */
export function smile(px: number): ReadonlyArray<readonly [number, number, number]> {
  const out: [number, number, number][] = [[48, -0.6 * px, -0.8 * px], [54, 0.6 * px, -0.8 * px]];
  for (const i of [49, 59, 60]) out.push([i, -0.3 * px, -0.4 * px]);
  for (const i of [53, 55, 64]) out.push([i, 0.3 * px, -0.4 * px]);
  return out;
}

export interface TraceSpec {
  fps: number;
  durationS: number;
  /** Landmark noise sigma per coordinate (px). */
  noisePx: number;
  seed: number;
  motions: PlantedMotion[];
  /** Per-pixel flow noise sigma (px/frame); null: no flow. */
  flowNoisePx: number | null;
  /** Frame indices where the tracker loses the face. */
  lostFrames?: ReadonlySet<number>;
}

/** Deterministic normal deviates (mulberry32 + Box-Muller). */
export function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

const UPPER_LIDS = [37, 38, 43, 44];
const LOWER_LIDS = [40, 41, 46, 47];
const LID_GAP = 5;
const SPLAT_SIGMA = 5;

interface FrameState {
  /** Noise-free landmark positions. */
  points: Point[];
  /** Displacements from neutral of the points expressions and blinks move (for flow splats). */
  local: [number, number, number][];
  head: { tx: number; ty: number; rad: number };
}

function frameState(neutral: readonly Point[], t: number, motions: readonly PlantedMotion[]): FrameState {
  const d = neutral.map(() => [0, 0]);
  const head = { tx: 0, ty: 0, rad: 0 };
  for (const m of motions) {
    const w = profileAt(t, m);
    if (w === 0) continue;
    if (m.kind === 'expression') for (const [i, dx, dy] of m.moves) { d[i][0] += w * dx; d[i][1] += w * dy; }
    if (m.kind === 'blink') {
      for (const i of UPPER_LIDS) d[i][1] += w * m.closure * LID_GAP * 0.85;
      for (const i of LOWER_LIDS) d[i][1] -= w * m.closure * LID_GAP * 0.15;
    }
    if (m.kind === 'head') {
      head.tx += w * m.translate[0]; head.ty += w * m.translate[1]; head.rad += (w * m.rotateDeg * Math.PI) / 180;
    }
  }
  const local: [number, number, number][] = [];
  d.forEach(([dx, dy], i) => { if (dx !== 0 || dy !== 0) local.push([i, dx, dy]); });
  const points = neutral.map(([x, y], i) => moveHead([x + d[i][0], y + d[i][1]], head));
  return { points, local, head };
}

function moveHead([x, y]: Point, h: { tx: number; ty: number; rad: number }): Point {
  const c = Math.cos(h.rad), s = Math.sin(h.rad);
  return [64 + c * (x - 64) - s * (y - 64) + h.tx, 64 + s * (x - 64) + c * (y - 64) + h.ty];
}

/** Adds the displacement field of `state` (times `sign`) to `flow`. */
function addField(flow: Float32Array, neutral: readonly Point[], state: FrameState, sign: number): void {
  const { head } = state;
  if (head.tx !== 0 || head.ty !== 0 || head.rad !== 0) {
    for (let y = 0; y < FLOW_SIZE; y++) for (let x = 0; x < FLOW_SIZE; x++) {
      const [mx, my] = moveHead([x, y], head);
      const k = (y * FLOW_SIZE + x) * 2;
      flow[k] += sign * (mx - x); flow[k + 1] += sign * (my - y);
    }
  }
  const r = 3 * SPLAT_SIGMA;
  for (const [i, dx, dy] of state.local) {
    const [px, py] = neutral[i];
    for (let y = Math.max(0, Math.ceil(py - r)); y <= Math.min(FLOW_SIZE - 1, Math.floor(py + r)); y++) {
      for (let x = Math.max(0, Math.ceil(px - r)); x <= Math.min(FLOW_SIZE - 1, Math.floor(px + r)); x++) {
        const w = Math.exp(-((x - px) ** 2 + (y - py) ** 2) / (2 * SPLAT_SIGMA ** 2));
        const k = (y * FLOW_SIZE + x) * 2;
        flow[k] += sign * w * dx; flow[k + 1] += sign * w * dy;
      }
    }
  }
}

let bankCache: Float32Array | null = null;
function noiseBank(): Float32Array {
  if (!bankCache) {
    const g = gaussian(987654321);
    bankCache = Float32Array.from({ length: 65_521 }, () => g());
  }
  return bankCache;
}

export function* syntheticInputs(spec: TraceSpec): Generator<MotionInput> {
  const neutral = neutralFace();
  const noise = gaussian(spec.seed);
  const n = Math.round(spec.durationS * spec.fps);
  let prev: FrameState | null = null;
  for (let index = 0; index < n; index++) {
    const t = index / spec.fps;
    const state = frameState(neutral, t, spec.motions);
    const timestampMs = 1000 * t;
    if (spec.lostFrames?.has(index)) {
      prev = null;
      yield { index, timestampMs, landmarks: null, flow: null };
      continue;
    }
    const landmarks = state.points.map(([x, y]) => [x + spec.noisePx * noise(), y + spec.noisePx * noise()] as Point);
    let flow: Float32Array | null = null;
    if (spec.flowNoisePx !== null) {
      flow = new Float32Array(FLOW_SIZE * FLOW_SIZE * 2);
      addField(flow, neutral, state, 1);
      if (prev) addField(flow, neutral, prev, -1);
      // Per-pixel flow noise drawn from a bank of deviates at a random offset: a fresh Box-Muller pair per
      // pixel would dominate the run time of the tests.
      const bank = noiseBank();
      const start = Math.floor(Math.abs(noise()) * 1e6) % bank.length;
      for (let k = 0; k < flow.length; k++) flow[k] += spec.flowNoisePx * bank[(start + k * 7) % bank.length];
    }
    prev = state;
    yield { index, timestampMs, landmarks, flow };
  }
}
