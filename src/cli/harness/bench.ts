/**
 * Benchmark page for `npm run bench` (src/cli/bench.ts): in one page and run, times each MOL kernel and the whole
 * per-frame streaming step (MolGraph.createStream().push) for our WGSL kernels (kernelOps on webgpu), the same
 * graph on stock tfjs webgpu kernels (referenceOps on webgpu) and on the tfjs CPU backend (referenceOps on cpu),
 * and measures the yardstick: the best GFLOP/s of our register-blocked matmul on this adapter.
 */
import * as tf from '@tensorflow/tfjs';
import { kernelOps } from '../../model/kernels';
import { MolDense, type DenseBlock } from '../../model/kernels/dense';
import { referenceOps } from '../../model/layers/reference-ops';
import { buildRecipeWeights, MolGraph, PAPER_CONFIG, RT_CONFIG, disposeMolWeights, type MolWeights } from '../../model/mol';
import type { MolOps } from '../../model/ops';
import { KERNEL_BENCH_CASES } from './bench-kernels';
import { measure, median, sync, timeOnce, type Timing } from './bench-timing';
import { countingOps, newFlopCounter } from './flop-count';
import { setUpWebGpu } from './webgpu-setup';
import { runSoak, type SoakOptions, type SoakReport } from './bench-soak';
import { profileStep, type ProfileReport } from './bench-profile';

export type ImplName = 'ours' | 'stockWebgpu' | 'cpu';

interface Impl { name: ImplName; backend: 'webgpu' | 'cpu'; ops: MolOps }

const IMPLS: readonly Impl[] = [
  { name: 'ours', backend: 'webgpu', ops: kernelOps },
  { name: 'stockWebgpu', backend: 'webgpu', ops: referenceOps },
  { name: 'cpu', backend: 'cpu', ops: referenceOps },
];

export interface BenchOptions {
  reps: number;
  /** Per-call (kernel) / per-step cap for one timed run, in ms: after a run over it no further repeats are made. */
  capMs: number;
  configs: ('rt' | 'paper')[];
  kernels: boolean;
  step: boolean;
  /** Which implementations to run (all by default). */
  impls?: ImplName[];
  /** Only the kernel rows whose name contains this. */
  match?: string;
}

export interface KernelRow { name: string; config: string; flops: number; times: Partial<Record<ImplName, Timing>> }
export interface StepRow {
  config: string; flops: number; flopsByOp: Record<string, number>;
  times: Partial<Record<ImplName, Timing>>;
  /** Relative L2 distance of the step outputs (logits, flow, ldm) of each implementation from the CPU backend's. */
  relL2VsCpu: Partial<Record<ImplName, Record<string, number>>>;
  /** Our step's GFLOP/s as % of a yardstick matmul timed just before the same repeat (median over repeats):
   *  the machine's load drifts by minutes, so a ratio of neighbours is steadier than best-of-run vs median. */
  pairedYardstickPct?: number;
}
export interface BenchReport {
  adapter: string;
  yardstick: { size: number; block: string; ms: number; gflops: number }[];
  yardstickBest: number;
  kernels: KernelRow[];
  steps: StepRow[];
  userAgent: string;
}

const harness = setUpWebGpu();

async function use(backend: 'webgpu' | 'cpu'): Promise<void> {
  if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) throw new Error(`backend ${backend} unavailable`);
}

/** Register blocks the yardstick tries; the best rate counts, so it is the best matmul we can write, not one pick. */
const YARDSTICK_BLOCKS: readonly DenseBlock[] = [{ rows: 4, vec4s: 1 }, { rows: 4, vec4s: 2 }, { rows: 8, vec4s: 1 }, { rows: 8, vec4s: 2 }];

async function yardstick(reps: number) {
  await use('webgpu');
  const rows: BenchReport['yardstick'] = [];
  for (const m of [256, 512]) {
    const a = tf.randomUniform([m, m], -1, 1, 'float32', 1) as tf.Tensor2D;
    const b = tf.randomUniform([m, m], -1, 1, 'float32', 2) as tf.Tensor2D;
    for (const block of YARDSTICK_BLOCKS) {
      const t = await measure(() => tf.engine().runKernel(MolDense, { x: a, w: b }, { activation: 'linear', alpha: 0, block } as unknown as tf.NamedAttrMap) as tf.Tensor, reps, 60_000);
      rows.push({ size: m, block: `${block.rows}x${4 * block.vec4s}`, ms: t.ms, gflops: (2 * m * m * m) / t.ms / 1e6 });
    }
    a.dispose(); b.dispose();
  }
  return rows;
}

/** One timing of each yardstick block on 512^3 right now; the best rate in GFLOP/s. */
async function yardstickNow(a: tf.Tensor2D, b: tf.Tensor2D): Promise<number> {
  let best = 0;
  for (const block of YARDSTICK_BLOCKS) {
    const ms = await timeOnce(() => tf.engine().runKernel(MolDense, { x: a, w: b }, { activation: 'linear', alpha: 0, block } as unknown as tf.NamedAttrMap) as tf.Tensor);
    best = Math.max(best, (2 * a.shape[0] ** 3) / ms / 1e6);
  }
  return best;
}

