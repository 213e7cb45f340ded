/**
 * `npm run bench [-- --out bench.json --reps 5 --cap-s 60 --configs rt,paper --only ours,stockWebgpu,cpu
 *   --skip-kernels --skip-step --match NAME]`, or `npm run bench -- --soak 1000 [--configs rt] [--out soak.json]` for the
 *   tensor-leak soak of streaming inference (MolLive on our kernels; exits 1 unless tf.memory() stays flat), or
 *   `npm run bench -- --profile [--configs rt]`: every MolOps call of one streaming step timed alone on our kernels.
 * Runs src/cli/harness/bench.html in headless Chromium (WebGPU on whatever adapter it finds; SwiftShader here) and
 * prints, per kernel and for the per-frame streaming step: our WGSL kernels vs the same graph on stock tfjs webgpu
 * kernels vs the tfjs CPU backend (median wall time around a read-back, after one warm-up), ratios, FLOPs and
 * achieved GFLOP/s against the yardstick (our register-blocked matmul's best rate on the same adapter).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openBrowserSession } from './browser-session';
import type { BenchOptions, BenchReport, ImplName } from './harness/bench';
import type { Timing } from './harness/bench-timing';
import type { SoakOptions, SoakReport } from './harness/bench-soak';
import type { ProfileReport } from './harness/bench-profile';

class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

class SoakLeakError extends Error {
  override readonly name = 'SoakLeakError';
}

function options(): { opts: BenchOptions; soak?: SoakOptions; profile: boolean; tune: boolean; out?: string; verbose: boolean } {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' }, reps: { type: 'string', default: '5' }, 'cap-s': { type: 'string', default: '60' },
      configs: { type: 'string' }, only: { type: 'string' },
      'skip-kernels': { type: 'boolean', default: false }, 'skip-step': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false }, soak: { type: 'string' }, 'soak-every': { type: 'string', default: '50' },
      profile: { type: 'boolean', default: false }, match: { type: 'string' }, tune: { type: 'boolean', default: false },
    },
  });
  const reps = Number(values.reps), capS = Number(values['cap-s']);
  if (!Number.isInteger(reps) || reps < 1) throw new BenchUsageError(`--reps must be a positive integer, got ${values.reps}`);
  if (!(capS > 0)) throw new BenchUsageError(`--cap-s must be a positive number of seconds, got ${values['cap-s']}`);
  // The bench defaults to both configs, the soak to rt.
  const configs = (values.configs ?? (values.soak !== undefined ? 'rt' : 'rt,paper')).split(',');
  if (configs.some((c) => c !== 'rt' && c !== 'paper')) throw new BenchUsageError(`--configs takes rt and/or paper, got ${values.configs}`);
  const impls = values.only?.split(',') as ImplName[] | undefined;
  if (impls?.some((i) => !['ours', 'stockWebgpu', 'cpu'].includes(i))) throw new BenchUsageError(`--only takes ours, stockWebgpu, cpu; got ${values.only}`);
  let soak: SoakOptions | undefined;
  if (values.soak !== undefined) {
    const steps = Number(values.soak), every = Number(values['soak-every']);
    if (!Number.isInteger(steps) || steps < 1) throw new BenchUsageError(`--soak takes a positive number of steps, got ${values.soak}`);
    if (!Number.isInteger(every) || every < 1) throw new BenchUsageError(`--soak-every must be a positive integer, got ${values['soak-every']}`);
    if (configs.length !== 1) throw new BenchUsageError(`--soak runs one config (--configs rt or --configs paper), got ${values.configs}`);
    soak = { steps, config: configs[0] as 'rt' | 'paper', sampleEvery: every };
  }
  if (soak && values.profile) throw new BenchUsageError('--soak and --profile are separate runs');
  return {
    soak, profile: values.profile || values.tune, tune: values.tune,
    opts: { reps, capMs: capS * 1000, configs: configs as ('rt' | 'paper')[], kernels: !values['skip-kernels'], step: !values['skip-step'], impls, match: values.match },
    out: values.out, verbose: values.verbose,
  };
}

const fmtMs = (t?: Timing) => (t === undefined ? '-' : `${t.ms >= 1000 ? `${(t.ms / 1000).toFixed(2)} s` : `${t.ms.toFixed(1)} ms`}${t.capped ? '*' : ''}`);
const ratio = (a?: Timing, b?: Timing) => (a && b ? `${(b.ms / a.ms).toFixed(1)}x${a.capped || b.capped ? '*' : ''}` : '-');
const gflops = (flops: number, t?: Timing) => (t ? (flops / t.ms / 1e6).toFixed(2) : '-');

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r, i) => {
    const line = r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
    return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
  }).join('\n');
}

function print(r: BenchReport): void {
  const y = r.yardstickBest;
  console.log(`adapter: ${r.adapter}`);
  console.log(`yardstick (our register-blocked matmul): ${r.yardstick.map((m) => `${m.size}^3 ${m.block} ${m.ms.toFixed(1)} ms = ${m.gflops.toFixed(2)}`).join('; ')} GFLOP/s -> best ${y.toFixed(2)} GFLOP/s\n`);
  const head = ['', 'MFLOP', 'ours', 'stock webgpu', 'tfjs cpu', 'stock/ours', 'cpu/ours', 'ours GFLOP/s', '% yardstick'];
  if (r.kernels.length > 0) {
    console.log('per kernel (median wall time incl. read-back):');
    console.log(table([head, ...r.kernels.map((k) => [
      `${k.name} (${k.config})`, (k.flops / 1e6).toFixed(1), fmtMs(k.times.ours), fmtMs(k.times.stockWebgpu), fmtMs(k.times.cpu),
      ratio(k.times.ours, k.times.stockWebgpu), ratio(k.times.ours, k.times.cpu), gflops(k.flops, k.times.ours),
      k.times.ours ? `${((k.flops / k.times.ours.ms / 1e6 / y) * 100).toFixed(0)}%` : '-',
    ])]));
    console.log('');
  }
  if (r.steps.length > 0) {
    console.log('per-frame streaming step (createStream().push + read-back of logits, flow, ldm):');
    console.log(table([[...head, '% paired'], ...r.steps.map((s) => [
      `step ${s.config}`, (s.flops / 1e6).toFixed(1), fmtMs(s.times.ours), fmtMs(s.times.stockWebgpu), fmtMs(s.times.cpu),
      ratio(s.times.ours, s.times.stockWebgpu), ratio(s.times.ours, s.times.cpu), gflops(s.flops, s.times.ours),
      s.times.ours ? `${((s.flops / s.times.ours.ms / 1e6 / y) * 100).toFixed(0)}%` : '-',
      s.pairedYardstickPct !== undefined ? `${s.pairedYardstickPct.toFixed(0)}%` : '-',
    ])]));
    console.log('  % yardstick: median step vs the best yardstick rate of the run; % paired: median over repeats of the step vs a yardstick timed just before it.');
    for (const s of r.steps) {
      console.log(`  ${s.config} FLOPs by op (MFLOP): ${Object.entries(s.flopsByOp).map(([k, v]) => `${k} ${(v / 1e6).toFixed(1)}`).join(', ')}`);
      for (const [impl, d] of Object.entries(s.relL2VsCpu)) console.log(`  ${s.config} ${impl} vs cpu rel L2: ${Object.entries(d).map(([k, v]) => `${k} ${v.toExponential(2)}`).join(', ')}`);
    }
  }
  console.log('\n* capped: a timed run exceeded --cap-s, so fewer repeats were made (the time is still after a warm-up run).');
  console.log('Every time is after one warm-up run (shader compilation). For stock webgpu the step ring is filled by our kernels;');
  console.log('every timed step (encode the newest frame + MER, flow and landmark heads) runs on the implementation under test.');
}

const mb = (bytes?: number) => (bytes === undefined ? '-' : `${(bytes / 2 ** 20).toFixed(2)} MiB`);

function printSoak(r: SoakReport & { adapter: string }): void {
  console.log(`adapter: ${r.adapter}; soak of MolLive (${r.config}, our kernels, backend ${r.backend}): ${r.steps} steps in ${r.totalS.toFixed(0)} s, median step ${r.medianStepMs.toFixed(0)} ms`);
  console.log(table([['', 'step', 'numTensors', 'numBytes', 'GPU bytes in tensors', 'GPU bytes allocated'],
    ...[['start', r.start], ['end', r.end]].map(([k, m]) => {
      const s = m as SoakReport['start'];
      return [k as string, String(s.step), String(s.numTensors), `${s.numBytes} (${mb(s.numBytes)})`, mb(s.numBytesInGPU), mb(s.numBytesAllocatedInGPU)];
    })]));
  console.log(`numTensors over all steps: min ${r.minTensors}, max ${r.maxTensors}; steps off the start count: ${r.stepsOffCount}`);
}

function printProfile(p: ProfileReport): void {
  const total = p.rows.reduce((a, r) => a + r.ms, 0);
  const totalFlops = p.rows.reduce((a, r) => a + r.flops, 0);
  console.log(`\nprofile of one ${p.config} streaming step on our kernels: ${p.rows.length} MolOps calls, each timed alone (median, incl. read-back; floor ${p.readbackFloorMs.toFixed(1)} ms)`);
  const sorted = [...p.rows].sort((a, b) => b.ms - a.ms);
  console.log(table([['#', 'op', 'shape', 'MFLOP', 'ms', 'GFLOP/s', '% of sum'], ...sorted.map((r) => [
    String(r.order), r.op, r.label, (r.flops / 1e6).toFixed(1), r.ms.toFixed(1), (r.flops / r.ms / 1e6).toFixed(2), `${((r.ms / total) * 100).toFixed(1)}%`,
  ])]));
  const byOp = new Map<string, { n: number; ms: number; flops: number }>();
  for (const r of p.rows) { const e = byOp.get(r.op) ?? { n: 0, ms: 0, flops: 0 }; e.n++; e.ms += r.ms; e.flops += r.flops; byOp.set(r.op, e); }
  console.log(`by op: ${[...byOp].sort((a, b) => b[1].ms - a[1].ms).map(([op, e]) => `${op} x${e.n} ${e.ms.toFixed(0)} ms (${((e.ms / total) * 100).toFixed(0)}%, ${(e.flops / e.ms / 1e6).toFixed(2)} GFLOP/s)`).join('; ')}`);
  if (p.tune) {
    const names = [...new Set(p.tune.flatMap((t) => Object.keys(t.ms)))];
    console.log(`\nconv2d register blocks (pixels x channels), median ms of interleaved rounds; best marked <, default marked =`);
    console.log(table([['#', 'shape', 'MFLOP', ...names], ...p.tune.map((t) => {
      const mine = Object.keys(t.ms);
      const best = mine.reduce((a, b) => (t.ms[b] < t.ms[a] ? b : a));
      return [String(t.order), t.label, (t.flops / 1e6).toFixed(1), ...names.map((n) => (t.ms[n] === undefined ? '-' : `${t.ms[n].toFixed(1)}${n === best ? '<' : ''}${n === t.defaultBlock ? '=' : ''}`))];
    })]));
  }
  console.log(`sum ${total.toFixed(0)} ms for ${(totalFlops / 1e6).toFixed(1)} MFLOP (${p.rows.length} read-backs included, about ${(p.rows.length * p.readbackFloorMs).toFixed(0)} ms of floor)`);
}

async function main(): Promise<void> {
  const { opts, soak, profile, tune, out, verbose } = options();
  const session = await openBrowserSession('/src/cli/harness/bench.html', { verbose });
  try {
    await session.page.waitForFunction(() => window.molBench !== undefined, undefined, { timeout: 120_000 });
    await session.page.evaluate(() => window.molBench.ready);
    if (profile) {
      const reports = await session.page.evaluate((o) => window.molBench.profile(o.opts.configs, o.opts.reps, o.opts.capMs, o.tune), { opts, tune });
      if (session.errors.length > 0) throw new Error(`WebGPU errors in the page:\n${session.errors.join('\n')}`);
      reports.forEach(printProfile);
      if (out) { writeFileSync(out, JSON.stringify(reports, null, 2)); console.log(`wrote ${out}`); }
      return;
    }
    if (soak) {
      if (!verbose) session.page.on('console', (m) => { if (m.text().startsWith('[soak]')) process.stderr.write(`${m.text()}\n`); });
      const r = await session.page.evaluate((o) => window.molBench.soak(o), soak);
      if (session.errors.length > 0) throw new Error(`WebGPU errors in the page:\n${session.errors.join('\n')}`);
      printSoak(r);
      if (out) { writeFileSync(out, JSON.stringify(r, null, 2)); console.log(`wrote ${out}`); }
      const grew = r.end.numBytes !== r.start.numBytes || r.end.numBytesAllocatedInGPU !== r.start.numBytesAllocatedInGPU;
      if (r.stepsOffCount > 0 || grew) throw new SoakLeakError(`memory not flat over ${r.steps} steps (tensors ${r.start.numTensors} -> ${r.end.numTensors}, bytes ${r.start.numBytes} -> ${r.end.numBytes})`);
      return;
    }
    const report = await session.page.evaluate((o) => window.molBench.run(o), opts);
    if (session.errors.length > 0) throw new Error(`WebGPU errors in the page:\n${session.errors.join('\n')}`);
    print(report);
    if (out) {
      writeFileSync(out, JSON.stringify({ options: opts, ...report }, null, 2));
      console.log(`wrote ${out}`);
    }
  } finally {
    await session.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
