/**
 * WGSL kernel parity on a real WebGPU adapter (SwiftShader in CI): every case in src/cli/harness/kernel-cases.ts
 * must match its plain-TS reference, with no WebGPU validation error on the console or the device. A deliberately
 * invalid kernel must be caught by the same net, which proves the net works.
 */
import { test, expect, type Page } from '@playwright/test';
import { WEBGPU_ERROR_PATTERN } from '../src/cli/chromium';

const HARNESS = '/src/cli/harness/kernels.html';

function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => { if (WEBGPU_ERROR_PATTERN.test(msg.text())) errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return errors;
}

async function openHarness(page: Page): Promise<string[]> {
  const errors = watchConsole(page);
  await page.goto(HARNESS);
  await page.waitForFunction(() => window.molKernelHarness !== undefined);
  await page.evaluate(() => window.molKernelHarness.ready);
  return errors;
}

test('every MOL kernel matches its plain-TS reference on seeded awkward shapes', async ({ page }) => {
  test.setTimeout(240_000);
  const consoleErrors = await openHarness(page);
  const names = await page.evaluate(() => window.molKernelHarness.caseNames());
  expect(names.length).toBeGreaterThan(0);
  const tensorsBefore = await page.evaluate(() => window.molKernelHarness.numTensors());
  const failures: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const r = await page.evaluate((idx) => window.molKernelHarness.runCase(idx), i);
    const line = `${r.name}: max|err| ${r.maxAbsErr.toExponential(2)} over ${r.size} (worst #${r.worstIndex}: got ${r.got}, want ${r.want}; atol ${r.atol}, rtol ${r.rtol}) ${r.ms.toFixed(0)} ms`;
    console.log(line);
    if (!r.pass || r.gpuErrors.length > 0) failures.push(`${line} ${r.gpuErrors.join(' | ')}`);
  }
  expect(failures).toEqual([]);
  expect(consoleErrors).toEqual([]);
  // Kernels must not leak tensors (inputs and outputs are disposed by the cases).
  expect(await page.evaluate(() => window.molKernelHarness.numTensors())).toBe(tensorsBefore);
});

test('a deliberately invalid WGSL kernel is caught (the error net works)', async ({ page }) => {
  const consoleErrors = await openHarness(page);
  const gpuErrors = await page.evaluate(() => window.molKernelHarness.runInvalidKernel());
  expect(gpuErrors.length).toBeGreaterThan(0);
  expect(gpuErrors.join('\n')).toMatch(WEBGPU_ERROR_PATTERN);
  expect(consoleErrors.length).toBeGreaterThan(0);
});
