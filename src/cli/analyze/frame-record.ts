/**
 * One line of frames.jsonl (see README "frames.jsonl format"). Coordinates are rounded to keep files small
 * without losing what matters: video px to 0.01, crop px and the transform to 1e-4.
 */
import type { FrameResult, Point } from '../../pipeline/types';

export const FRAMES_FORMAT_VERSION = 1;

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
  timings: Record<string, number>;
}

export function toFrameRecord(res: FrameResult): FrameRecord {
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
    timings: Object.fromEntries(Object.entries(res.timings).map(([k, v]) => [k, r(v, 100)])),
  };
}
