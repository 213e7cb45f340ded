/**
 * The app end to end on a fake camera playing the astronaut photo (public domain, test-split identity): the
 * landmarks are drawn on her face, the aligned crop is the frame warped by the reported transform with the
 * eyes where MOL's alignment puts them, fps are shown, no request leaves the origin, and after the first visit
 * the app reloads and tracks offline. FaceMesh runs on tfjs's wasm backend (binaries from the origin, precached);
 * when they cannot be loaded it stays on the main backend and a notice says so.
 */
import { expect, test, type Page } from '@playwright/test';
import { CHROMIUM_PATH, fakeCameraFlags, WEBGPU_FLAGS } from '../src/cli/chromium';
import { applyAffine, cropAffine, molAlignmentParams } from '../src/alignment/mol-align';
import { fixturePath } from './fixtures/fixtures';
import { expectedCrop, meanPoint, screenSnapshot, waitForFrames, watchPage } from './app-harness';

// Ground truth measured on the fixture frame (640x480): pupils at about (236, 163) and (305, 165); the face
// (hairline to chin, ear to ear) lies inside x 175..365, y 90..320.
const GT_LEFT_EYE = [236, 163] as const;
const GT_RIGHT_EYE = [305, 165] as const;
const GT_FACE = { x0: 175, y0: 90, x1: 365, y1: 320 };
const EYE_TOLERANCE_PX = 8; // eye-landmark centroid vs. pupil: the contour centre sits a few px off the pupil
const CROP_EYE_TOLERANCE_PX = 2;

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...WEBGPU_FLAGS, ...fakeCameraFlags(fixturePath('astronaut-still.y4m'))] } });

/** Paths of the tfjs wasm binaries the page fetched (over the network or from the service worker). */
function watchTfjsWasm(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (req) => {
    const m = /\/tfjs\/wasm\/([\w.-]+\.wasm)$/.exec(new URL(req.url()).pathname);
    if (m) seen.push(m[1]);
  });
  return seen;
}

