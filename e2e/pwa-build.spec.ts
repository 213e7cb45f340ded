/**
 * The built PWA (dist/, made by `npm run build` before the e2e run) is installable and complete offline:
 * the manifest has real PNG icons of the stated sizes, and the service worker precaches the app shell, every
 * runtime model file under dist/models/, the MediaPipe wasm, tfjs's wasm backend binaries (FaceMesh runs there) and
 * the demo clip. No browser needed.
 */
import { expect, test } from '@playwright/test';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// E2E_DIST_DIR: a build folder of one's own (see playwright.config.ts), else the shared dist/.
const DIST = process.env.E2E_DIST_DIR ? path.resolve(process.env.E2E_DIST_DIR) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

function precachedUrls(): string[] {
  const sw = readFileSync(path.join(DIST, 'sw.js'), 'utf8');
  const urls = [...sw.matchAll(/\{url:"([^"]+)",revision:/g)].map((m) => m[1]);
  if (urls.length === 0) throw new Error('dist/sw.js has no precache manifest');
  return urls;
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): [number, number] {
  const b = readFileSync(file);
  expect(b.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(b.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

test.beforeAll(() => {
  if (!existsSync(path.join(DIST, 'sw.js'))) throw new Error('dist/ is not built: run `npm run build` first');
});

test('the manifest makes the app installable, with real icons', () => {
  const manifest = JSON.parse(readFileSync(path.join(DIST, 'manifest.webmanifest'), 'utf8'));
  expect(manifest.name).toBeTruthy();
  expect(manifest.display).toBe('standalone');
  expect(manifest.start_url).toBeTruthy();
  const sizes = new Set<string>();
  for (const icon of manifest.icons as Array<{ src: string; sizes: string; type: string }>) {
    expect(icon.type).toBe('image/png');
    const [w, h] = pngSize(path.join(DIST, icon.src));
    expect(`${w}x${h}`).toBe(icon.sizes);
    sizes.add(icon.sizes);
  }
  expect([...sizes].sort()).toEqual(['192x192', '512x512']);
  const html = readFileSync(path.join(DIST, 'index.html'), 'utf8');
  expect(html).toContain('manifest.webmanifest');
});

test('the service worker precaches the app, every model file, the MediaPipe and tfjs wasm and the demo clip', () => {
  const urls = new Set(precachedUrls());
  for (const url of urls) expect(existsSync(path.join(DIST, url)), `${url} is precached but missing from dist/`).toBe(true);

  const mustHave = ['index.html', 'manifest.webmanifest', 'demo/demo-planted.webm', 'demo/demo-planted.truth.json', 'icons/icon-192.png', 'icons/icon-512.png'];
  const wasmDir = path.join(DIST, 'mediapipe', 'wasm');
  const wasm = readdirSync(wasmDir).map((f) => `mediapipe/wasm/${f}`);
  expect(wasm.some((f) => f.endsWith('.wasm'))).toBe(true);
  const tfjsWasm = readdirSync(path.join(DIST, 'tfjs', 'wasm')).map((f) => `tfjs/wasm/${f}`);
  // tfjs picks one build at run time (SIMD here; threads only on cross-origin isolated pages): all must be there.
  expect(tfjsWasm.sort()).toEqual(['tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm', 'tfjs-backend-wasm.wasm'].map((f) => `tfjs/wasm/${f}`));
  const models = filesUnder(path.join(DIST, 'models'))
    .map((f) => path.relative(DIST, f).split(path.sep).join('/'))
    .filter((f) => !/\.(md|txt)$/i.test(f) && !f.endsWith('SHA256SUMS'));
  expect(models.length).toBeGreaterThanOrEqual(4); // BlazeFace + FaceMesh graph, weights, refinement
  const js = filesUnder(path.join(DIST, 'assets')).map((f) => path.relative(DIST, f).split(path.sep).join('/'));
  for (const url of [...mustHave, ...wasm, ...tfjsWasm, ...models, ...js]) expect(urls.has(url), `${url} is not precached`).toBe(true);
});
