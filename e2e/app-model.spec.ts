/**
 * MOL in the live app (built PWA, tfjs CPU backend, fake camera playing the astronaut photo): the emotion panel's
 * probabilities sum to 1, the flow overlay on the video is exactly the model's flow mapped back through the
 * inverse alignment, MOL's landmarks are drawn where the inverse alignment puts them, and the weights notice says
 * what the weights are. A weights shard with one flipped byte gives the checksum message while tracking goes on.
 */
import { expect, test, type Page } from '@playwright/test';
import { CHROMIUM_PATH, fakeCameraFlags, WEBGPU_FLAGS } from '../src/cli/chromium';
import { cropPointsToVideo, flowToVideoPatch } from '../src/render/flow-image';
import type { Affine2x3, Point } from '../src/pipeline/types';
import { fixturePath } from './fixtures/fixtures';
import { waitForFrames, watchPage } from './app-harness';

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...WEBGPU_FLAGS, ...fakeCameraFlags(fixturePath('astronaut-still.y4m'))] } });

// On the tfjs CPU backend FaceMesh plus the model's per-frame encoder take 10-25 s per frame on a loaded 2-core
// machine (the full step up to ~20 s, during which the page cannot answer); the first output needs 8 frames.
const MODEL_OUTPUT_TIMEOUT_MS = 720_000;
const PAGE_BUSY_MS = 120_000;

async function waitForModelOutput(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__meAnalyzer?.lastResult()?.model != null, undefined, { timeout: MODEL_OUTPUT_TIMEOUT_MS, polling: 500 });
}

interface ModelScreen {
  width: number;
  height: number;
  alignment: Affine2x3;
  flow: number[];
  probabilities: number[];
  classes: string[];
  molLandmarks: Point[];
  gain: number;
  flowAlpha: Uint8Array;
  ldmAlpha: Uint8Array;
  shownProbs: { cls: string; text: string; value: number }[];
}

/** The frame on screen with its model outputs and the overlay pixels, read in one page task (no frame in between). */
async function modelScreen(page: Page): Promise<ModelScreen | null> {
  const raw = await page.evaluate(() => {
    const s = window.__meAnalyzer!.snapshot();
    const m = s?.result.model;
    if (!s || !m || !s.result.alignment) return null;
    const alpha = (id: string) => {
      const c = document.querySelector<HTMLCanvasElement>(`[data-testid="${id}"]`)!;
      const d = c.getContext('2d', { willReadFrequently: true })!.getImageData(0, 0, c.width, c.height).data;
      // Alpha bytes as base64: a few hundred kB instead of a JSON array of numbers.
      let bin = '';
      for (let i = 3; i < d.length; i += 4) bin += String.fromCharCode(d[i]);
      return btoa(bin);
    };
    const shownProbs = [...document.querySelectorAll<HTMLOutputElement>('[data-testid="emotion-prob"]')].map((o) => ({
      cls: o.dataset.class ?? '', text: o.textContent ?? '', value: Number(o.dataset.value),
    }));
    return {
      width: s.frame.width,
      height: s.frame.height,
      alignment: s.result.alignment as unknown as Affine2x3,
      flow: Array.from(m.flow),
      probabilities: Array.from(m.probabilities),
      classes: [...m.classes],
      molLandmarks: m.landmarks68Crop.map((p) => [p[0], p[1]] as const),
      gain: window.__meAnalyzer!.state().flowGain,
      flowAlpha: alpha('flow-canvas'),
      ldmAlpha: alpha('mol-landmarks-canvas'),
      shownProbs,
    };
  });
  if (!raw) return null;
  return { ...raw, flowAlpha: Buffer.from(raw.flowAlpha, 'base64'), ldmAlpha: Buffer.from(raw.ldmAlpha, 'base64') };
}

