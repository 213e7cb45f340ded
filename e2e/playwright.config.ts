import { defineConfig } from '@playwright/test';
import { CHROMIUM_PATH, WEBGPU_FLAGS } from '../src/cli/chromium';

// Two servers: the built PWA (vite preview) for app, offline and privacy tests, and the Vite dev server for
// the WebGPU harness pages under src/cli/harness/ (kernel parity, model parity), which are not part of the app.
const PREVIEW = 'http://127.0.0.1:4173';
const DEV = 'http://127.0.0.1:5173';

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
    { command: 'npx vite preview --host 127.0.0.1 --port 4173 --strictPort', url: PREVIEW, reuseExistingServer: !process.env.CI, cwd: '..' },
    { command: 'npx vite --host 127.0.0.1 --port 5173 --strictPort', url: DEV, reuseExistingServer: !process.env.CI, cwd: '..' },
  ],
  projects: [
    { name: 'app', testIgnore: /\.gpu\.spec\.ts$/, use: { baseURL: PREVIEW } },
    { name: 'gpu', testMatch: /\.gpu\.spec\.ts$/, use: { baseURL: DEV } },
  ],
});
