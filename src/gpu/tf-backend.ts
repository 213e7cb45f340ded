/**
 * Chooses the tfjs backend once per page: WebGPU if an adapter exists, else WebGL, else CPU, and says why in
 * words the status bar can show. tfjs-webgpu only *warns* on WGSL validation errors and on device loss, so
 * we listen on the device ourselves and forward failures to `onGpuFailure` subscribers.
 */
import * as tf from '@tensorflow/tfjs';

export type TfBackendName = 'webgpu' | 'webgl' | 'cpu';

export interface TfBackendInfo {
  backend: string;
  /** Why the preferred backend is not in use (null when it is). */
  fallbackReason: string | null;
}

export class TfBackendError extends Error {
  override name = 'TfBackendError';
}

type GpuFailureListener = (message: string) => void;
const gpuFailureListeners = new Set<GpuFailureListener>();
const gpuFailures: string[] = [];
let watchedDevice: GPUDevice | null = null;
let initPromise: Promise<TfBackendInfo> | null = null;

/** Subscribes to WebGPU device loss and uncaptured validation errors; returns the unsubscribe function. */
export function onGpuFailure(cb: GpuFailureListener): () => void {
  gpuFailureListeners.add(cb);
  for (const msg of gpuFailures) cb(msg);
  return () => gpuFailureListeners.delete(cb);
}

function reportGpuFailure(message: string): void {
  gpuFailures.push(message);
  for (const cb of gpuFailureListeners) cb(message);
}

function watchDevice(device: GPUDevice): void {
  if (watchedDevice === device) return;
  watchedDevice = device;
  device.addEventListener('uncapturederror', (ev) => {
    const err = (ev as GPUUncapturedErrorEvent).error;
    reportGpuFailure(`WebGPU uncapturederror: ${err?.message ?? 'unknown'}`);
  });
  void device.lost.then((info) => reportGpuFailure(`WebGPU device lost (${info.reason}): ${info.message}`));
}

async function tryWebGpu(): Promise<string | null> {
  if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu) return 'this browser has no WebGPU (navigator.gpu is missing)';
  const adapter = await navigator.gpu.requestAdapter().catch(() => null);
  if (!adapter) return 'no WebGPU adapter is available (GPU blocklisted or disabled)';
  await import('@tensorflow/tfjs-backend-webgpu');
  try {
    if (!(await tf.setBackend('webgpu'))) return 'the tfjs WebGPU backend failed to initialise';
    await tf.ready();
  } catch (err) {
    return `the tfjs WebGPU backend failed: ${err instanceof Error ? err.message : String(err)}`;
  }
  const backend = tf.backend() as unknown as { device?: GPUDevice };
  if (backend.device) watchDevice(backend.device);
  return null;
}

async function trySimple(name: 'webgl' | 'cpu'): Promise<string | null> {
  try {
    if (!(await tf.setBackend(name))) return `the tfjs ${name} backend failed to initialise`;
    await tf.ready();
    return null;
  } catch (err) {
    return `the tfjs ${name} backend failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * Initialises tfjs on the best available backend, starting from `preferred` (default 'webgpu') and falling
 * back in the order webgpu -> webgl -> cpu. Idempotent per page: later calls return the first result.
 */
export function initTfBackend(preferred: TfBackendName = 'webgpu'): Promise<TfBackendInfo> {
  initPromise ??= (async () => {
    const order: TfBackendName[] = ['webgpu', 'webgl', 'cpu'];
    const reasons: string[] = [];
    for (const name of order.slice(order.indexOf(preferred))) {
      const why = name === 'webgpu' ? await tryWebGpu() : await trySimple(name);
      if (why === null) {
        return { backend: tf.getBackend(), fallbackReason: reasons.length ? reasons.join('; ') : null };
      }
      reasons.push(`${name}: ${why}`);
    }
    throw new TfBackendError(`No tfjs backend could be initialised (${reasons.join('; ')})`);
  })();
  return initPromise;
}

/**
 * Image -> float32 [h, w, 3] tensor in [0, 1]. The division right after fromPixels is deliberate: tfjs-webgpu
 * 4.22 emits invalid WGSL for transposes of int32 tensors, and real arithmetic first makes the buffer float.
 */
export function pixelsToUnitFloat(image: Parameters<typeof tf.browser.fromPixels>[0]): tf.Tensor3D {
  return tf.tidy(() => tf.div(tf.browser.fromPixels(image), 255) as tf.Tensor3D);
}
