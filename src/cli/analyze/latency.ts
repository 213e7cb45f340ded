/**
 * Per-frame processing latency of an analyze run, from the per-stage timings in frames.jsonl: p50 and p95 per
 * stage over the frames where the stage ran, and of the frame total (the sum of its stages but those beside the
 * frame), plus the wall time
 * between consecutive frames as the Node side saw them (decode, page <-> Node transfer and writing included).
 */
export interface Percentiles { frames: number; p50: number; p95: number; max: number }

export class LatencyInputError extends Error {
  override readonly name = 'LatencyInputError';
}

/** Nearest-rank percentile (q in (0, 1]) of a non-empty list. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new LatencyInputError('no values');
  if (!(q > 0 && q <= 1)) throw new LatencyInputError(`q must be in (0, 1], got ${q}`);
  const s = [...values].sort((a, b) => a - b);
  return s[Math.ceil(q * s.length) - 1];
}

function summarise(values: readonly number[]): Percentiles {
  const r = (v: number): number => Math.round(v * 10) / 10;
  return { frames: values.length, p50: r(percentile(values, 0.5)), p95: r(percentile(values, 0.95)), max: r(Math.max(...values)) };
}

/** Timings of work done beside the frame, not in its path (the live model lane's last job): summarised as a
 *  stage, left out of the frame total. */
export const BESIDE_FRAME_STAGES: ReadonlySet<string> = new Set(['modelLane']);

export function latencySummary(timings: readonly Record<string, number>[], wallMs: readonly number[]): { stages: Record<string, Percentiles>; total: Percentiles | null; wall: Percentiles | null } {
  const byStage = new Map<string, number[]>();
  const totals: number[] = [];
  for (const t of timings) {
    let sum = 0;
    for (const [k, v] of Object.entries(t)) {
      if (!byStage.has(k)) byStage.set(k, []);
      byStage.get(k)!.push(v);
      if (!BESIDE_FRAME_STAGES.has(k)) sum += v;
    }
    totals.push(sum);
  }
  return {
    stages: Object.fromEntries([...byStage].map(([k, v]) => [k, summarise(v)])),
    total: totals.length ? summarise(totals) : null,
    wall: wallMs.length ? summarise(wallMs) : null,
  };
}
