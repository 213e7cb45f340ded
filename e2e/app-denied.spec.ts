/**
 * Camera permission denied, then the demo clip on a machine without WebGPU: the denial is shown with a way
 * forward, and the demo then runs on a fallback tfjs backend and the app says which.
 */
import { expect, test } from '@playwright/test';
import { CHROMIUM_PATH, WEBGPU_FLAGS } from '../src/cli/chromium';
import { waitForFrames, watchPage } from './app-harness';

// A fake device but no auto-accepting permission UI (--use-fake-ui-for-media-stream): headless Chromium denies
// the prompt. Without --enable-unsafe-webgpu the software adapter is blocklisted: no WebGPU at all.
const args = WEBGPU_FLAGS.filter((f) => f !== '--enable-unsafe-webgpu');
test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...args, '--use-fake-device-for-media-stream'] } });

test('shows the denial with a way forward; the demo then runs on a fallback backend and says which', async ({ page, baseURL }) => {
  const watch = watchPage(page, new URL(baseURL!).origin);
  await page.goto('/');
  const problem = page.getByTestId('problem');
  await expect(problem).toHaveAttribute('data-code', 'camera-permission-denied');
  await expect(problem).toContainText('Camera access was denied');
  await problem.getByRole('button', { name: 'Use the demo clip' }).click();
  await expect(problem).toHaveCount(0);
  const r = await waitForFrames(page, 1, { face: true });
  expect(r.landmarks68).toHaveLength(68);
  await expect(page.getByTestId('notice-gpu')).toContainText(/WebGPU is unavailable: tracking runs on the tfjs "(webgl|cpu)" backend/);
  await expect(page.getByTestId('status-backend')).toHaveAttribute('data-gpu', 'fallback');
  await expect(page.getByTestId('status-source')).toContainText('Demo clip');
  expect(watch.errors).toEqual([]);
  expect(watch.foreignRequests).toEqual([]);
});
