/**
 * Puts a harness page on tfjs's webgpu backend with MOL's kernels registered, and turns the device's uncaptured
 * errors (tfjs only warns on invalid WGSL) into a list the tests read and a console line matching
 * WEBGPU_ERROR_PATTERN (src/cli/chromium.ts).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { registerMolKernels } from '../../model/kernels';

export class WebGpuUnavailableError extends Error {
  override readonly name = 'WebGpuUnavailableError';
}

export interface GpuHarness {
  backend: WebGPUBackend;
  /** Uncaptured device errors seen so far (validation, out of memory, internal), and device loss. */
  gpuErrors: string[];
  adapterInfo: string;
}

export async function setUpWebGpu(): Promise<GpuHarness> {
  if (!('gpu' in navigator)) throw new WebGpuUnavailableError('navigator.gpu is missing: start Chromium with --enable-unsafe-webgpu');
  // Small tensors must still run our WGSL (tfjs would otherwise forward them to its CPU kernels).
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  if (!(await tf.setBackend('webgpu'))) throw new WebGpuUnavailableError('tfjs could not initialise the webgpu backend');
  await tf.ready();
  registerMolKernels();
  const backend = tf.backend() as WebGPUBackend;
  const gpuErrors: string[] = [];
  backend.device.addEventListener('uncapturederror', (ev) => {
    const msg = `uncapturederror: ${(ev as GPUUncapturedErrorEvent).error.message}`;
    gpuErrors.push(msg);
    console.error(msg);
  });
  void backend.device.lost.then((info) => {
    const msg = `device lost (${info.reason}): ${info.message}`;
    gpuErrors.push(msg);
    console.error(msg);
  });
  const info = backend.device.adapterInfo;
  return { backend, gpuErrors, adapterInfo: info ? `${info.vendor} ${info.architecture} ${info.description}`.trim() : 'unknown' };
}
