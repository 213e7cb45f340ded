/**
 * tfjs's wasm (XNNPACK) backend next to the page's main backend. tfjs has one global engine, so a network
 * that should run on wasm borrows it with `runOnBackend`: switch, run, switch back, all in one synchronous
 * turn. No other code (MOL's kernels, a pending promise) can run while wasm is active, whatever the caller's
 * scheduling. The .wasm binaries come from the app's own origin (`wasmDir`), never from a CDN.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export const WASM_BACKEND = 'wasm';

let initPromise: Promise<string | null> | null = null;

/**
 * Initialises the wasm backend once per page and leaves the active backend as it was. Resolves to null on
 * success, else to the reason in words (the caller then keeps the network on the main backend).
 * `wasmDir` is a URL prefix ending in '/' that holds tfjs-backend-wasm{,-simd,-threaded-simd}.wasm.
 */
export function initWasmBackend(wasmDir: string): Promise<string | null> {
  initPromise ??= (async () => {
    const prev = tf.getBackend();
    try {
      setWasmPaths(wasmDir);
      if (!(await tf.setBackend(WASM_BACKEND))) return 'the tfjs wasm backend failed to initialise';
      return null;
    } catch (err) {
      return `the tfjs wasm backend failed: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      // A failed init leaves the engine without an active backend: always go back to the page's one.
      if (prev && tf.getBackend() !== prev) await tf.setBackend(prev);
    }
  })();
  return initPromise;
}

/** Whether the wasm build in use has threads (only on cross-origin isolated pages) and SIMD. */
export async function wasmFeatures(): Promise<{ simd: boolean; threads: boolean }> {
  const [simd, threads] = await Promise.all([
    tf.env().getAsync('WASM_HAS_SIMD_SUPPORT') as Promise<boolean>,
    tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') as Promise<boolean>,
  ]);
  return { simd, threads };
}

/** Switches the engine to an initialised backend now. Throws instead of awaiting: callers rely on no await. */
function activate(name: string): void {
  const target = tf.findBackend(name);
  if (!target) throw new Error(`tfjs backend ${name} is not initialised`);
  // With the backend already in the registry, Engine.setBackend does all its work before its first await.
  void tf.setBackend(name);
  if (tf.getBackend() !== name || tf.backend() !== target) throw new Error(`tfjs did not switch to ${name} synchronously`);
}

/**
 * Runs `fn` (synchronous: tensors in, plain data out via dataSync) with `name` as the active backend and
 * restores the previous backend before returning, even when `fn` throws. Tensors `fn` creates live on `name`.
 */
export function runOnBackend<T>(name: string, fn: () => T): T {
  const prev = tf.getBackend();
  if (prev === name) return fn();
  activate(name);
  try {
    return fn();
  } finally {
    activate(prev);
  }
}
