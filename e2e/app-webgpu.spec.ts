/**
 * The app's default path: tracking on the tfjs WebGPU backend (SwiftShader here, so slow: one frame is enough)
 * with no WebGPU/WGSL error on the console; then a lost GPU device stops analysis with a message.
 */
import { expect, test } from '@playwright/test';
import { CHROMIUM_PATH, fakeCameraFlags, WEBGPU_FLAGS } from '../src/cli/chromium';
import { fixturePath } from './fixtures/fixtures';
import { waitForFrames, watchPage } from './app-harness';

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...WEBGPU_FLAGS, ...fakeCameraFlags(fixturePath('astronaut-still.y4m'))] } });

test('tracks on WebGPU by default without WebGPU errors; a lost device stops with a message', async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  const watch = watchPage(page, new URL(baseURL!).origin);
  // Keep a handle on the GPUDevice tfjs creates, so the test can lose it like a driver reset would.
  await page.addInitScript(() => {
    const original = GPUAdapter.prototype.requestDevice;
    GPUAdapter.prototype.requestDevice = async function (this: GPUAdapter, desc?: GPUDeviceDescriptor) {
      const device = await original.call(this, desc);
      (window as unknown as { __gpuDevice?: GPUDevice }).__gpuDevice = device;
      return device;
    };
  });
  await page.goto('/');
  const r = await waitForFrames(page, 1, { face: true, timeout: 220_000 });
  expect(r.landmarks68).toHaveLength(68);
  await expect(page.getByTestId('status-backend')).toHaveAttribute('data-gpu', 'webgpu');
  await expect(page.getByTestId('status-backend')).toHaveText('tfjs webgpu');
  await expect(page.getByTestId('notice-gpu')).toHaveCount(0);
  await expect(page.getByTestId('problem')).toHaveCount(0); // an uncaptured WGSL error would show as gpu-lost
  expect(watch.errors).toEqual([]);
  expect(watch.foreignRequests).toEqual([]);

  await page.evaluate(() => (window as unknown as { __gpuDevice: GPUDevice }).__gpuDevice.destroy());
  const problem = page.getByTestId('problem');
  await expect(problem).toHaveAttribute('data-code', 'gpu-lost');
  await expect(problem).toContainText('The GPU stopped working');
  await expect(problem.getByRole('button', { name: 'Reload the app' })).toBeVisible();
  await expect(page.getByTestId('status-backend')).toHaveAttribute('data-gpu', 'lost');
});
