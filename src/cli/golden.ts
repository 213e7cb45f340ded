/**
 * npm run golden -- --seed S --out DIR [--config paper|rt] [--ops kernels|reference] [--verbose]
 * Writes the WebGPU graph's golden tensors for seed S (see src/cli/golden-run.ts).
 */
import { parseArgs } from 'node:util';
import { GoldenRunError, runGolden } from './golden-run';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' }, out: { type: 'string' }, config: { type: 'string', default: 'paper' },
      ops: { type: 'string', default: 'kernels' }, verbose: { type: 'boolean', default: false },
    },
  });
  if (values.seed === undefined || values.out === undefined) throw new GoldenRunError('usage: npm run golden -- --seed S --out DIR [--config paper|rt] [--ops kernels|reference]');
  if (!/^\d+$/.test(values.seed)) throw new GoldenRunError(`--seed must be a non-negative integer, got ${values.seed}`);
  if (values.config !== 'paper' && values.config !== 'rt') throw new GoldenRunError(`--config must be paper or rt, got ${values.config}`);
  if (values.ops !== 'kernels' && values.ops !== 'reference') throw new GoldenRunError(`--ops must be kernels or reference, got ${values.ops}`);
  const t0 = performance.now();
  const m = await runGolden({ seed: Number(values.seed), outDir: values.out, config: values.config, ops: values.ops, verbose: values.verbose });
  console.log(`wrote ${m.tensors.length} tensors + golden-seed${m.seed}.json to ${values.out} (${m.environment.adapter}; forward ${m.environment.forwardMs} ms, total ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