async function kernelRows(opts: BenchOptions, impls: readonly Impl[]): Promise<KernelRow[]> {
  const cases = KERNEL_BENCH_CASES.filter((c) => (c.config === 'both' || opts.configs.includes(c.config)) && (!opts.match || c.name.includes(opts.match)));
  const rows: KernelRow[] = [];
  // Implementations are measured back to back per case, so load from other processes skews the ratios least.
  for (const c of cases) {
    const row: KernelRow = { name: c.name, config: c.config, flops: 0, times: {} };
    for (const impl of impls.filter((i) => !c.oursOnly || i.name === 'ours')) {
      await use(impl.backend);
      const inputs = c.make();
      if (impl.name === 'ours') row.flops = c.flops(kernelOps, inputs);
      row.times[impl.name] = await measure(() => c.call(impl.ops, inputs), opts.reps, opts.capMs);
      inputs.forEach((t) => t.dispose());
    }
    rows.push(row);
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

/**
 * Times the per-frame step of `impl`. The ring of cached frame features is filled first (clipLength - 1 pushes);
 * for stock webgpu it is filled with our kernels on the same backend (one stock push can take a minute here), then
 * every timed push (encode the newest frame + all heads) runs on the implementation under test alone.
 */
async function stepFor(config: typeof RT_CONFIG, impl: Impl, weights: MolWeights, opts: BenchOptions): Promise<{ timing: Timing; outputs?: Record<string, Float32Array>; paired?: { stepMs: number; yardstickGflops: number }[] }> {
  let active: MolOps = impl.name === 'stockWebgpu' ? kernelOps : impl.ops;
  const switchable = new Proxy({} as MolOps, { get: (_t, key: keyof MolOps) => active[key] });
  const stream = new MolGraph(weights, switchable).createStream();
  try {
    for (let i = 0; i < config.clipLength - 1; i++) {
      const f = frame(i);
      stream.push(f);
      f.dispose();
    }
    await sync();
    active = impl.ops;
    let outputs: Record<string, Float32Array> | undefined;
    const runs: number[] = [];
    let firstMs = 0;
    // Our kernels: a yardstick timing right before each timed repeat, for the paired ratio.
    const pairOps = impl.name === 'ours' ? [tf.randomUniform([512, 512], -1, 1, 'float32', 1), tf.randomUniform([512, 512], -1, 1, 'float32', 2)] as tf.Tensor2D[] : null;
    const paired: { stepMs: number; yardstickGflops: number }[] = [];
    // r = 0 is the warm-up (shader compilation); timed repeats stop after one over the cap.
    for (let r = 0; r <= opts.reps; r++) {
      const ys = pairOps && r > 0 ? await yardstickNow(pairOps[0], pairOps[1]) : 0;
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
      } else {
        runs.push(ms);
        if (pairOps) paired.push({ stepMs: ms, yardstickGflops: ys });
        if (ms > opts.capMs) break;
      }
    }
    pairOps?.forEach((t) => t.dispose());
    return { timing: { ms: median(runs), firstMs, runs: runs.length, capped: runs.length < opts.reps }, outputs, paired: pairOps ? paired : undefined };
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
        if (r.paired?.length) row.pairedYardstickPct = median(r.paired.map((p) => (100 * row.flops / p.stepMs / 1e6) / p.yardstickGflops));
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
  // The yardstick is measured before and after the rest (the best run counts), so a busy machine at one moment
  // does not inflate the achieved-vs-yardstick percentages.
  const ys = await yardstick(opts.reps);
  const kernels = opts.kernels ? await kernelRows(opts, impls) : [];
  const steps = opts.step ? await stepRows(opts, impls) : [];
  ys.push(...(await yardstick(opts.reps)));
  await use('webgpu');
  if (h.gpuErrors.length > 0) throw new Error(`GPU errors during the benchmark: ${h.gpuErrors.join(' | ')}`);
  return { adapter: h.adapterInfo, yardstick: ys, yardstickBest: Math.max(...ys.map((y) => y.gflops)), kernels, steps, userAgent: navigator.userAgent };
}

async function soak(opts: SoakOptions): Promise<SoakReport & { adapter: string }> {
  const h = await harness;
  const report = await runSoak(opts);
  if (h.gpuErrors.length > 0) throw new Error(`GPU errors during the soak: ${h.gpuErrors.join(' | ')}`);
  return { ...report, adapter: h.adapterInfo };
}

async function profile(configs: ('rt' | 'paper')[], reps: number, capMs: number, tune: boolean): Promise<ProfileReport[]> {
  const h = await harness;
  const out: ProfileReport[] = [];
  for (const c of configs) out.push(await profileStep(c, reps, capMs, tune));
  if (h.gpuErrors.length > 0) throw new Error(`GPU errors during the profile: ${h.gpuErrors.join(' | ')}`);
  return out;
}

declare global {
  interface Window {
    molBench: {
      ready: Promise<unknown>;
      run(opts: BenchOptions): Promise<BenchReport>;
      soak(opts: SoakOptions): Promise<SoakReport & { adapter: string }>;
      profile(configs: ('rt' | 'paper')[], reps: number, capMs: number, tune: boolean): Promise<ProfileReport[]>;
    };
  }
}

window.molBench = { ready: harness.then(() => true), run, soak, profile };
