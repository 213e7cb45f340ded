/**
 * Benchmark page for `npm run bench` (src/cli/bench.ts): in one page and run, times each MOL kernel and the whole
 * per-frame streaming step (MolGraph.createStream().push) for our WGSL kernels (kernelOps on webgpu), the same
 * graph on stock tfjs webgpu kernels (referenceOps on webgpu) and on the tfjs CPU backend (referenceOps on cpu),
 * and measures the yardstick: the best GFLOP/s of our register-blocked matmul on this adapter.
 */
import * as tf from '@tensorflow/tfjs';
import { kernelOps } from '../../model/kernels';
import { referenceOps } from '../../model/layers/reference-ops';
import { buildRecipeWeights, MolGraph, PAPER_CONFIG, RT_CONFIG, disposeMolWeights, type MolWeights } from '../../model/mol';
import type { MolOps } from '../../model/ops';
import { KERNEL_BENCH_CASES } from './bench-kernels';
import { measure, sync, timeOnce, type Timing } from './bench-timing';
import { countingOps, newFlopCounter } from './flop-count';
import { setUpWebGpu } from './webgpu-setup';

export type ImplName = 'ours' | 'stockWebgpu' | 'cpu';

interface Impl { name: ImplName; backend: 'webgpu' | 'cpu'; ops: MolOps }

const IMPLS: readonly Impl[] = [
  { name: 'ours', backend: 'webgpu', ops: kernelOps },
  { name: 'stockWebgpu', backend: 'webgpu', ops: referenceOps },
  { name: 'cpu', backend: 'cpu', ops: referenceOps },
];

export interface BenchOptions {
  reps: number;
  /** Per-call (kernel) / per-push (step) cap for one run, in ms; beyond it no repeats are made. */
  capMs: number;
  configs: ('rt' | 'paper')[];
  kernels: boolean;
  step: boolean;
  /** Which implementations to run (all by default). */
  impls?: ImplName[];
}

export interface KernelRow { name: string; config: string; flops: number; times: Partial<Record<ImplName, Timing>> }
export interface StepRow {
  config: string; flops: number; flopsByOp: Record<string, number>;
  times: Partial<Record<ImplName, Timing & { note?: string }>>;
  /** Relative L2 distance of the step outputs (logits, flow, ldm) of each implementation from the CPU backend's. */
  relL2VsCpu: Partial<Record<ImplName, Record<string, number>>>;
}
export interface BenchReport {
  adapter: string;
  yardstick: { size: number; ms: number; gflops: number }[];
  yardstickBest: number;
  kernels: KernelRow[];
  steps: StepRow[];
  userAgent: string;
}

const harness = setUpWebGpu();

async function use(backend: 'webgpu' | 'cpu'): Promise<void> {
  if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) throw new Error(`backend ${backend} unavailable`);
}

async function yardstick(reps: number) {
  await use('webgpu');
  const rows: BenchReport['yardstick'] = [];
  for (const m of [256, 512, 1024]) {
    const a = tf.randomUniform([m, m], -1, 1, 'float32', 1) as tf.Tensor2D;
    const b = tf.randomUniform([m, m], -1, 1, 'float32', 2) as tf.Tensor2D;
    const t = await measure(() => kernelOps.dense(a, b, null, 'linear'), reps, 60_000);
    rows.push({ size: m, ms: t.ms, gflops: (2 * m * m * m) / t.ms / 1e6 });
    a.dispose(); b.dispose();
  }
  return rows;
}

async function kernelRows(opts: BenchOptions, impls: readonly Impl[]): Promise<KernelRow[]> {
  const cases = KERNEL_BENCH_CASES.filter((c) => c.config === 'both' || opts.configs.includes(c.config));
  const rows: KernelRow[] = cases.map((c) => ({ name: c.name, config: c.config, flops: 0, times: {} }));
  for (const impl of impls) {
    await use(impl.backend);
    for (let i = 0; i < cases.length; i++) {
      const inputs = cases[i].make();
      if (impl.name === 'ours') rows[i].flops = cases[i].flops(kernelOps, inputs);
      rows[i].times[impl.name] = await measure(() => cases[i].call(impl.ops, inputs), opts.reps, opts.capMs);
      inputs.forEach((t) => t.dispose());
    }
  }
  return rows;
}

function relL2(a: Float32Array, b: Float32Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i] - b[i]) ** 2; den += b[i] ** 2; }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

/** Frames for the stream: deterministic smooth noise in roughly the normalised-gray range. */
function frame(i: number): tf.Tensor3D {
  return tf.tidy(() => tf.randomNormal([128, 128, 1], 0, 1, 'float32', 100 + i) as tf.Tensor3D);
}

