/**
 * Whole-model parity on a real WebGPU adapter (SwiftShader in CI) against shared/golden, seed 1, paper config:
 *  1. `npm run golden` (our WGSL kernels, all 7 pairs) writes the golden manifest layout, and every written tensor
 *     matches ../shared/golden within relative L2 1e-4 with identical kNN neighbour sets;
 *  2. the stock-ops reference path on webgpu matches on the kNN/F5C/MER/landmark part (its stock conv2d is far too
 *     slow on SwiftShader for the 15-GMAC flow head).
 * Any WebGPU validation error fails the test.
 */
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBrowserSession } from '../src/cli/browser-session';
import { GOLDEN_DIR, readGoldenManifest, readGoldenTensor } from '../src/cli/golden-fixtures';
import { knnSetMismatches, relL2 } from '../src/model/golden-layout';

const TOL = 1e-4;
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function compare(name: string, got: Float32Array | Int32Array, shape: number[], failures: string[]): void {
  const gold = readGoldenTensor(1, name);
  if (JSON.stringify(shape) !== JSON.stringify(gold.meta.shape)) { failures.push(`${name}: shape [${shape}] vs golden [${gold.meta.shape}]`); return; }
  if (name === 'knn_idx_all') {
    const bad = knnSetMismatches(got as Int32Array, gold.data as Int32Array, 4);
    console.log(`${name}: ${bad.length} nodes with different neighbour sets`);
    if (bad.length > 0) failures.push(`${name}: neighbour sets differ at rows ${bad.slice(0, 10)}`);
    return;
  }
  const e = relL2(got, gold.data);
  console.log(`${name}: relL2 ${e.toExponential(2)}`);
  if (!(e <= TOL)) failures.push(`${name}: relL2 ${e} > ${TOL}`);
}

test('npm run golden (WGSL kernels, paper, seed 1) writes tensors that match shared/golden', async () => {
  test.setTimeout(900_000);
  readGoldenManifest(1); // fails loudly when ../shared/golden is absent
  const out = mkdtempSync(path.join(tmpdir(), 'mol-golden-'));
  try {
    execFileSync('npx', ['tsx', 'src/cli/golden.ts', '--seed', '1', '--out', out], { cwd: REPO, stdio: 'inherit', timeout: 880_000 });
    const manifest = JSON.parse(readFileSync(path.join(out, 'golden-seed1.json'), 'utf8')) as { tensors: { name: string; file: string; dtype: string; shape: number[] }[] };
    const failures: string[] = [];
    const expected = ['input', 'stem_f0', 'fcc1_f0', 'ccc1_edge_f0', 'f5c1_f0', 'fcc2_f1', 'ccc2_edge_f1', 'f5c2_f1', 'fcc_out_all',
      'knn_idx_all', 'mer_input', 'flow_conv3a_pair0', 'flow_conv3b_pair0', 'corr_pair0', 'mer_logits', 'ldm', 'flow'];
    expect(manifest.tensors.map((t) => t.name).sort()).toEqual([...expected].sort());
    for (const t of manifest.tensors) {
      expect(t.file).toBe(`golden-seed1-${t.name}.bin`);
      const buf = readFileSync(path.join(out, t.file));
      const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
      const data = t.dtype === 'int32' ? new Int32Array(ab) : new Float32Array(ab);
      if (t.name === 'input') {
        expect(Buffer.compare(buf, readFileSync(path.join(GOLDEN_DIR, 'golden-seed1-input.bin')))).toBe(0);
        continue;
      }
      compare(t.name, data, t.shape, failures);
    }
    expect(failures).toEqual([]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('stock-ops reference path on webgpu matches shared/golden on the kNN/F5C/MER/landmark part', async () => {
  test.setTimeout(600_000);
  // Own dev server without HMR (openBrowserSession): an edit elsewhere in the tree must not reload the page mid-run.
  const session = await openBrowserSession('/src/cli/harness/model.html');
  try {
    const { page } = session;
    await page.waitForFunction(() => window.molModelHarness !== undefined, undefined, { timeout: 120_000 });
    await page.evaluate(() => window.molModelHarness.ready);
    const report = await page.evaluate(() => window.molModelHarness.run({ seed: 1, config: 'paper', ops: 'reference', flowPairs: [] }));
    expect(report.backend).toBe('webgpu');
    console.log(`reference ops on webgpu: weights ${report.weightsMs.toFixed(0)} ms, forward ${report.forwardMs.toFixed(0)} ms`);
    const failures: string[] = [];
    const names = report.tensors.map((t) => t.name).sort();
    expect(names).toEqual(['ccc1_edge_f0', 'ccc2_edge_f1', 'f5c1_f0', 'f5c2_f1', 'fcc1_f0', 'fcc2_f1', 'fcc_out_all', 'knn_idx_all', 'ldm', 'mer_input', 'mer_logits', 'stem_f0']);
    for (const t of report.tensors) {
      const buf = Buffer.from(t.base64, 'base64');
      const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
      compare(t.name, t.dtype === 'int32' ? new Int32Array(ab) : new Float32Array(ab), t.shape, failures);
    }
    expect(failures).toEqual([]);
    expect(report.gpuErrors).toEqual([]);
    expect(session.errors).toEqual([]);
    expect(session.foreignRequests).toEqual([]);
  } finally {
    await session.close();
  }
});
