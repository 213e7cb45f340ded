/** Several faces in view: the largest is tracked and the app says so (tfjs-cpu, see app-noface.spec.ts). */
import { expect, test } from '@playwright/test';
import { CHROMIUM_PATH, fakeCameraFlags, WEBGPU_FLAGS } from '../src/cli/chromium';
import { fixturePath } from './fixtures/fixtures';
import { waitForFrames } from './app-harness';

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...WEBGPU_FLAGS, ...fakeCameraFlags(fixturePath('two-faces.y4m'))] } });

test('tracks the largest face and says so', async ({ page }) => {
  await page.goto('/?backend=cpu');
  const r = await waitForFrames(page, 1, { face: true });
  expect(r.faceCount).toBeGreaterThanOrEqual(2);
  // The large head is in the left half of the 640 px frame, the small one in the right half.
  const [x, , w] = r.faceBox!;
  expect(x + w / 2).toBeLessThan(320);
  await expect(page.getByTestId('notice-faces')).toContainText('tracking the largest');
});
