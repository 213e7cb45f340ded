/**
 * Shared pieces of the app's end-to-end specs: watching a page for WebGPU/WGSL errors, page errors and requests
 * to other origins (the app must never make one), and reading the app's documented debug object
 * `window.__meAnalyzer` (src/app/debug-hooks.ts).
 */
import type { Page } from '@playwright/test';
import { WEBGPU_ERROR_PATTERN } from '../src/cli/chromium';
import type { SerializableResult } from '../src/app/debug-hooks';

export interface PageWatch {
  /** WebGPU/WGSL console errors and uncaught page errors. */
  errors: string[];
  /** URLs requested from an origin other than the app's. */
  foreignRequests: string[];
}

export function watchPage(page: Page, appOrigin: string): PageWatch {
  const watch: PageWatch = { errors: [], foreignRequests: [] };
  page.on('console', (msg) => {
    if (WEBGPU_ERROR_PATTERN.test(msg.text())) watch.errors.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => watch.errors.push(`pageerror: ${err.message}`));
  page.context().on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(appOrigin) && !url.startsWith('data:') && !url.startsWith('blob:')) watch.foreignRequests.push(url);
  });
  return watch;
}

/** Waits until the app has analysed at least `n` frames of the current source (with a face when asked). */
export async function waitForFrames(page: Page, n: number, opts: { face?: boolean; timeout?: number } = {}): Promise<SerializableResult> {
  await page.waitForFunction(
    ({ n, face }) => {
      const d = window.__meAnalyzer;
      if (!d || d.framesProcessed() < n) return false;
      return !face || d.lastResult()?.faceFound === true;
    },
    { n, face: opts.face ?? false },
    { timeout: opts.timeout ?? 150_000, polling: 250 },
  );
  const r = await page.evaluate(() => window.__meAnalyzer!.lastResult());
  if (!r) throw new Error('no result after frames were processed');
  return r;
}

export interface ScreenSnapshot {
  result: SerializableResult;
  frame: { width: number; height: number; rgba: number[] };
  /** Overlay canvas alpha at each 68-point landmark (0 where nothing was drawn). */
  overlayAlphaAtLandmarks: number[];
  /** Pixel size of the overlay canvas (it must equal the frame's). */
  overlaySize: [number, number];
}

/** The frame on screen, its result and the overlay pixels, read in one synchronous page task (no frame in between). */
export async function screenSnapshot(page: Page): Promise<ScreenSnapshot> {
  const snap = await page.evaluate(() => {
    const s = window.__meAnalyzer!.snapshot();
    const overlay = document.querySelector<HTMLCanvasElement>('[data-testid="overlay-canvas"]')!;
    const ctx = overlay.getContext('2d', { willReadFrequently: true })!;
    const alphas = (s?.result.landmarks68 ?? []).map(([x, y]) => ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data[3]);
    return s ? { ...s, overlayAlphaAtLandmarks: alphas, overlaySize: [overlay.width, overlay.height] as [number, number] } : null;
  });
  if (!snap) throw new Error('__meAnalyzer.snapshot() returned null: nothing analysed on screen yet');
  return snap;
}

type Pt = readonly [number, number];

export function meanPoint(points: readonly Pt[], from: number, to: number): [number, number] {
  let x = 0, y = 0;
  for (let i = from; i <= to; i++) { x += points[i][0]; y += points[i][1]; }
  return [x / (to - from + 1), y / (to - from + 1)];
}

/**
 * Independent re-computation of the aligned crop from the pixels on screen: BT.601 luma, then for each crop
 * pixel the bilinear sample of the frame at the inverse of `m` (video px -> crop px), grey 128 outside.
 */
export function expectedCrop(frame: ScreenSnapshot['frame'], m: readonly number[], size = 128): Float64Array {
  const { width, height, rgba } = frame;
  const det = m[0] * m[4] - m[1] * m[3];
  const ia = m[4] / det, ib = -m[1] / det, ic = -m[3] / det, id = m[0] / det;
  const ix = -(ia * m[2] + ib * m[5]), iy = -(ic * m[2] + id * m[5]);
  const luma = (x: number, y: number) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return 128;
    const j = 4 * (y * width + x);
    return 0.299 * rgba[j] + 0.587 * rgba[j + 1] + 0.114 * rgba[j + 2];
  };
  const out = new Float64Array(size * size);
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      const x = ia * u + ib * v + ix, y = ic * u + id * v + iy;
      const x0 = Math.floor(x), y0 = Math.floor(y), fx = x - x0, fy = y - y0;
      out[v * size + u] =
        (luma(x0, y0) * (1 - fx) + luma(x0 + 1, y0) * fx) * (1 - fy) + (luma(x0, y0 + 1) * (1 - fx) + luma(x0 + 1, y0 + 1) * fx) * fy;
    }
  }
  return out;
}
