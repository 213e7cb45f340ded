/**
 * `npm run golden` as a function: runs the WebGPU MOL graph (our WGSL kernels, or the stock-ops reference path)
 * in headless Chromium on the recipe weights and input of a seed, and writes the tensors in shared/golden's
 * manifest layout: golden-seed{S}-<name>.bin (little-endian, C-order) plus golden-seed{S}.json.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openBrowserSession } from './browser-session';
import { recipeInputClip } from '../model/recipe';
import type { ModelRunReport, ModelRunRequest } from './harness/model';

export class GoldenRunError extends Error {
  override readonly name = 'GoldenRunError';
}

export interface GoldenRunOptions {
  seed: number;
  outDir: string;
  config?: 'paper' | 'rt';
  ops?: 'kernels' | 'reference';
  verbose?: boolean;
}

export interface GoldenManifestOut {
  seed: number;
  model: string;
  weights: string;
  environment: Record<string, string>;
  tensors: { name: string; file: string; dtype: string; byte_order: 'little'; shape: number[]; layout: string; bytes: number; sha256: string }[];
}

export async function runGolden(opts: GoldenRunOptions): Promise<GoldenManifestOut> {
  if (!Number.isInteger(opts.seed) || opts.seed < 0 || opts.seed > 0xffffffff) throw new GoldenRunError(`--seed must be an integer in 0..2^32-1, got ${opts.seed}`);
  const config = opts.config ?? 'paper';
  const ops = opts.ops ?? 'kernels';
  const session = await openBrowserSession('/src/cli/harness/model.html', { verbose: opts.verbose });
  let report: ModelRunReport;
  let adapterInfo: string;
  try {
    await session.page.waitForFunction(() => window.molModelHarness !== undefined, undefined, { timeout: 120_000 });
    adapterInfo = (await session.page.evaluate(() => window.molModelHarness.ready)).adapterInfo;
    const req: ModelRunRequest = { seed: opts.seed, config, ops };
    report = await session.page.evaluate((r) => window.molModelHarness.run(r), req);
    const errors = [...session.errors, ...report.gpuErrors];
    if (errors.length > 0) throw new GoldenRunError(`WebGPU errors during the run:\n${errors.join('\n')}`);
    if (session.foreignRequests.length > 0) throw new GoldenRunError(`the harness fetched foreign URLs: ${session.foreignRequests.join(', ')}`);
  } finally {
    await session.close();
  }
  mkdirSync(opts.outDir, { recursive: true });
  const S = opts.seed;
  const entries: GoldenManifestOut['tensors'] = [];
  const write = (name: string, dtype: string, shape: number[], layout: string, bytes: Buffer): void => {
    const file = `golden-seed${S}-${name}.bin`;
    writeFileSync(path.join(opts.outDir, file), bytes);
    entries.push({ name, file, dtype, byte_order: 'little', shape, layout, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  };
  const clip = recipeInputClip(S);
  write('input', 'float32', [1, 1, 8, 128, 128], 'B,C,T,H,W', Buffer.from(clip.buffer, clip.byteOffset, clip.byteLength));
  for (const t of report.tensors) write(t.name, t.dtype, t.shape, t.layout, Buffer.from(t.base64, 'base64'));
  const manifest: GoldenManifestOut = {
    seed: S,
    model: `MOL ${config} config, TypeScript graph (src/model) with ${ops === 'kernels' ? 'our WGSL kernels' : 'stock tfjs ops'} on tfjs-webgpu`,
    weights: 'shared/golden/RECIPE.md recipe for this seed, built in TypeScript (src/model/recipe.ts)',
    environment: { adapter: adapterInfo, backend: report.backend, forwardMs: report.forwardMs.toFixed(0), weightsMs: report.weightsMs.toFixed(0) },
    tensors: entries,
  };
  writeFileSync(path.join(opts.outDir, `golden-seed${S}.json`), JSON.stringify(manifest, null, 1));
  return manifest;
}
