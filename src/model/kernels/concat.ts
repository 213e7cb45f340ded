/**
 * Copy kernels that replace tfjs's stock concat on the hot path (on SwiftShader its generic program takes 10-55 ms
 * per call in the streaming step, more than many convolutions):
 * - MolConcatChannels: NHWC concat of 2-4 inputs along C (FlowNet's concatenations). One invocation writes one
 *   output element; the input is chosen by comparing the channel with the running offsets.
 * - MolShiftSlots: ring [S, H, W, C] minus its oldest A slots, plus A new [1, H, W, C] slots (A = 1 or 2): the
 *   streaming MER input advances by one frame with one copy instead of two 7-way concats and a stack. vec4 copies.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { flatDispatch, MolKernelInputError, WORKGROUP_SIZE } from './kernel-util';
import { packUniforms, uniformsWgsl, type UniformSpec } from './uniforms';

export const MolConcatChannels = 'MolConcatChannels';
export const MolShiftSlots = 'MolShiftSlots';
const MAX_INPUTS = 4;
const NAMES = ['x0', 'x1', 'x2', 'x3'];

const CONCAT_UNIFORMS = [
  { name: 'c0', type: 'i32' }, { name: 'c1', type: 'i32' }, { name: 'c2', type: 'i32' }, { name: 'c3', type: 'i32' },
  { name: 'total', type: 'i32' }, { name: 'workItems', type: 'i32' },
] as const satisfies UniformSpec;

export class ConcatChannelsProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize = WORKGROUP_SIZE;
  variableNames: string[];
  variableComponents: number[];
  uniforms = uniformsWgsl(CONCAT_UNIFORMS);
  readonly workItems: number;

  constructor(private readonly channels: readonly number[], pixelsShape: readonly number[]) {
    const total = channels.reduce((a, b) => a + b, 0);
    this.outputShape = [...pixelsShape, total];
    this.workItems = pixelsShape.reduce((a, b) => a * b, 1) * total;
    this.variableNames = NAMES.slice(0, channels.length);
    this.variableComponents = channels.map(() => 1);
    this.shaderKey = `molConcatChannels_${channels.length}`;
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(this.workItems));
  }

  uniformData() {
    const c = [0, 1, 2, 3].map((i) => this.channels[i] ?? 0);
    return packUniforms(CONCAT_UNIFORMS, { c0: c[0], c1: c[1], c2: c[2], c3: c[3], total: this.channels.reduce((a, b) => a + b, 0), workItems: this.workItems });
  }

  getUserCode(): string {
    const n = this.channels.length;
    const branch = (i: number): string => {
      const c = `uniforms.c${i}`;
      const load = `${NAMES[i]}[px * ${c} + ch]`;
      return i === n - 1 ? `result[index] = ${load};` : `if (ch < ${c}) { result[index] = ${load}; return; }\n        ch = ch - ${c};\n        ${branch(i + 1)}`;
    };
    return `
      fn main(index : i32) {
        if (index >= uniforms.workItems) { return; }
        let px = index / uniforms.total;
        var ch = index % uniforms.total;
        ${branch(0)}
      }
    `;
  }
}

const SHIFT_UNIFORMS = [
  { name: 'keep', type: 'i32' }, { name: 'slot', type: 'i32' }, { name: 'workItems', type: 'i32' },
] as const satisfies UniformSpec;

export class ShiftSlotsProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize = WORKGROUP_SIZE;
  variableNames: string[];
  variableComponents: number[];
  outputComponent = 4;
  uniforms = uniformsWgsl(SHIFT_UNIFORMS);
  readonly workItems: number;

  /** `slot` = H*W*C/4 vec4s per slot; `keep` = S - A slots carried over. */
  constructor(ringShape: readonly number[], private readonly adds: number, private readonly slot: number) {
    this.outputShape = ringShape.slice();
    this.workItems = ringShape[0] * slot;
    this.variableNames = ['ring', ...NAMES.slice(0, adds)];
    this.variableComponents = this.variableNames.map(() => 4);
    this.shaderKey = `molShiftSlots_${adds}`;
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(this.workItems));
  }

  uniformData() {
    return packUniforms(SHIFT_UNIFORMS, { keep: this.outputShape[0] - this.adds, slot: this.slot, workItems: this.workItems });
  }

  getUserCode(): string {
    const fresh = this.adds === 1
      ? 'result[index] = x0[index - kept];'
      : `let f = index - kept;
        if (f < uniforms.slot) { result[index] = x0[f]; } else { result[index] = x1[f - uniforms.slot]; }`;
    return `
      fn main(index : i32) {
        if (index >= uniforms.workItems) { return; }
        let kept = uniforms.keep * uniforms.slot;
        if (index < kept) { result[index] = ring[index + ${this.adds} * uniforms.slot]; return; }
        ${fresh}
      }
    `;
  }
}

