/**
 * No camera (headless Chromium without a fake device lists none): the demo clip plays and the app says why.
 * A video file the browser cannot decode: a named message and a way forward (another file, the demo).
 */
import { expect, test } from '@playwright/test';
import { fixturePath } from './fixtures/fixtures';
import { waitForFrames } from './app-harness';

test('without a camera the demo clip plays and the app says why', async ({ page }) => {
  await page.goto('/?backend=cpu');
  await expect(page.getByTestId('notice-startup')).toContainText('No camera was found');
  await expect(page.getByTestId('status-source')).toContainText('Demo clip');
  await expect(page.getByRole('button', { name: 'Demo clip' })).toHaveAttribute('aria-pressed', 'true');
});

test('names the unreadable file and offers another file or the demo', async ({ page }) => {
  await page.goto('/?source=demo&backend=cpu');
  await page.getByTestId('file-input').setInputFiles({
    name: 'broken.webm',
    mimeType: 'video/webm',
    buffer: Buffer.from('this is not a video '.repeat(64)),
  });
  const problem = page.getByTestId('problem');
  await expect(problem).toHaveAttribute('data-code', 'unreadable-video', { timeout: 120_000 });
  await expect(problem).toContainText('broken.webm');
  await expect(problem.getByRole('button', { name: 'Choose a video file' })).toBeVisible();
  await expect(problem.getByRole('button', { name: 'Use the demo clip' })).toBeVisible();
});

test('analyses a chosen video file frame by frame', async ({ page }) => {
  // Tracking only: MOL would add seconds per frame on the CPU backend (e2e/app-model.spec.ts covers it).
  await page.goto('/?source=demo&backend=cpu&weights=none');
  await page.getByTestId('file-input').setInputFiles(fixturePath('cap12_edit.webm'));
  await expect(page.getByTestId('status-source')).toContainText('cap12_edit.webm');
  await waitForFrames(page, 3, { face: true });
  // Files are never real-time dropped: after n analysed frames the latest is the file's frame n-1.
  const { index, count } = await page.evaluate(() => ({ index: window.__meAnalyzer!.lastResult()!.index, count: window.__meAnalyzer!.framesProcessed() }));
  expect(index).toBe(count - 1);
  await expect(page.getByRole('button', { name: 'Video file…' })).toHaveAttribute('aria-pressed', 'true');
});
