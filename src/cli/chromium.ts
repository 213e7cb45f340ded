/**
 * The one place that knows how to start Debian's Chromium with a working WebGPU adapter on SwiftShader
 * (see shared research: --enable-unsafe-webgpu for compute; the Vulkan/ANGLE switches so that
 * canvas contexts and tfjs dataSync() do not destroy the device). Used by Playwright, `npm run analyze`,
 * `npm run golden` and `npm run bench`.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const WEBGPU_FLAGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan,CDPScreenshotNewSurface,SkipListAccountsWithoutGaiaCookies',
  '--use-vulkan=swiftshader',
  '--use-angle=swiftshader',
];

/** Flags that make Chromium's fake camera play a Y4M file (absolute path) through getUserMedia. */
export function fakeCameraFlags(y4mPath: string): string[] {
  return ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${y4mPath}`];
}

export function assertChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}. Install it with: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  }
}

/** Console text that means a WebGPU/WGSL failure; tfjs only warns on these, so tests must fail on them. */
export const WEBGPU_ERROR_PATTERN = /WGSL|Invalid (ShaderModule|ComputePipeline|CommandBuffer|BindGroup|Buffer)|device lost|external Instance|uncapturederror/i;
