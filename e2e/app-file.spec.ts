/** A video file the browser cannot decode: a named message and a way forward (another file, the demo). */
import { expect, test } from '@playwright/test';

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