function rank4(kernel: string, name: string, t: TensorInfo | undefined): TensorInfo {
  if (!t) throw new MolKernelInputError(kernel, `missing input ${name}`);
  if (t.shape.length !== 4 || t.dtype !== 'float32') throw new MolKernelInputError(kernel, `${name} must be float32 NHWC rank 4, got ${t.dtype} [${t.shape}]`);
  return t;
}

export function molConcatChannels(args: { inputs: Record<string, TensorInfo>; backend: WebGPUBackend }): TensorInfo {
  const xs = NAMES.map((n) => args.inputs[n]).filter((t): t is TensorInfo => t !== undefined);
  if (xs.length < 2 || xs.length > MAX_INPUTS || xs.some((t, i) => t !== args.inputs[NAMES[i]])) {
    throw new MolKernelInputError(MolConcatChannels, `takes 2-${MAX_INPUTS} inputs named ${NAMES.join(', ')} in order`);
  }
  xs.forEach((t, i) => rank4(MolConcatChannels, NAMES[i], t));
  const lead = xs[0].shape.slice(0, 3);
  const odd = xs.findIndex((t) => t.shape.slice(0, 3).join() !== lead.join());
  if (odd >= 0) throw new MolKernelInputError(MolConcatChannels, `${NAMES[odd]} [${xs[odd].shape}] does not match ${NAMES[0]} [${xs[0].shape}] outside the channel axis`);
  const program = new ConcatChannelsProgram(xs.map((t) => t.shape[3]), lead);
  return args.backend.runWebGPUProgram(program, xs, 'float32', program.uniformData());
}

export function molShiftSlots(args: { inputs: Record<string, TensorInfo>; backend: WebGPUBackend }): TensorInfo {
  const ring = rank4(MolShiftSlots, 'ring', args.inputs.ring);
  const adds = NAMES.slice(0, 2).map((n) => args.inputs[n]).filter((t): t is TensorInfo => t !== undefined);
  if (adds.length === 0 || (adds.length === 1 && args.inputs.x1)) throw new MolKernelInputError(MolShiftSlots, 'takes ring and 1-2 new slots x0[, x1]');
  const [s, h, w, c] = ring.shape;
  if (c % 4 !== 0) throw new MolKernelInputError(MolShiftSlots, `channels must be a multiple of 4, got ${c}`);
  if (adds.length > s) throw new MolKernelInputError(MolShiftSlots, `cannot add ${adds.length} slots to a ring of ${s}`);
  adds.forEach((t, i) => {
    rank4(MolShiftSlots, NAMES[i], t);
    if (t.shape.join() !== [1, h, w, c].join()) throw new MolKernelInputError(MolShiftSlots, `${NAMES[i]} must be [1, ${h}, ${w}, ${c}], got [${t.shape}]`);
  });
  const program = new ShiftSlotsProgram(ring.shape, adds.length, (h * w * c) / 4);
  return args.backend.runWebGPUProgram(program, [ring, ...adds], 'float32', program.uniformData());
}

export const molConcatChannelsConfig: KernelConfig = {
  kernelName: MolConcatChannels,
  backendName: 'webgpu',
  kernelFunc: molConcatChannels as unknown as KernelFunc,
};

export const molShiftSlotsConfig: KernelConfig = {
  kernelName: MolShiftSlots,
  backendName: 'webgpu',
  kernelFunc: molShiftSlots as unknown as KernelFunc,
};