test('recipe weights: untrained notice, probabilities summing to 1, flow overlay and MOL landmarks on the video', async ({ page, baseURL }) => {
  test.setTimeout(MODEL_OUTPUT_TIMEOUT_MS + 2 * PAGE_BUSY_MS);
  const watch = watchPage(page, new URL(baseURL!).origin);
  await page.goto('/?backend=cpu&weights=recipe');
  await expect(page.getByTestId('weights-notice')).toHaveAttribute('data-trained', 'false');
  await expect(page.getByTestId('weights-notice')).toContainText('untrained weights');
  // No WebGPU in use: the reference (stock-ops) path, and the panel says so.
  await expect(page.getByTestId('model-state')).toContainText('stock tfjs ops on the cpu backend');

  await waitForModelOutput(page);
  let screen: ModelScreen | null = null;
  await expect.poll(async () => (screen = await modelScreen(page)) !== null, { timeout: PAGE_BUSY_MS }).toBe(true);
  const s = screen!;

  // Probabilities: the model's sum to 1, and the panel shows one row per class whose smoothed values sum to 1.
  expect(s.classes).toEqual(['surprise', 'positive', 'negative']);
  expect(Math.abs(s.probabilities.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
  expect(s.shownProbs.map((p) => p.cls)).toEqual(s.classes);
  expect(Math.abs(s.shownProbs.reduce((a, p) => a + p.value, 0) - 1)).toBeLessThan(1e-5);
  for (const p of s.shownProbs) expect(p.text).toBe(p.value.toFixed(3));

  // Flow overlay: non-empty, and pixel for pixel the model's flow mapped back through the inverse alignment.
  const patch = flowToVideoPatch(Float32Array.from(s.flow), s.alignment, s.width, s.height, s.gain);
  expect(patch).not.toBeNull();
  const want = new Array<number>(s.width * s.height).fill(0);
  for (let y = 0; y < patch!.height; y++) {
    for (let x = 0; x < patch!.width; x++) want[(y + patch!.y0) * s.width + x + patch!.x0] = patch!.rgba[4 * (y * patch!.width + x) + 3];
  }
  const drawn = s.flowAlpha.reduce((n, a) => n + (a > 0 ? 1 : 0), 0);
  expect(drawn).toBeGreaterThan(1000);
  let mismatches = 0;
  for (let i = 0; i < want.length; i++) if (want[i] !== s.flowAlpha[i]) mismatches++;
  expect(mismatches).toBe(0);

  // MOL's landmarks: drawn at their video positions (crop points through the inverse alignment), on the frame.
  const video = cropPointsToVideo(s.alignment, s.molLandmarks);
  expect(video).toHaveLength(68);
  const at = (x: number, y: number) => s.ldmAlpha[Math.round(y) * s.width + Math.round(x)];
  const inside = video.filter(([x, y]) => x >= 0 && y >= 0 && x < s.width && y < s.height);
  expect(inside.length).toBeGreaterThan(0);
  for (const [x, y] of inside) expect(at(x, y)).toBeGreaterThan(0);

  expect(watch.errors).toEqual([]);
  expect(watch.foreignRequests).toEqual([]);
});

test('shipped weights: the notice says they were trained on synthetic micro-expressions only', async ({ page, baseURL }) => {
  const watch = watchPage(page, new URL(baseURL!).origin);
  await page.goto('/?backend=cpu');
  await expect(page.getByTestId('weights-notice')).toHaveAttribute('data-trained', 'true');
  await expect(page.getByTestId('weights-notice')).toContainText('trained on synthetic micro-expressions only');
  await expect(page.getByTestId('emotion-prob')).toHaveCount(3);
  await expect(page.getByTestId('model-problem')).toHaveCount(0);
  expect(watch.errors).toEqual([]);
  expect(watch.foreignRequests).toEqual([]);
});

test('?weights=none: tracking only, and the panel says MOL is off', async ({ page, baseURL }) => {
  const watch = watchPage(page, new URL(baseURL!).origin);
  await page.goto('/?backend=cpu&weights=none');
  await expect(page.getByTestId('model-state')).toHaveAttribute('data-state', 'off');
  await expect(page.getByTestId('model-state')).toContainText('tracking only');
  const r = await waitForFrames(page, 1, { face: true });
  expect(r.model).toBeNull();
  expect(r.timings.model).toBeUndefined();
  await expect(page.getByTestId('weights-notice')).toHaveCount(0);
  await expect(page.getByTestId('model-problem')).toHaveCount(0);
  expect(watch.errors).toEqual([]);
  expect(watch.foreignRequests).toEqual([]);
});

test.describe('a corrupted weights shard', () => {
  // Requests the service worker answers would bypass the route below.
  test.use({ serviceWorkers: 'block' });

  test('gives the checksum message, and tracking keeps updating the landmarks', async ({ page, baseURL }) => {
    test.setTimeout(300_000);
    const watch = watchPage(page, new URL(baseURL!).origin);
    let served = false;
    await page.route('**/models/mol/rt-synth-3cls/weights-shard1of2.bin', async (route) => {
      const res = await route.fetch();
      const body = Buffer.from(await res.body());
      body[12345] ^= 0x10;
      served = true;
      await route.fulfill({ response: res, body });
    });
    await page.goto('/?backend=cpu');
    const problem = page.getByTestId('model-problem');
    await expect(problem).toHaveAttribute('data-code', 'weights-checksum', { timeout: 120_000 });
    await expect(problem).toContainText('checksum');
    await expect(problem).toContainText('WeightsChecksumError');
    expect(served).toBe(true);

    // Tracking goes on: new frames with a face and 68 landmarks, no blocking problem, no model outputs.
    const first = await waitForFrames(page, 1, { face: true });
    const later = await waitForFrames(page, (await page.evaluate(() => window.__meAnalyzer!.framesProcessed())) + 2, { face: true });
    expect(later.index).toBeGreaterThan(first.index);
    expect(later.landmarks68).toHaveLength(68);
    expect(later.model).toBeNull();
    await expect(page.getByTestId('problem')).toHaveCount(0);
    await expect(page.getByTestId('model-state')).toHaveAttribute('data-state', 'failed');
    expect(watch.errors).toEqual([]);
    expect(watch.foreignRequests).toEqual([]);
  });
});
