/**
 * A small synthetic session for tests (Vitest and the replay e2e spec): grey 128x128 "face" crops in which two
 * bright mouth-corner blobs move outwards and up during one planted micro event, with the exact flow of that
 * motion, both landmark sets, a spotting trace and the event record. No tracking or model needed.
 */
import type { Point } from '../../pipeline/types';
import type { EventRecord } from '../../spotting/event-export';
import type { SpotTraceRow } from '../../spotting/frame-scorer';
import { REGION_NAMES, type RegionName } from '../../spotting/regions';
import type { RegionValues } from '../../spotting/motion-signal';
import { CROP_SIZE, type ReplayFrame, type SessionData } from '../types';

export interface SyntheticSessionOptions {
  frames: number;
  fps: number;
  onset: number;
  apex: number;
  offset: number;
  /** Peak displacement of each mouth corner at the apex, px. */
  peakPx: number;
}

export const SYNTHETIC_SESSION: Readonly<SyntheticSessionOptions> = { frames: 36, fps: 30, onset: 12, apex: 17, offset: 22, peakPx: 1.5 };
export const SYNTHETIC_CLASSES = ['surprise', 'positive', 'negative'];

const S = CROP_SIZE;
const CORNERS: readonly Point[] = [[46, 88], [82, 88]];
/** Unit directions the corners move in (out and up: a smile). */
const DIRS: readonly Point[] = [[-0.8, -0.6], [0.8, -0.6]];
const BLOB_SIGMA = 3.5;
const FLOW_RADIUS = 12;

/** Corner displacement (px along its direction) at frame t: a raised-cosine bump from onset to offset. */
export function cornerShift(t: number, o: SyntheticSessionOptions = SYNTHETIC_SESSION): number {
  if (t <= o.onset || t >= o.offset) return 0;
  const phase = t <= o.apex ? (t - o.onset) / (o.apex - o.onset) : 1 - (t - o.apex) / (o.offset - o.apex);
  return o.peakPx * 0.5 * (1 - Math.cos(Math.PI * phase));
}

function renderCrop(t: number, o: SyntheticSessionOptions): Uint8Array {
  const img = new Uint8Array(S * S);
  const s = cornerShift(t, o);
  const centres = CORNERS.map((c, i) => [c[0] + s * DIRS[i][0], c[1] + s * DIRS[i][1]]);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const face = ((x - 64) / 44) ** 2 + ((y - 66) / 56) ** 2 < 1 ? 120 : 40;
      let v = face;
      for (const [cx, cy] of centres) v += 120 * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * BLOB_SIGMA ** 2));
      img[y * S + x] = Math.min(255, Math.round(v));
    }
  }
  return img;
}

/** Flow (t-1) -> t: each corner's step inside a disc around it, zero elsewhere. */
function renderFlow(t: number, o: SyntheticSessionOptions): Float32Array {
  const f = new Float32Array(S * S * 2);
  const step = cornerShift(t, o) - cornerShift(t - 1, o);
  if (step === 0) return f;
  CORNERS.forEach((c, i) => {
    const prev = cornerShift(t - 1, o);
    const cx = c[0] + prev * DIRS[i][0];
    const cy = c[1] + prev * DIRS[i][1];
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
      if ((x - cx) ** 2 + (y - cy) ** 2 > FLOW_RADIUS ** 2) continue;
      f[(y * S + x) * 2] = step * DIRS[i][0];
      f[(y * S + x) * 2 + 1] = step * DIRS[i][1];
    }
  });
  return f;
}

function landmarks(t: number, o: SyntheticSessionOptions, offset: number): Point[] {
  const pts: Point[] = [];
  for (let i = 0; i < 68; i++) {
    const a = (2 * Math.PI * i) / 68;
    pts.push([64 + 40 * Math.cos(a) + offset, 66 + 50 * Math.sin(a) + offset]);
  }
  const s = cornerShift(t, o);
  [48, 54].forEach((k, i) => { pts[k] = [CORNERS[i][0] + s * DIRS[i][0] + offset, CORNERS[i][1] + s * DIRS[i][1] + offset]; });
  return pts;
}

const regions = (f: (r: RegionName) => number) => Object.fromEntries(REGION_NAMES.map((r) => [r, f(r)])) as RegionValues;

export function syntheticFrames(o: SyntheticSessionOptions = SYNTHETIC_SESSION): ReplayFrame[] {
  return Array.from({ length: o.frames }, (_, t) => ({
    index: t,
    timestampMs: (t * 1000) / o.fps,
    crop: renderCrop(t, o),
    flow: t === 0 ? null : renderFlow(t, o),
    molLandmarks: landmarks(t, o, 0.5),
    landmarks: landmarks(t, o, 0),
  }));
}

export function syntheticEvent(o: SyntheticSessionOptions = SYNTHETIC_SESSION): EventRecord {
  const ms = (t: number) => (t * 1000) / o.fps;
  const peak = (r: RegionName) => (r === 'mouthL' || r === 'mouthR' ? o.peakPx : 0.1);
  return {
    id: `ev-${o.onset}`, kind: 'micro',
    onsetFrame: o.onset, apexFrame: o.apex, offsetFrame: o.offset,
    onsetMs: ms(o.onset), apexMs: ms(o.apex), offsetMs: ms(o.offset), durationMs: ms(o.offset) - ms(o.onset),
    peakScore: 11.5, dominantRegion: 'mouthR', regionPeakPx: regions(peak), rigidPeakPx: 0.05, earMinRatio: 0.97,
    label: 'positive', confidence: 0.7, probabilities: { surprise: 0.1, positive: 0.7, negative: 0.2 },
  };
}

export function syntheticTrace(o: SyntheticSessionOptions = SYNTHETIC_SESSION): SpotTraceRow[] {
  return Array.from({ length: o.frames }, (_, t) => {
    const m = cornerShift(t, o);
    const calibrating = t < 6;
    const z = calibrating ? 0 : m * 8;
    return {
      index: t, timestampMs: (t * 1000) / o.fps, faceFound: true, calibrating,
      regionPx: regions((r) => (r.startsWith('mouth') ? m : 0.02)), regionZ: regions((r) => (r.startsWith('mouth') ? z : 0.3)),
      rigidPx: 0.01, rigidZ: 0.2, earRatio: t === 0 ? Number.NaN : 1, score: z,
    };
  });
}

/** The whole session: one planted micro event with its frames (margin included) recorded. */
export function syntheticSession(o: SyntheticSessionOptions = SYNTHETIC_SESSION): SessionData {
  const ev = syntheticEvent(o);
  const pad = 4;
  return {
    createdAt: '2026-11-22T00:00:00.000Z',
    model: { id: 'synthetic-test', trained: false },
    classes: [...SYNTHETIC_CLASSES],
    events: [ev],
    trace: syntheticTrace(o),
    clips: [{ eventId: ev.id, frames: syntheticFrames(o).filter((f) => f.index >= o.onset - pad && f.index <= o.offset + pad) }],
  };
}
