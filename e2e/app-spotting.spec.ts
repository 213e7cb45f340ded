/**
 * The live spotting view in the built app, on a fake camera that delivers only 10 fps (the astronaut photo):
 * the capture guard measures the rate and warns, the timeline renders and shows calibration progress from
 * "calibrating" to "calibrated", the region meters are fed, presenter mode toggles large readouts, and the
 * about panel opens with the model's limits. Playback here takes seconds per frame, so no event is asserted
 * (the planted demo clip's spec does that). Tracking only (`?weights=none`) keeps frames fast; spotting
 * works on landmarks alone.
 */
import { expect, test } from '@playwright/test';
import { CHROMIUM_PATH, fakeCameraFlags, WEBGPU_FLAGS } from '../src/cli/chromium';
import { fixturePath } from './fixtures/fixtures';
import { waitForFrames, watchPage } from './app-harness';

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...WEBGPU_FLAGS, ...fakeCameraFlags(fixturePath('astronaut-10fps.y4m'))] } });

test('spotting view: capture guard warns at 10 fps, timeline with calibration, meters, presenter mode, about panel', async ({ page, baseURL }) => {
  // Model-free tracking on the CPU backend still takes seconds per frame on a shared 2-core machine.
  test.setTimeout(420_000);
  const watch = watchPage(page, new URL(baseURL!).origin);
  await page.goto('/?backend=cpu&weights=none&source=camera');

  // Record every calibration state the timeline shows, from before the first frame on.
  await page.locator('[data-testid="calibration"]').waitFor();
  await page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('[data-testid="calibration"]')!;
    const seen: string[] = [el.dataset.state!];
    (window as unknown as { __calibrationStates: string[] }).__calibrationStates = seen;
    new MutationObserver(() => seen.push(`${el.dataset.state}:${el.dataset.progress}`)).observe(el, { attributes: true });
  });

  // The timeline is a uPlot chart with its axes, and an empty event list.
  const plot = page.locator('[data-testid="timeline-plot"] canvas');
  await expect(plot).toBeVisible();
  const size = await plot.evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
  expect(size[0]).toBeGreaterThan(200);
  expect(size[1]).toBeGreaterThan(100);
  await expect(page.getByTestId('event-list')).toContainText('No events yet');

  // Presenter mode and the about panel. The CPU backend blocks the page for seconds per frame, so each
  // Playwright action waits for a frame to finish: the clicks and readings run in one page task instead (real
  // DOM clicks, then a short wait for React to commit).
  const ui = await page.evaluate(async () => {
    const q = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    };
    const toggle = q('presenter-toggle')!;
    const before = { readout: q('presenter-readout') !== null };
    toggle.click();
    await until(() => q('presenter-class') !== null);
    const cls = q('presenter-class');
    const on = {
      pressed: toggle.getAttribute('aria-pressed'),
      appClass: document.querySelector('.app')!.className,
      readoutVisible: cls !== null && cls.getBoundingClientRect().height > 0,
      classFontPx: cls ? parseFloat(getComputedStyle(cls).fontSize) : 0,
      event: q('presenter-event')?.textContent ?? null,
    };
    toggle.click();
    await until(() => q('presenter-readout') === null);
    const off = { pressed: toggle.getAttribute('aria-pressed'), readout: q('presenter-readout') !== null };
    const about = q('about-panel') as HTMLDialogElement;
    const aboutBefore = about.open;
    q('about-open')!.click();
    await until(() => about.open);
    const aboutOpen = { open: about.open, visible: about.getBoundingClientRect().height > 0, text: about.textContent ?? '' };
    q('about-close')!.click();
    await until(() => !about.open);
    return { before, on, off, aboutBefore, aboutOpen, aboutAfter: about.open };
  });
  expect(ui.before.readout).toBe(false);
  expect(ui.on.pressed).toBe('true');
  expect(ui.on.appClass).toMatch(/\bpresenter\b/);
  expect(ui.on.readoutVisible).toBe(true);
  expect(ui.on.classFontPx).toBeGreaterThanOrEqual(32);
  expect(ui.on.event).toBe('none yet');
  expect(ui.off).toEqual({ pressed: 'false', readout: false });
  // About panel: what the model was trained on, what it was not validated on, not lie detection.
  expect(ui.aboutBefore).toBe(false);
  expect(ui.aboutOpen.open && ui.aboutOpen.visible).toBe(true);
  expect(ui.aboutOpen.text).toContain('synthetic micro-expressions');
  expect(ui.aboutOpen.text).toContain('26 people');
  expect(ui.aboutOpen.text).toContain('CASME II, SAMM, SMIC');
  expect(ui.aboutOpen.text).toContain('Micro-expression analysis is not lie detection.');
  expect(ui.aboutAfter).toBe(false);

  // Calibration: 2 s of face frames. The pump stamps frames with their capture time, so a few frames finish it.
  const first = await waitForFrames(page, 1, { face: true });
  expect(first.spot).not.toBeNull();
  // Camera frames come from the camera track in memory, not read back from the <video> (video-frame-pixels.ts).
  expect(await page.evaluate(() => window.__meAnalyzer!.pixelPath())).toBe('track');
  await expect(page.getByTestId('calibration')).toHaveAttribute('data-state', 'done', { timeout: 150_000 });
  await expect(page.getByTestId('calibration')).toHaveText('Calibrated: spotting');
  const states = await page.evaluate(() => (window as unknown as { __calibrationStates: string[] }).__calibrationStates);
  expect(states.some((s) => s.startsWith('calibrating:'))).toBe(true);
  expect(states[states.length - 1]).toBe('done:1.00');
  const last = await page.evaluate(() => window.__meAnalyzer!.lastResult());
  expect(last!.spot!.calibrating).toBe(false);
  expect(Object.keys(last!.spot!.regions).sort()).toEqual(['browL', 'browR', 'chin', 'eyeL', 'eyeR', 'mouthL', 'mouthR', 'nose']);
  expect(last!.timings.spot).toBeGreaterThanOrEqual(0);

  // Region meters show the spotter's per-region motion as numbers.
  await expect(page.getByTestId('region-meter-browL').locator('output')).toHaveText(/^\d+\.\d\d$/);
  const px = Number(await page.getByTestId('region-meter-mouthL').getAttribute('data-px'));
  expect(Number.isFinite(px) && px >= 0).toBe(true);

  // Capture guard: the fake camera delivers 10 fps, under the 25 fps a micro-expression needs.
  const guard = page.getByTestId('capture-guard');
  await expect(guard).toHaveAttribute('data-level', 'warn');
  await expect(page.getByTestId('capture-warning')).toContainText('under 25 fps');
  const fps = Number(await page.getByTestId('capture-fps').textContent());
  expect(fps).toBeGreaterThan(7);
  expect(fps).toBeLessThan(13);
  // ... and its jitter, from the frames' capture times (the fake camera's clock is regular: a few ms at most,
  // although the pipeline takes far longer per frame than a frame interval)
  await expect(page.getByTestId('capture-jitter')).toHaveText(/^\d+\.\d$/, { timeout: 30_000 });
  const jitter = Number(await page.getByTestId('capture-jitter').textContent());
  console.log(`fake camera: ${fps} fps, jitter ${jitter} ms`);
  expect(jitter).toBeLessThan(25);

  expect(watch.errors).toEqual([]);
  expect(watch.foreignRequests).toEqual([]);
});
