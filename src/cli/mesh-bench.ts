/**
 * `npx tsx src/cli/mesh-bench.ts [--image e2e/.cache/astronaut.png] [--backends cpu,wasm,webgpu] [--reps 20]
 *   [--warmup 3]`: per-call FaceMesh time on each tfjs backend for one real 192x192 input, in headless Chromium
 * (src/cli/harness/mesh-bench.html), and how far each backend's 478 points are from the cpu backend's.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openBrowserSession, REPO_ROOT } from './browser-session';
import { ANALYZE_INPUT_ENV } from './vite-plugin-assets';
import type { MeshBenchBackend, MeshBenchReport } from './harness/mesh-bench';
import { runCli } from './run-cli';

interface Args { image: string; backends: MeshBenchBackend[]; reps: number; warmup: number }

function parse(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      image: { type: 'string', default: path.join(REPO_ROOT, 'e2e/.cache/astronaut.png') },
      backends: { type: 'string', default: 'cpu,wasm,webgpu' }, reps: { type: 'string', default: '20' }, warmup: { type: 'string', default: '3' },
    },
  });
  const backends = values.backends.split(',') as MeshBenchBackend[];
  if (backends.some((b) => !['cpu', 'wasm', 'webgpu'].includes(b))) throw new Error(`--backends takes cpu, wasm, webgpu; got ${values.backends}`);
  const reps = Number(values.reps), warmup = Number(values.warmup);
  if (!Number.isInteger(reps) || reps < 1 || !Number.isInteger(warmup) || warmup < 1) throw new Error('--reps and --warmup take positive integers');
  if (!existsSync(values.image)) throw new Error(`no image at ${values.image} (npm run fixtures builds e2e/.cache/)`);
  return { image: path.resolve(values.image), backends, reps, warmup };
}

async function run(args: Args): Promise<void> {
  process.env[ANALYZE_INPUT_ENV] = args.image;
  const session = await openBrowserSession('/src/cli/harness/mesh-bench.html');
  try {
    await session.page.waitForFunction(() => typeof window.__meshBench === 'function', null, { timeout: 180_000 });
    const report: MeshBenchReport = await session.page.evaluate(
      ([b, r, w]) => window.__meshBench(b, r, w), [args.backends, args.reps, args.warmup] as const,
    );
    if (session.errors.length) throw new Error(`page errors: ${session.errors.join('; ')}`);
    console.log(JSON.stringify(report));
    console.log(`crossOriginIsolated ${report.crossOriginIsolated}, wasm ${report.wasm ? `simd ${report.wasm.simd} threads ${report.wasm.threads}` : `failed: ${report.wasmError}`}`);
    for (const r of report.rows) {
      console.log(`${r.backend.padEnd(6)} (active ${r.active}): first ${r.firstMs.toFixed(0)} ms, median ${r.medianMs.toFixed(1)} ms over ${r.msPerCall.length}, ` +
        `presence ${r.presence.toFixed(3)}${r.maxAbsDiffVsCpu === null ? '' : `, max |diff| vs cpu ${r.maxAbsDiffVsCpu.toExponential(2)} px`}`);
    }
  } finally {
    await session.close();
  }
}

void runCli(parse, run, (err) => `mesh-bench failed: ${err instanceof Error ? err.message : String(err)}`);
