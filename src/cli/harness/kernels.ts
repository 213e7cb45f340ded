/**
 * Kernel parity harness page: exposes `window.molKernelHarness` to e2e/kernels.gpu.spec.ts. Every case runs a WGSL
 * kernel on the real WebGPU adapter and compares it with the kernel's plain-TS reference in the same page.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs';
import { caseSeed, KERNEL_CASES, seededRandom } from './kernel-cases';
import { compareArrays, type Comparison } from './compare';
import { setUpWebGpu } from './webgpu-setup';

export interface CaseReport extends Comparison {
  name: string;
  ms: number;
  gpuErrors: string[];
}

const harness = setUpWebGpu();

async function runCase(index: number): Promise<CaseReport> {
  const { gpuErrors } = await harness;
  const c = KERNEL_CASES[index];
  if (!c) throw new RangeError(`no kernel case ${index}`);
  const before = gpuErrors.length;
  const t0 = performance.now();
  const out = await c.run(seededRandom(caseSeed(index)));
  const ms = performance.now() - t0;
  return { name: c.name, ms, gpuErrors: gpuErrors.slice(before), ...compareArrays(out.got, out.want, out.atol, out.rtol) };
}

/** A kernel with a WGSL type error, run the way ours are: proves the error net (uncapturederror + console) works. */
class DeliberatelyInvalidProgram implements WebGPUProgram {
  outputShape = [4];
  shaderKey = 'molDeliberatelyInvalid';
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number] = [1, 1, 1];
  workgroupSize: [number, number, number] = [4, 1, 1];
  variableNames = ['x'];
  getUserCode(): string {
    return 'fn main(index : i32) { let bad : f32 = 1i; result[index] = bad; }';
  }
}

async function runInvalidKernel(): Promise<string[]> {
  const { backend, gpuErrors } = await harness;
  const before = gpuErrors.length;
  const x = tf.ones([4]);
  const info = backend.runWebGPUProgram(new DeliberatelyInvalidProgram(), [x], 'float32');
  const y = tf.engine().makeTensorFromTensorInfo(info);
  await y.data();
  y.dispose(); x.dispose();
  // uncapturederror is delivered asynchronously after the submit that hit the invalid pipeline.
  for (let i = 0; i < 50 && gpuErrors.length === before; i++) await new Promise((r) => setTimeout(r, 20));
  return gpuErrors.slice(before);
}

declare global {
  interface Window {
    molKernelHarness: {
      ready: Promise<{ adapterInfo: string }>;
      caseNames(): string[];
      runCase(index: number): Promise<CaseReport>;
      runInvalidKernel(): Promise<string[]>;
      numTensors(): number;
    };
  }
}

window.molKernelHarness = {
  ready: harness.then((h) => ({ adapterInfo: h.adapterInfo })),
  caseNames: () => KERNEL_CASES.map((c) => c.name),
  runCase,
  runInvalidKernel,
  numTensors: () => tf.memory().numTensors,
};