test('tracks the astronaut on the camera: overlay on the face, aligned crop, fps, no foreign request', async ({ page, baseURL }) => {
  const watch = watchPage(page, new URL(baseURL!).origin);
  const wasm = watchTfjsWasm(page);
  // Tracking only: MOL would add seconds per frame on the CPU backend (e2e/app-model.spec.ts covers it).
  await page.goto('/?backend=cpu&weights=none');
  await waitForFrames(page, 3, { face: true });
  const snap = await screenSnapshot(page);
  const r = snap.result;

  // Landmarks: 68 points, all on the face, and actually drawn on the overlay canvas at those pixels.
  expect(r.faceFound).toBe(true);
  expect(r.landmarks68).toHaveLength(68);
  expect(r.points478).toHaveLength(478);
  for (const [x, y] of r.landmarks68!) {
    expect(x).toBeGreaterThan(GT_FACE.x0);
    expect(x).toBeLessThan(GT_FACE.x1);
    expect(y).toBeGreaterThan(GT_FACE.y0);
    expect(y).toBeLessThan(GT_FACE.y1);
  }
  expect(snap.overlaySize).toEqual([snap.frame.width, snap.frame.height]);
  expect(snap.overlayAlphaAtLandmarks.every((a) => a > 0)).toBe(true);
  const le = meanPoint(r.landmarks68!, 36, 41);
  const re = meanPoint(r.landmarks68!, 42, 47);
  expect(Math.hypot(le[0] - GT_LEFT_EYE[0], le[1] - GT_LEFT_EYE[1])).toBeLessThan(EYE_TOLERANCE_PX);
  expect(Math.hypot(re[0] - GT_RIGHT_EYE[0], re[1] - GT_RIGHT_EYE[1])).toBeLessThan(EYE_TOLERANCE_PX);

  // The crop is the on-screen frame warped by the reported transform (a wrong matrix differs by tens of levels).
  expect(r.crop).toHaveLength(128 * 128);
  const want = expectedCrop(snap.frame, r.alignment!);
  let absDiff = 0;
  for (let i = 0; i < want.length; i++) absDiff += Math.abs(want[i] - r.crop![i]);
  expect(absDiff / want.length).toBeLessThan(1);

  // Eyes in the crop within +-2 px of where MOL's (unsmoothed, per-frame) alignment of these landmarks puts them,
  // and on a horizontal line.
  const canonical = applyAffine(cropAffine(molAlignmentParams(r.landmarks68!)), [le, re]);
  const cle = meanPoint(r.landmarks68Crop!, 36, 41);
  const cre = meanPoint(r.landmarks68Crop!, 42, 47);
  for (const [got, ref] of [[cle, canonical[0]], [cre, canonical[1]]] as const) {
    expect(Math.abs(got[0] - ref[0])).toBeLessThanOrEqual(CROP_EYE_TOLERANCE_PX);
    expect(Math.abs(got[1] - ref[1])).toBeLessThanOrEqual(CROP_EYE_TOLERANCE_PX);
  }
  expect(Math.abs(cle[1] - cre[1])).toBeLessThanOrEqual(CROP_EYE_TOLERANCE_PX);

  // Status bar: source, fps in and processed, backend, face.
  await expect(page.getByTestId('status-source')).toHaveAttribute('data-status', 'running');
  await expect.poll(async () => Number(await page.getByTestId('status-fps-in').textContent())).toBeGreaterThan(0);
  await expect.poll(async () => Number(await page.getByTestId('status-fps-processed').textContent())).toBeGreaterThan(0);
  await expect(page.getByTestId('status-backend')).toContainText(/tfjs (webgpu|webgl|cpu)/);
  await expect(page.getByTestId('status-face')).toHaveText('face found');
  await expect(page.getByTestId('problem')).toHaveCount(0);
  // FaceMesh on wasm: the SIMD build came from the app's origin and no fallback notice is shown.
  expect(wasm).toContain('tfjs-backend-wasm-simd.wasm');
  await expect(page.getByTestId('notice-mesh')).toHaveCount(0);

  expect(watch.errors).toEqual([]);
  expect(watch.foreignRequests).toEqual([]);
});

test('reloads and tracks offline after the first visit', async ({ page, context, baseURL }) => {
  const watch = watchPage(page, new URL(baseURL!).origin);
  await page.goto('/?backend=cpu');
  // The service worker must be installed and controlling before we cut the network.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise<void>((resolve) => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }));
    }
  });
  await context.setOffline(true);
  await page.reload();
  await waitForFrames(page, 2, { face: true });
  await expect(page.getByTestId('status-face')).toHaveText('face found', { timeout: 10_000 });
  // The wasm binary came from the precache: FaceMesh still runs on wasm offline.
  await expect(page.getByTestId('notice-mesh')).toHaveCount(0);
  expect(watch.errors).toEqual([]);
  expect(watch.foreignRequests).toEqual([]);
});

test.describe('without the tfjs wasm binaries', () => {
  // No service worker, so that every request of the page goes through page.route.
  test.use({ serviceWorkers: 'block' });

  test('FaceMesh stays on the main backend, tracking goes on, and a notice says why', async ({ page, baseURL }) => {
    const watch = watchPage(page, new URL(baseURL!).origin);
    await page.route('**/tfjs/wasm/**', (route) => route.abort());
    await page.goto('/?backend=cpu&weights=none');
    await waitForFrames(page, 2, { face: true });
    await expect(page.getByTestId('notice-mesh')).toContainText('Face landmarks run on the slower tfjs "cpu" backend');
    await expect(page.getByTestId('status-face')).toHaveText('face found');
    await expect(page.getByTestId('problem')).toHaveCount(0);
    expect(watch.errors).toEqual([]);
    expect(watch.foreignRequests).toEqual([]);
  });
});
