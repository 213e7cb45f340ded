/**
 * No face in view: the app says so and offers the demo and a file. Tracking runs on tfjs-cpu (`?backend=cpu`):
 * on SwiftShader the WebGPU FaceMesh takes seconds per frame (app-webgpu.spec.ts covers the WebGPU path).
 */
import { expect, test } from '@playwright/test';
import { CHROMIUM_PATH, fakeCameraFlags, WEBGPU_FLAGS } from '../src/cli/chromium';
import { fixturePath } from './fixtures/fixtures';
import { waitForFrames, watchPage } from './app-harness';

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...WEBGPU_FLAGS, ...fakeCameraFlags(fixturePath('noface.y4m'))] } });

test('says that no face was found and offers the demo and a file', async ({ page, baseURL }) => {
  const watch = watchPage(page, new URL(baseURL!).origin);
  await page.goto('/?backend=cpu');
  const r = await waitForFrames(page, 2);
  expect(r.faceFound).toBe(false);
  await expect(page.getByTestId('notice-noface')).toContainText('No face found');
  await expect(page.getByTestId('status-face')).toHaveText('no face');
  await expect(page.getByRole('button', { name: 'Demo clip' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Video file…' })).toBeVisible();
  expect(watch.errors).toEqual([]);
  expect(watch.foreignRequests).toEqual([]);
});
