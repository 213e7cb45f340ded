/**
 * MolDense: y = act(x [N, in] @ w [in, out] + b), register-blocked: an invocation owns `rows` rows x 4*`vec4s` columns
 * (rows*vec4s vec4 accumulators; default 4 x 4, or N x 4 when N < 4), reads w as vec4 along `out` and x as vec4 along
 * `in` when the sizes allow, and uses no workgroup memory (slow on SwiftShader). The benchmark's yardstick is the best
 * rate of this kernel over several blocks on square matrices.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { Activation } from '../ops';
import { activationWgsl, assertActivation, flatDispatch, MolKernelInputError, vec4LoaderWgsl, WORKGROUP_SIZE } from './kernel-util';
import { packUniforms, uniformsWgsl, type UniformSpec } from './uniforms';

export const MolDense = 'MolDense';

/** Register block of one invocation: `rows` rows x `vec4s` groups of 4 output columns. */
export interface DenseBlock { rows: 1 | 2 | 4 | 8; vec4s: 1 | 2 }

export interface DenseAttrs {
  activation: Activation;
  alpha: number;
  /** Register block override (tests and the yardstick); 4 (or N) rows x 4 columns otherwise. */
  block?: DenseBlock;
}

function validateInputs(x: TensorInfo, w: TensorInfo, b: TensorInfo | undefined, attrs: DenseAttrs): { n: number; inDim: number; outDim: number } {
  const fail = (m: string) => { throw new MolKernelInputError(MolDense, m); };
  if (x.shape.length !== 2 || w.shape.length !== 2) fail(`x must be [N, in] and w [in, out], got [${x.shape}] and [${w.shape}]`);
  if (x.shape[1] !== w.shape[0]) fail(`x has ${x.shape[1]} features, w expects ${w.shape[0]}`);
  if (x.dtype !== 'float32' || w.dtype !== 'float32') fail('x and w must be float32');
  if (b && (b.shape.length !== 1 || b.shape[0] !== w.shape[1])) fail(`b must be [${w.shape[1]}], got [${b.shape}]`);
  assertActivation(MolDense, attrs.activation);
  return { n: x.shape[0], inDim: x.shape[1], outDim: w.shape[1] };
}

const UNIFORMS = [
  { name: 'n', type: 'i32' }, { name: 'inDim', type: 'i32' }, { name: 'outDim', type: 'i32' },
  { name: 'colBlocks', type: 'i32' }, { name: 'workItems', type: 'i32' }, { name: 'alpha', type: 'f32' },
] as const satisfies UniformSpec;

