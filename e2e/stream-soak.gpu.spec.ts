/**
 * Tensor-leak soak of streaming inference on the real WebGPU adapter, CI length: MolLive (rt, our WGSL kernels)
 * for 10 steps after the ring is full, tf.memory() checked after every step (src/cli/harness/bench-soak.ts).
 * The full 1,000-step soak is `npm run bench -- --soak 1000` (about an hour on SwiftShader).
 */
import { test, expect } from '@playwright/test';
import { WEBGPU_ERROR_PATTERN } from '../src/cli/chromium';

test('streaming inference on our kernels keeps tf.memory() flat step after step', async ({ page }) => {
  test.setTimeout(420_000);
  const errors: string[] = [];
  page.on('console', (msg) => { if (WEBGPU_ERROR_PATTERN.test(msg.text())) errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  await page.goto('/src/cli/harness/bench.html');
  await page.waitForFunction(() => window.molBench !== undefined);
  await page.evaluate(() => window.molBench.ready);
  const r = await page.evaluate(() => window.molBench.soak({ steps: 10, config: 'rt', sampleEvery: 5 }));
  console.log(`soak rt x${r.steps}: numTensors ${r.start.numTensors} -> ${r.end.numTensors}, numBytes ${r.start.numBytes} -> ${r.end.numBytes}, GPU allocated ${r.start.numBytesAllocatedInGPU} -> ${r.end.numBytesAllocatedInGPU}, median step ${r.medianStepMs.toFixed(0)} ms`);
  expect(r.backend).toBe('webgpu');
  expect(r.stepsOffCount).toBe(0);
  expect(r.end.numTensors).toBe(r.start.numTensors);
  expect(r.end.numBytes).toBe(r.start.numBytes);
  expect(r.end.numBytesAllocatedInGPU).toBe(r.start.numBytesAllocatedInGPU);
  expect(errors).toEqual([]);
});