async function stepFor(config: typeof RT_CONFIG, impl: Impl, weights: MolWeights, opts: BenchOptions): Promise<{ timing: Timing & { note?: string }; outputs?: Record<string, Float32Array> }> {
  const stream = new MolGraph(weights, impl.ops).createStream();
  try {
    // Fill the ring (clipLength - 1 pushes return null); one push over the cap ends the measurement.
    for (let i = 0; i < config.clipLength - 1; i++) {
      const f = frame(i);
      const t0 = performance.now();
      stream.push(f);
      await sync();
      const ms = performance.now() - t0;
      f.dispose();
      if (ms > opts.capMs) return { timing: { ms, firstMs: ms, runs: 1, capped: true, note: `one encoder push took ${(ms / 1000).toFixed(1)} s; the full step is longer` } };
    }
    let outputs: Record<string, Float32Array> | undefined;
    const runs: number[] = [];
    let firstMs = 0;
    for (let r = 0; r <= opts.reps; r++) {
      const f = frame(config.clipLength - 1 + r);
      const t0 = performance.now();
      const out = stream.push(f);
      if (!out) throw new Error('stream did not produce outputs with a full ring');
      const [logits, flow, ldm] = await Promise.all([out.logits.data(), out.flow.data(), out.ldm.data()]) as Float32Array[];
      const ms = performance.now() - t0;
      f.dispose(); out.logits.dispose(); out.flow.dispose(); out.ldm.dispose();
      if (r === 0) {
        firstMs = ms;
        outputs = { logits, flow, ldm };
        if (ms > opts.capMs) return { timing: { ms, firstMs, runs: 1, capped: true }, outputs };
      } else runs.push(ms);
    }
    const sorted = runs.slice().sort((a, b) => a - b);
    return { timing: { ms: sorted[sorted.length >> 1], firstMs, runs: runs.length, capped: false }, outputs };
  } finally {
    stream.dispose();
  }
}

async function stepFlops(config: typeof RT_CONFIG, weights: MolWeights): Promise<{ total: number; byOp: Record<string, number> }> {
  const counter = newFlopCounter();
  const stream = new MolGraph(weights, countingOps(kernelOps, counter)).createStream();
  for (let i = 0; i < config.clipLength; i++) {
    if (i === config.clipLength - 1) { counter.total = 0; counter.byOp = {}; }
    const f = frame(i);
    const out = stream.push(f);
    f.dispose();
    if (out) await timeOnce(() => [out.logits, out.flow, out.ldm]);
  }
  stream.dispose();
  return { total: counter.total, byOp: counter.byOp };
}

async function stepRows(opts: BenchOptions, impls: readonly Impl[]): Promise<StepRow[]> {
  const rows: StepRow[] = [];
  for (const name of opts.configs) {
    const config = name === 'rt' ? RT_CONFIG : PAPER_CONFIG;
    const row: StepRow = { config: name, flops: 0, flopsByOp: {}, times: {}, relL2VsCpu: {} };
    const outs: Partial<Record<ImplName, Record<string, Float32Array>>> = {};
    for (const backend of ['webgpu', 'cpu'] as const) {
      const mine = impls.filter((i) => i.backend === backend);
      if (mine.length === 0) continue;
      await use(backend);
      const weights = buildRecipeWeights(config, 1);
      if (backend === 'webgpu' && mine.some((i) => i.name === 'ours')) {
        const f = await stepFlops(config, weights);
        row.flops = f.total; row.flopsByOp = f.byOp;
      }
      for (const impl of mine) {
        const r = await stepFor(config, impl, weights, opts);
        row.times[impl.name] = r.timing;
        if (r.outputs) outs[impl.name] = r.outputs;
      }
      disposeMolWeights(weights);
    }
    const cpu = outs.cpu;
    if (cpu) {
      for (const [impl, o] of Object.entries(outs) as [ImplName, Record<string, Float32Array>][]) {
        row.relL2VsCpu[impl] = Object.fromEntries(Object.keys(cpu).map((k) => [k, relL2(o[k], cpu[k])]));
      }
    }
    rows.push(row);
  }
  return rows;
}

async function run(opts: BenchOptions): Promise<BenchReport> {
  const h = await harness;
  const impls = IMPLS.filter((i) => !opts.impls || opts.impls.includes(i.name));
  const ys = await yardstick(opts.reps);
  const kernels = opts.kernels ? await kernelRows(opts, impls) : [];
  const steps = opts.step ? await stepRows(opts, impls) : [];
  await use('webgpu');
  if (h.gpuErrors.length > 0) throw new Error(`GPU errors during the benchmark: ${h.gpuErrors.join(' | ')}`);
  return { adapter: h.adapterInfo, yardstick: ys, yardstickBest: Math.max(...ys.map((y) => y.gflops)), kernels, steps, userAgent: navigator.userAgent };
}

declare global {
  interface Window { molBench: { ready: Promise<unknown>; run(opts: BenchOptions): Promise<BenchReport> } }
}

window.molBench = { ready: harness.then(() => true), run };
