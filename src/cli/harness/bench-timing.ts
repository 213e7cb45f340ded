/** Wall-clock timing of tfjs work, synchronised by reading results back (the only honest end point on webgpu). */
import * as tf from '@tensorflow/tfjs';

export interface Timing {
  /** Median of the timed runs after the warm-up (at least one). */
  ms: number;
  /** The first (warm-up) run, shader compilation included. */
  firstMs: number;
  runs: number;
  /** True when a timed run exceeded the cap, so fewer than the requested repeats were made. */
  capped: boolean;
}

export function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs fn, waits for all its outputs to be readable, disposes them and returns the elapsed milliseconds. */
export async function timeOnce(fn: () => tf.Tensor | tf.Tensor[]): Promise<number> {
  const t0 = performance.now();
  const out = fn();
  const list = Array.isArray(out) ? out : [out];
  await Promise.all(list.map((t) => t.data()));
  const ms = performance.now() - t0;
  list.forEach((t) => t.dispose());
  return ms;
}

/** One warm-up (shader compilation), then up to `reps` timed runs (median); repeats stop after a run over capMs. */
export async function measure(fn: () => tf.Tensor | tf.Tensor[], reps: number, capMs: number): Promise<Timing> {
  const firstMs = await timeOnce(fn);
  const runs: number[] = [];
  while (runs.length < reps) {
    runs.push(await timeOnce(fn));
    if (runs[runs.length - 1] > capMs) break;
  }
  return { ms: median(runs), firstMs, runs: runs.length, capped: runs.length < reps };
}

/** Waits until every GPU command queued so far has finished (a tiny readback is ordered after them). */
export async function sync(): Promise<void> {
  const t = tf.tidy(() => tf.add(tf.zeros([1]), 1));
  await t.data();
  t.dispose();
}
