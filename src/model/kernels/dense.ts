/**
 * MolDense: y = act(x [N, in] @ w [in, out] + b), register-blocked: an invocation owns up to 4 rows x 4 columns
 * (4 vec4 accumulators), reads w as vec4 along `out` and x as vec4 along `in` when the sizes allow, and uses no
 * workgroup memory (slow on SwiftShader). With N >= 4 this is also the benchmark's yardstick matmul.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { Activation } from '../ops';
import { activationWgsl, assertActivation, flatDispatch, MolKernelInputError, vec4LoaderWgsl, WORKGROUP_SIZE } from './kernel-util';
import { packUniforms, uniformsWgsl, type UniformSpec } from './uniforms';

export const MolDense = 'MolDense';

export interface DenseAttrs { activation: Activation; alpha: number }

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
  /** Rows per invocation: 4, or N when N < 4 (no wasted accumulators for a single frame). */
  private readonly rows: number;
  private readonly xVec4: boolean;
  private readonly wVec4: boolean;

  constructor(private readonly g: { n: number; inDim: number; outDim: number }, private readonly attrs: DenseAttrs, private readonly hasBias: boolean) {
    this.outputShape = [g.n, g.outDim];
    this.rows = Math.min(4, g.n);
    this.xVec4 = g.inDim % 4 === 0;
    this.wVec4 = g.outDim % 4 === 0;
    this.variableNames = ['x', 'w', ...(hasBias ? ['bias'] : [])];
    this.variableComponents = [this.xVec4 ? 4 : 1, this.wVec4 ? 4 : 1, ...(hasBias ? [1] : [])];
    this.workItems = Math.ceil(g.n / this.rows) * Math.ceil(g.outDim / 4);
    this.shaderKey = `molDense_${this.rows}_${attrs.activation}_${hasBias}_${this.xVec4}_${this.wVec4}`;
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(this.workItems));
  }

  uniformData() {
    const g = this.g;
    return packUniforms(UNIFORMS, { n: g.n, inDim: g.inDim, outDim: g.outDim, colBlocks: Math.ceil(g.outDim / 4), workItems: this.workItems, alpha: this.attrs.alpha });
  }

  getUserCode(): string {
    const rs = [...Array(this.rows).keys()];
    const loadW = this.wVec4
      ? 'fn loadW(k : i32, col : i32) -> vec4<f32> { return w[k * uniforms.colBlocks + col / 4]; }'
      : `${vec4LoaderWgsl('w')}
         fn loadW(k : i32, col : i32) -> vec4<f32> {
           let b = k * uniforms.outDim + col;
           let rem = uniforms.outDim - col;
           return vec4<f32>(wAt(b), select(0.0, wAt(b + 1), rem > 1), select(0.0, wAt(b + 2), rem > 2), select(0.0, wAt(b + 3), rem > 3));
         }`;
    const inner = this.xVec4
      ? `for (var k4 = 0; k4 < uniforms.inDim / 4; k4++) {
           let w0 = loadW(k4 * 4, col); let w1 = loadW(k4 * 4 + 1, col); let w2 = loadW(k4 * 4 + 2, col); let w3 = loadW(k4 * 4 + 3, col);
           ${rs.map((r) => `{ let v = x[xr${r} * (uniforms.inDim / 4) + k4]; acc${r} += w0 * v.x + w1 * v.y + w2 * v.z + w3 * v.w; }`).join('\n')}
         }`
      : `for (var k = 0; k < uniforms.inDim; k++) {
           let wv = loadW(k, col);
           ${rs.map((r) => `acc${r} += wv * x[xr${r} * uniforms.inDim + k];`).join(' ')}
         }`;
    return `
      ${activationWgsl(this.attrs.activation)}
      ${loadW}
      ${this.hasBias ? vec4LoaderWgsl('bias') : ''}
      fn main(index : i32) {
        if (index >= uniforms.workItems) { return; }
        let cb = index % uniforms.colBlocks;
        let row0 = (index / uniforms.colBlocks) * ${this.rows};
        let col = cb * 4;
        ${rs.map((r) => `let xr${r} = min(row0 + ${r}, uniforms.n - 1); var acc${r} = vec4<f32>(0.0);`).join('\n')}
        ${inner}
        ${this.hasBias ? 'let b4 = bias4(col);' : 'let b4 = vec4<f32>(0.0);'}
        ${rs.map((r) => `
        if (row0 + ${r} < uniforms.n) {
          var v = activate(acc${r} + b4);
          let o = (row0 + ${r}) * uniforms.outDim + col;
          for (var c = 0; c < 4; c++) { if (col + c < uniforms.outDim) { result[o + c] = v[c]; } }
        }`).join('')}
      }
    `;
  }
}

export function molDense(args: { inputs: Record<string, TensorInfo>; backend: WebGPUBackend; attrs: DenseAttrs }): TensorInfo {
  const { x, w, bias } = args.inputs;
  const g = validateInputs(x, w, bias, args.attrs);
  const program = new DenseProgram(g, args.attrs, bias !== undefined);
  return args.backend.runWebGPUProgram(program, [x, w, ...(bias ? [bias] : [])], 'float32', program.uniformData());
}

export const molDenseConfig: KernelConfig = {
  kernelName: MolDense,
  backendName: 'webgpu',
  kernelFunc: molDense as unknown as KernelFunc,
};
