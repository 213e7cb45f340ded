/**
 * The app's default path: tracking on the tfjs WebGPU backend (SwiftShader here, so slow: one frame is enough)
 * with no WebGPU/WGSL error on the console.
 */
import { expect, test } from '@playwright/test';
import { CHROMIUM_PATH, fakeCameraFlags, WEBGPU_FLAGS } from '../src/cli/chromium';
import { fixturePath } from './fixtures/fixtures';
import { waitForFrames, watchPage } from './app-harness';

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...WEBGPU_FLAGS, ...fakeCameraFlags(fixturePath('astronaut-still.y4m'))] } });

test('tracks on WebGPU by default without WebGPU errors', async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  const watch = watchPage(page, new URL(baseURL!).origin);
  await page.goto('/');
  const r = await waitForFrames(page, 1, { face: true, timeout: 220_000 });
  expect(r.landmarks68).toHaveLength(68);
  await expect(page.getByTestId('status-backend')).toHaveAttribute('data-gpu', 'webgpu');
  await expect(page.getByTestId('status-backend')).toHaveText('tfjs webgpu');
  await expect(page.getByTestId('notice-gpu')).toHaveCount(0);
  expect(watch.errors).toEqual([]);
  expect(watch.foreignRequests).toEqual([]);
});
