/**
 * `npx tsx src/cli/analyze/frames-stats.ts <out-dir> [--from i] [--to j] [--realign]`: tracking coverage, alignment
 * jitter and per-stage times from an analyze run's frames.jsonl (`--realign`: also with the current smoothed and
 * the official per-frame alignment recomputed from the recorded landmarks).
 *  - still jitter: per landmark and axis, the std of its crop-space position over the frames; reported as
 *    the mean over the 68 points of sqrt((sx^2 + sy^2) / 2) (px), and the worst point;
 *  - high-pass jitter (for moving faces): RMS distance of each crop-space landmark from its centred 5-frame
 *    moving average, over runs of consecutive tracked frames (slow motion and expressions pass, jitter does not);
 *  - transform jitter: the same high-pass residual for the crop corners mapped into the video by the inverse
 *    alignment, in crop px: the alignment's own wobble, without the landmark model's per-point noise.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FrameRecord } from './frame-record';
import { applyAffine, cropAffine, molAlignmentParams } from '../../alignment/mol-align';
import { TransformSmoother } from '../../alignment/transform-smoother';
import type { Point } from '../../pipeline/types';

/**
 * Recomputes landmarks68Crop from the recorded video-px landmarks with the current alignment code, either
 * smoothed (reset whenever the face is lost) or MOL's official per-frame alignment, so smoothing settings can
 * be compared on one tracking run.
 */
export function realign(records: FrameRecord[], smoothed: boolean): FrameRecord[] {
  const smoother = new TransformSmoother();
  return records.map((r) => {
    if (!r.faceFound || !r.landmarks68) {
      smoother.reset();
      return r;
    }
    const l68 = r.landmarks68 as unknown as Point[];
    const raw = molAlignmentParams(l68);
    const m = cropAffine(smoothed ? smoother.smooth(raw, r.timestampMs) : raw);
    return { ...r, alignment: [...m], landmarks68Crop: applyAffine(m, l68).map(([x, y]) => [x, y]) };
  });
}

function median(v: number[]): number {
  if (!v.length) return NaN;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function frameStats(records: FrameRecord[]) {
  const tracked = records.filter((r) => r.faceFound && r.landmarks68Crop);
  const n = tracked.length;
  const perPoint: number[] = [];
  for (let k = 0; k < 68 && n > 1; k++) {
    const axisStd = [0, 1].map((a) => {
      const v = tracked.map((r) => r.landmarks68Crop![k][a]);
      const m = v.reduce((x, y) => x + y, 0) / v.length;
      return Math.sqrt(v.reduce((x, y) => x + (y - m) ** 2, 0) / v.length);
    });
    perPoint.push(Math.sqrt((axisStd[0] ** 2 + axisStd[1] ** 2) / 2));
  }
  let hpSum = 0;
  let hpCount = 0;
  for (let i = 2; i + 2 < records.length; i++) {
    const win = records.slice(i - 2, i + 3);
    if (!win.every((r) => r.faceFound && r.landmarks68Crop)) continue;
    for (let k = 0; k < 68; k++) {
      for (const a of [0, 1]) {
        const avg = win.reduce((s, r) => s + r.landmarks68Crop![k][a], 0) / 5;
        hpSum += (records[i].landmarks68Crop![k][a] - avg) ** 2;
        hpCount++;
      }
    }
  }
  // Transform jitter: where the crop's corners fall in the video (M_t^-1), high-pass filtered like above and
  // expressed in crop px; landmark noise does not enter it, only the alignment's own wobble does.
  let tjSum = 0;
  let tjCount = 0;
  const corners = [[0, 0], [127, 0], [0, 127], [127, 127]];
  const inVideo = (m: number[]): number[][] => {
    const det = m[0] * m[4] - m[1] * m[3];
    return corners.map(([u, v]) => {
      const du = u - m[2], dv = v - m[5];
      return [(m[4] * du - m[1] * dv) / det, (-m[3] * du + m[0] * dv) / det];
    });
  };
  for (let i = 2; i + 2 < records.length; i++) {
    const win = records.slice(i - 2, i + 3);
    if (!win.every((r) => r.faceFound && r.alignment)) continue;
    const pts = win.map((r) => inVideo(r.alignment!));
    const scale = Math.hypot(records[i].alignment![0], records[i].alignment![1]);
    for (let k = 0; k < 4; k++) {
      for (const a of [0, 1]) {
        const avg = pts.reduce((s2, p) => s2 + p[k][a], 0) / 5;
        tjSum += ((pts[2][k][a] - avg) * scale) ** 2;
        tjCount++;
      }
    }
  }
  const stages = new Set(records.flatMap((r) => Object.keys(r.timings)));
  const timings = Object.fromEntries([...stages].map((s) => [s, median(records.slice(1).map((r) => r.timings[s]).filter((v) => v !== undefined))]));
  return {
    frames: records.length,
    tracked: n,
    coverage: records.length ? n / records.length : 0,
    stillJitterPx: perPoint.length ? perPoint.reduce((a, b) => a + b, 0) / perPoint.length : NaN,
    stillJitterWorstPx: perPoint.length ? Math.max(...perPoint) : NaN,
    highPassJitterPx: hpCount ? Math.sqrt(hpSum / hpCount) : NaN,
    transformJitterPx: tjCount ? Math.sqrt(tjSum / tjCount) : NaN,
    medianStageMs: timings,
  };
}

function main(): void {
  const [dir, ...rest] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: npx tsx src/cli/analyze/frames-stats.ts <analyze-out-dir> [--from i] [--to j] [--realign]');
    process.exit(2);
  }
  const opt = (name: string): number | undefined => {
    const i = rest.indexOf(name);
    return i >= 0 ? Number(rest[i + 1]) : undefined;
  };
  const all = readFileSync(path.join(dir, 'frames.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as FrameRecord);
  const from = opt('--from') ?? 0;
  const to = opt('--to') ?? all.length - 1;
  const pick = (recs: FrameRecord[]): FrameRecord[] => recs.filter((r) => r.index >= from && r.index <= to);
  const report: Record<string, unknown> = { range: [from, to], recorded: frameStats(pick(all)) };
  if (rest.includes('--realign')) {
    report.realignedSmoothed = frameStats(pick(realign(all, true)));
    report.realignedOfficialPerFrame = frameStats(pick(realign(all, false)));
  }
  console.log(JSON.stringify(report, null, 2));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) main();
