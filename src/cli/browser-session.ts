/**
 * Runs a page of this repo in headless Debian Chromium with a real WebGPU adapter (SwiftShader), served
 * by a Vite dev server started in-process on a free loopback port. Shared by the node-side commands
 * (`npm run analyze`, `npm run golden`, `npm run bench`): they all execute the app's own TypeScript in the
 * browser, so the same code runs in the app, in the commands and in the tests.
 */
import { createServer, type ViteDevServer } from 'vite';
import { chromium, type Browser, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { assertChromium, CHROMIUM_PATH, WEBGPU_FLAGS, WEBGPU_ERROR_PATTERN } from './chromium';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface BrowserSessionOptions {
  /** Extra Chromium switches (e.g. fakeCameraFlags(...)). */
  extraArgs?: string[];
  /** Print the page's console to stderr (always printed on failure). */
  verbose?: boolean;
}

export interface BrowserSession {
  page: Page;
  /** http://127.0.0.1:PORT of the dev server. */
  origin: string;
  /** Console lines that matched the WebGPU error pattern, plus page errors and uncaptured GPU errors. */
  errors: string[];
  /** Every request URL whose origin was not the dev server's (must stay empty: the app is offline by design). */
  foreignRequests: string[];
  close(): Promise<void>;
}

/** Serves the repo root with Vite and opens `pagePath` (e.g. '/src/cli/analyze/analyze.html') in Chromium. */
export async function openBrowserSession(pagePath: string, opts: BrowserSessionOptions = {}): Promise<BrowserSession> {
  assertChromium();
  let server: ViteDevServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await createServer({
      root: REPO_ROOT,
      configFile: path.join(REPO_ROOT, 'vite.config.ts'),
      logLevel: 'error',
      server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
    });
    await server.listen();
    const address = server.httpServer?.address();
    if (!address || typeof address === 'string') throw new Error('Vite dev server did not report a TCP address');
    const origin = `http://127.0.0.1:${address.port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...WEBGPU_FLAGS, ...(opts.extraArgs ?? [])] });
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    const foreignRequests: string[] = [];
    page.on('console', (msg) => {
      const text = msg.text();
      if (opts.verbose) process.stderr.write(`[page ${msg.type()}] ${text}\n`);
      if (WEBGPU_ERROR_PATTERN.test(text)) errors.push(text);
    });
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    page.on('request', (req) => {
      const url = req.url();
      if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) foreignRequests.push(url);
    });
    // A cold dev server pre-bundles tfjs & co. on the first page load: over 30 s on a loaded machine.
    await page.goto(origin + pagePath, { timeout: 180_000 });
    const s = server;
    const b = browser;
    return {
      page, origin, errors, foreignRequests,
      async close() { await b.close(); await s.close(); },
    };
  } catch (err) {
    await browser?.close();
    await server?.close();
    throw err;
  }
}
