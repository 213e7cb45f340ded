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

test('a camera unplugged mid-stream stops with a message and offers the demo', async ({ page }) => {
  // Keep a handle on the camera track so the test can fire the `ended` event Chromium sends on unplug.
  await page.addInitScript(() => {
    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await original(constraints);
      (window as unknown as { __cameraTrack?: MediaStreamTrack }).__cameraTrack = stream.getVideoTracks()[0];
      return stream;
    };
  });
  await page.goto('/?backend=cpu');
  await waitForFrames(page, 1);
  await page.evaluate(() => (window as unknown as { __cameraTrack: MediaStreamTrack }).__cameraTrack.dispatchEvent(new Event('ended')));
  const problem = page.getByTestId('problem');
  await expect(problem).toHaveAttribute('data-code', 'camera-unplugged');
  await expect(problem).toContainText('The camera was disconnected');
  await expect(problem.getByRole('button', { name: 'Use the demo clip' })).toBeVisible();
  await expect(page.getByTestId('status-source')).toHaveAttribute('data-status', 'failed');
});
