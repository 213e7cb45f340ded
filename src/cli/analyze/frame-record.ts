/**
 * One line of frames.jsonl (see README "frames.jsonl format"). Coordinates are rounded to keep files small
 * without losing what matters: video px to 0.01, crop px and the transform to 1e-4, probabilities to 1e-6.
 * Version 2 adds `model` (MOL's outputs: probabilities, landmarks, per-region flow statistics) and `spot`
 * (the spotting trace row and the events that closed with the frame); version 1's fields are unchanged.
 */
import type { FrameResult, Point } from '../../pipeline/types';
import type { SpotTraceRow } from '../../spotting/frame-scorer';
import { REGION_NAMES, regionFlowStats } from '../../spotting/regions';

export const FRAMES_FORMAT_VERSION = 2;

const r = (v: number, d: number): number => Math.round(v * d) / d;
const pts = (p: Point[] | null, d: number): number[][] | null => (p ? p.map(([x, y]) => [r(x, d), r(y, d)]) : null);

export interface FrameRecord {
  index: number;
  timestampMs: number;
  width: number;
  height: number;
  faceFound: boolean;
  faceCount: number;
  faceBox: number[] | null;
  landmarks68: number[][] | null;
  points478: number[][] | null;
  alignment: number[] | null;
  landmarks68Crop: number[][] | null;
  windowFill: number;
  /** MOL's outputs for the window ending at this frame, or null (no face, window not full, or --no-model). */
  model: ModelRecord | null;
  /** Spotting for this frame, or null with --no-model (tracking only). */
  spot: SpotRecord | null;
  timings: Record<string, number>;
}

/** Flow statistics of one region (px/frame, nose-bridge median subtracted). */
export interface RegionFlowRecord { u: number; v: number; mag: number; trimmedMag: number }

export interface ModelRecord {
  /** Softmax probabilities, in the order of summary.json's `classes`. */
  probabilities: number[];
  /** MOL's 68 predicted landmarks for this frame, crop px. */
  landmarks68Crop: number[][];
  /** MOL's flow previous -> this frame summarised per spotting region (boxes around the tracked landmarks). */
  flow: { rigid: [number, number]; regions: Record<string, RegionFlowRecord> };
}

export interface SpotRecord {
  calibrating: boolean;
  /** Largest region z-score (0 while calibrating or without a face). */
  score: number;
  rigidPx: number;
  rigidZ: number;
  /** Eye aspect ratio over its baseline; null without a face. */
  earRatio: number | null;
  regionPx: Record<string, number>;
  regionZ: Record<string, number>;
  /** Ids (events.json) of the events that closed with this frame. */
  closed: string[];
}

function modelRecord(res: FrameResult): ModelRecord | null {
  const m = res.model;
  if (!m) return null;
  const q = (v: number): number => r(v, 1e4);
  let flow: ModelRecord['flow'] = { rigid: [0, 0], regions: {} };
  if (res.landmarks68Crop) {
    const st = regionFlowStats(m.flow, res.landmarks68Crop);
    flow = {
      rigid: [q(st.rigid.u), q(st.rigid.v)],
      regions: Object.fromEntries(REGION_NAMES.map((n) => {
        const g = st.regions[n];
        return [n, { u: q(g.mean.u), v: q(g.mean.v), mag: q(g.meanMagnitude), trimmedMag: q(g.trimmedMagnitude) }];
      })),
    };
  }
  return { probabilities: Array.from(m.probabilities, (p) => r(p, 1e6)), landmarks68Crop: pts(m.landmarks68Crop, 1e4) as number[][], flow };
}

export function spotRecord(row: SpotTraceRow, closedIds: readonly string[]): SpotRecord {
  const q = (v: number): number => r(v, 1e4);
  const regions = (vals: Record<string, number>): Record<string, number> => Object.fromEntries(REGION_NAMES.map((n) => [n, q(vals[n])]));
  return {
    calibrating: row.calibrating, score: q(row.score), rigidPx: q(row.rigidPx), rigidZ: q(row.rigidZ),
    earRatio: Number.isFinite(row.earRatio) ? q(row.earRatio) : null,
    regionPx: regions(row.regionPx), regionZ: regions(row.regionZ), closed: [...closedIds],
  };
}

export function toFrameRecord(res: FrameResult, spot: SpotRecord | null = null): FrameRecord {
  return {
    index: res.index,
    timestampMs: r(res.timestampMs, 1000),
    width: res.width,
    height: res.height,
    faceFound: res.faceFound,
    faceCount: res.faceCount,
    faceBox: res.faceBox ? res.faceBox.map((v) => r(v, 100)) : null,
    landmarks68: pts(res.landmarks68, 100),
    points478: pts(res.points478, 100),
    alignment: res.alignment ? res.alignment.map((v) => r(v, 1e6)) : null,
    landmarks68Crop: pts(res.landmarks68Crop, 1e4),
    windowFill: res.windowFill,
    model: modelRecord(res),
    spot,
    timings: Object.fromEntries(Object.entries(res.timings).map(([k, v]) => [k, r(v, 100)])),
  };
}