export class DenseProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize = WORKGROUP_SIZE;
  variableNames: string[];
  variableComponents: number[];
  uniforms = uniformsWgsl(UNIFORMS);
  readonly workItems: number;
  /** Rows per invocation: 4 by default, or N when N < 4 (no wasted accumulators for a single frame). */
  private readonly rows: number;
  private readonly vec4s: number;
  private readonly xVec4: boolean;
  private readonly wVec4: boolean;

  constructor(private readonly g: { n: number; inDim: number; outDim: number }, private readonly attrs: DenseAttrs, private readonly hasBias: boolean) {
    this.outputShape = [g.n, g.outDim];
    this.rows = Math.min(attrs.block?.rows ?? 4, g.n);
    this.vec4s = attrs.block?.vec4s ?? 1;
    this.xVec4 = g.inDim % 4 === 0;
    this.wVec4 = g.outDim % 4 === 0;
    this.variableNames = ['x', 'w', ...(hasBias ? ['bias'] : [])];
    this.variableComponents = [this.xVec4 ? 4 : 1, this.wVec4 ? 4 : 1, ...(hasBias ? [1] : [])];
    this.workItems = Math.ceil(g.n / this.rows) * Math.ceil(g.outDim / (4 * this.vec4s));
    this.shaderKey = `molDense_${this.rows}x${this.vec4s}_${(g.outDim / 4) % this.vec4s === 0}_${attrs.activation}_${hasBias}_${this.xVec4}_${this.wVec4}`;
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(this.workItems));
  }

  uniformData() {
    const g = this.g;
    return packUniforms(UNIFORMS, { n: g.n, inDim: g.inDim, outDim: g.outDim, colBlocks: Math.ceil(g.outDim / (4 * this.vec4s)), workItems: this.workItems, alpha: this.attrs.alpha });
  }

  getUserCode(): string {
    const rs = [...Array(this.rows).keys()];
    const vs = [...Array(this.vec4s).keys()];
    const acc = (r: number, v: number) => `acc${r}_${v}`;
    const loadW = this.wVec4
      ? (this.g.outDim / 4) % this.vec4s === 0
        ? 'fn loadW(k : i32, col : i32) -> vec4<f32> { return w[k * (uniforms.outDim / 4) + col / 4]; }'
        // A partial last column block: clamp the load, zeros past outDim.
        : `fn loadW(k : i32, col : i32) -> vec4<f32> {
             let last = uniforms.outDim / 4 - 1;
             return select(vec4<f32>(0.0), w[k * (last + 1) + min(col / 4, last)], col / 4 <= last);
           }`
      : `${vec4LoaderWgsl('w')}
         fn loadW(k : i32, col : i32) -> vec4<f32> {
           let b = k * uniforms.outDim + col;
           let rem = uniforms.outDim - col;
           return vec4<f32>(wAt(b), select(0.0, wAt(b + 1), rem > 1), select(0.0, wAt(b + 2), rem > 2), select(0.0, wAt(b + 3), rem > 3));
         }`;
    const inner = this.xVec4
      ? `for (var k4 = 0; k4 < uniforms.inDim / 4; k4++) {
           ${vs.map((v) => `let w${v}0 = loadW(k4 * 4, col + ${4 * v}); let w${v}1 = loadW(k4 * 4 + 1, col + ${4 * v}); let w${v}2 = loadW(k4 * 4 + 2, col + ${4 * v}); let w${v}3 = loadW(k4 * 4 + 3, col + ${4 * v});`).join('\n')}
           ${rs.map((r) => `{ let xv = x[xr${r} * (uniforms.inDim / 4) + k4];
             ${vs.map((v) => `${acc(r, v)} += w${v}0 * xv.x + w${v}1 * xv.y + w${v}2 * xv.z + w${v}3 * xv.w;`).join(' ')} }`).join('\n')}
         }`
      : `for (var k = 0; k < uniforms.inDim; k++) {
           ${vs.map((v) => `let wv${v} = loadW(k, col + ${4 * v});`).join(' ')}
           ${rs.map((r) => `{ let xv = x[xr${r} * uniforms.inDim + k]; ${vs.map((v) => `${acc(r, v)} += wv${v} * xv;`).join(' ')} }`).join('\n')}
         }`;
    return `
      ${activationWgsl(this.attrs.activation)}
      ${loadW}
      ${this.hasBias ? vec4LoaderWgsl('bias') : ''}
      fn main(index : i32) {
        if (index >= uniforms.workItems) { return; }
        let cb = index % uniforms.colBlocks;
        let row0 = (index / uniforms.colBlocks) * ${this.rows};
        let col = cb * ${4 * this.vec4s};
        ${rs.map((r) => `let xr${r} = min(row0 + ${r}, uniforms.n - 1); ${vs.map((v) => `var ${acc(r, v)} = vec4<f32>(0.0);`).join(' ')}`).join('\n')}
        ${inner}
        ${vs.map((v) => `{
        let c0 = col + ${4 * v};
        ${this.hasBias ? 'let b4 = bias4(c0);' : 'let b4 = vec4<f32>(0.0);'}
        ${rs.map((r) => `
        if (row0 + ${r} < uniforms.n) {
          let y = activate(${acc(r, v)} + b4);
          let o = (row0 + ${r}) * uniforms.outDim + c0;
          for (var c = 0; c < 4; c++) { if (c0 + c < uniforms.outDim) { result[o + c] = y[c]; } }
        }`).join('')}
        }`).join('\n')}
      }
    `;
  }
}

export function molDense(args: { inputs: Record<string, TensorInfo>; backend: WebGPUBackend; attrs: DenseAttrs }): TensorInfo {
  const { x, w, bias } = args.inputs;
  const g = validateInputs(x, w, bias, args.attrs);
  const block = args.attrs.block;
  if (block && (![1, 2, 4, 8].includes(block.rows) || ![1, 2].includes(block.vec4s))) throw new MolKernelInputError(MolDense, `unsupported block ${JSON.stringify(block)}`);
  const program = new DenseProgram(g, args.attrs, bias !== undefined);
  return args.backend.runWebGPUProgram(program, [x, w, ...(bias ? [bias] : [])], 'float32', program.uniformData());
}

export const molDenseConfig: KernelConfig = {
  kernelName: MolDense,
  backendName: 'webgpu',
  kernelFunc: molDense as unknown as KernelFunc,
};
