/**
 * Small pieces every MOL kernel shares: the named input error, the flat dispatch over "work items" (one work item
 * = one invocation that computes a register block of outputs), the fused activation, and guarded WGSL loaders.
 */
import type { Activation } from '../ops';

/** Thrown by a kernel's validateInputs() when shapes, dtypes or attributes do not fit the op. */
export class MolKernelInputError extends Error {
  override readonly name = 'MolKernelInputError';
  constructor(kernel: string, message: string) {
    super(`${kernel}: ${message}`);
  }
}

/** SwiftShader runs 4 invocations per SIMD group; 64 keeps workgroups small without starving it. */
export const WORKGROUP_SIZE: [number, number, number] = [64, 1, 1];

/** A 1-D dispatch covering `workItems` invocations; main(index) must return early for index >= workItems. */
export function flatDispatch(workItems: number, workgroupSize: number = WORKGROUP_SIZE[0]): { dispatchLayout: { x: number[] }; dispatch: [number, number, number] } {
  return { dispatchLayout: { x: [0] }, dispatch: [Math.max(1, Math.ceil(workItems / workgroupSize)), 1, 1] };
}

export const ACTIVATIONS: readonly Activation[] = ['linear', 'relu', 'leakyRelu'];

export function assertActivation(kernel: string, act: unknown): asserts act is Activation {
  if (!ACTIVATIONS.includes(act as Activation)) throw new MolKernelInputError(kernel, `unknown activation ${String(act)}`);
}

/** WGSL `fn activate(v: vec4<f32>) -> vec4<f32>`; the leaky slope comes from `uniforms.alpha`. */
export function activationWgsl(act: Activation): string {
  switch (act) {
    case 'linear':
      return 'fn activate(v : vec4<f32>) -> vec4<f32> { return v; }';
    case 'relu':
      return 'fn activate(v : vec4<f32>) -> vec4<f32> { return max(v, vec4<f32>(0.0)); }';
    case 'leakyRelu':
      return 'fn activate(v : vec4<f32>) -> vec4<f32> { return select(v * uniforms.alpha, v, v >= vec4<f32>(0.0)); }';
  }
}

/**
 * WGSL `fn <name>4(i : i32) -> vec4<f32>` reading elements i..i+3 of the scalar array `name` with zeros past its
 * end (clamped index + select, so no load ever leaves the buffer).
 */
export function vec4LoaderWgsl(name: string): string {
  return `
  fn ${name}At(i : i32) -> f32 {
    let last = i32(arrayLength(&${name})) - 1;
    return select(0.0, ${name}[min(i, last)], i <= last);
  }
  fn ${name}4(i : i32) -> vec4<f32> {
    return vec4<f32>(${name}At(i), ${name}At(i + 1), ${name}At(i + 2), ${name}At(i + 3));
  }`;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
