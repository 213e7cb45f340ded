import { defineConfig } from '@playwright/test';
import { CHROMIUM_PATH, WEBGPU_FLAGS } from '../src/cli/chromium';

// Two servers: the built PWA (vite preview) for app, offline and privacy tests, and the Vite dev server for
// the WebGPU harness pages under src/cli/harness/ (kernel parity, model parity), which are not part of the app.
// Ports can be moved (E2E_PREVIEW_PORT, E2E_DEV_PORT) so that parallel runs on one machine do not share servers.
const PREVIEW_PORT = process.env.E2E_PREVIEW_PORT ?? '4173';
const DEV_PORT = process.env.E2E_DEV_PORT ?? '5173';
const PREVIEW = `http://127.0.0.1:${PREVIEW_PORT}`;
const DEV = `http://127.0.0.1:${DEV_PORT}`;
// A build folder of one's own (`npx vite build --outDir X --emptyOutDir`, then E2E_DIST_DIR=X) keeps parallel runs
// from previewing each other's half-written dist/.
const DIST_ARG = process.env.E2E_DIST_DIR ? ` --outDir ${process.env.E2E_DIST_DIR}` : '';

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.ts$/,
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: WEBGPU_FLAGS },
    trace: 'off',
  },
  webServer: [
    { command: `npx vite preview --host 127.0.0.1 --port ${PREVIEW_PORT} --strictPort${DIST_ARG}`, url: PREVIEW, reuseExistingServer: !process.env.CI, cwd: '..' },
    { command: `npx vite --host 127.0.0.1 --port ${DEV_PORT} --strictPort`, url: DEV, reuseExistingServer: !process.env.CI, cwd: '..' },
  ],
  projects: [
    { name: 'app', testIgnore: /\.gpu\.spec\.ts$/, use: { baseURL: PREVIEW } },
    { name: 'gpu', testMatch: /\.gpu\.spec\.ts$/, use: { baseURL: DEV } },
  ],
});
