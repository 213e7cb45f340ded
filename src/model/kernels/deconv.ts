/**
 * MolDeconv: FlowNet's ConvTranspose2d k4 s2 p1 (no bias) + activation, w [4, 4, out, in] (tfjs conv2dTranspose).
 * Written as a gather: output row oy only receives taps ky with ky ≡ oy+1 (mod 2), i.e. 2 of the 4 rows, from input
 * row iy = (oy + 1 - ky) / 2; the same holds for columns. An invocation owns P output pixels of one column parity
 * (ox = 2j + px, j = j0..j0+P-1) x 4V output channels, so all P pixels share the same 2x2 taps and read P
 * consecutive input columns; each weight load feeds P pixels and each input load 4V channels. Default block: P = 8
 * when the input row has 8 columns (else 4), V = 2 when out % 8 == 0 (else 1). Weights are contiguous along `in`, so
 * `in` is the vector axis (vec4, or vec2 for even `in`).
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { Activation } from '../ops';
import { activationWgsl, assertActivation, flatDispatch, MolKernelInputError, WORKGROUP_SIZE } from './kernel-util';
import { packUniforms, uniformsWgsl, type UniformSpec } from './uniforms';

export const MolDeconv = 'MolDeconv';

/** Register block of one invocation: `pixels` output columns of one parity x `vec4s` groups of 4 output channels. */
export interface DeconvBlock { pixels: 4 | 8; vec4s: 1 | 2 }

export interface DeconvAttrs {
  activation: Activation;
  alpha: number;
  /** Register block override (tests and benchmarks); defaultDeconvBlock otherwise. */
  block?: DeconvBlock;
}

export function defaultDeconvBlock(inW: number, outC: number): DeconvBlock {
  return { pixels: inW >= 8 ? 8 : 4, vec4s: outC % 8 === 0 ? 2 : 1 };
}

export interface DeconvGeometry { n: number; h: number; w: number; inC: number; outC: number }

function validateInputs(x: TensorInfo, w: TensorInfo, attrs: DeconvAttrs): DeconvGeometry {
  if (x.shape.length !== 4) throw new MolKernelInputError(MolDeconv, `x must be NHWC rank 4, got [${x.shape}]`);
  if (w.shape.length !== 4 || w.shape[0] !== 4 || w.shape[1] !== 4) {
    throw new MolKernelInputError(MolDeconv, `w must be [4, 4, out, in], got [${w.shape}]`);
  }
  if (w.shape[3] !== x.shape[3]) throw new MolKernelInputError(MolDeconv, `w has ${w.shape[3]} input channels, x has ${x.shape[3]}`);
  if (x.dtype !== 'float32' || w.dtype !== 'float32') throw new MolKernelInputError(MolDeconv, 'x and w must be float32');
  assertActivation(MolDeconv, attrs.activation);
  const [n, h, wd, inC] = x.shape;
  return { n, h, w: wd, inC, outC: w.shape[2] };
}

const UNIFORMS = [
  { name: 'inH', type: 'i32' }, { name: 'inW', type: 'i32' }, { name: 'inC', type: 'i32' }, { name: 'outC', type: 'i32' },
  { name: 'jBlocks', type: 'i32' }, { name: 'coBlocks', type: 'i32' }, { name: 'workItems', type: 'i32' },
  { name: 'alpha', type: 'f32' },
] as const satisfies UniformSpec;

export class DeconvProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize = WORKGROUP_SIZE;
  variableNames = ['x', 'w'];
  variableComponents: number[];
  uniforms = uniformsWgsl(UNIFORMS);
  readonly workItems: number;
  /** Components per load along `in`: 4 (in % 4 == 0), 2 (even in, e.g. FlowNet's 2-channel flow concats), else 1. */
  private readonly vc: 1 | 2 | 4;

  constructor(private readonly g: DeconvGeometry, private readonly attrs: DeconvAttrs, private readonly block: DeconvBlock) {
    this.outputShape = [g.n, 2 * g.h, 2 * g.w, g.outC];
    this.vc = g.inC % 4 === 0 ? 4 : g.inC % 2 === 0 ? 2 : 1;
    this.variableComponents = [this.vc, this.vc];
    // work item = (n, oy, column parity, block of P columns of that parity, block of 4V channels)
    this.workItems = g.n * 2 * g.h * 2 * Math.ceil(g.w / block.pixels) * Math.ceil(g.outC / (4 * block.vec4s));
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(this.workItems));
    this.shaderKey = `molDeconv_${attrs.activation}_${this.vc}_${block.pixels}x${block.vec4s}`;
  }

  uniformData() {
    const g = this.g;
    const { pixels, vec4s } = this.block;
    return packUniforms(UNIFORMS, {
      inH: g.h, inW: g.w, inC: g.inC, outC: g.outC, jBlocks: Math.ceil(g.w / pixels), coBlocks: Math.ceil(g.outC / (4 * vec4s)),
      workItems: this.workItems, alpha: this.attrs.alpha,
    });
  }

  getUserCode(): string {
    const P = this.block.pixels;
    const V = this.block.vec4s;
    const range = [...Array(P).keys()];
    const vs = [...Array(V).keys()];
    const chans = [...Array(4 * V).keys()];
    const acc = (p: number, v: number) => `acc${p}_${v}`;
    const q = (v: number) => [0, 1, 2, 3].map((c) => 4 * v + c);
    // wr{c}: start of the weight row (tap, channel co+c) — clamped so that padding channels read real memory.
    const vc = this.vc;
    const inner = vc > 1
      ? `let cBlocks = uniforms.inC / ${vc};
         for (var c4 = 0; c4 < cBlocks; c4++) {
           ${chans.map((c) => `let w${c} = w[wr${c} / ${vc} + c4];`).join(' ')}
           ${range.map((p) => `{ let v = x[xb${p} / ${vc} + c4] * m${p};
             ${vs.map((v) => `${acc(p, v)} += vec4<f32>(${q(v).map((c) => `dot(v, w${c})`).join(', ')});`).join(' ')} }`).join('\n')}
         }`
      : `for (var ci = 0; ci < uniforms.inC; ci++) {
           ${vs.map((v) => `let wv${v} = vec4<f32>(${q(v).map((c) => `w[wr${c} + ci]`).join(', ')});`).join(' ')}
           ${range.map((p) => `{ let xv = x[xb${p} + ci] * m${p}; ${vs.map((v) => `${acc(p, v)} += wv${v} * xv;`).join(' ')} }`).join('\n')}
         }`;
    return `
      ${activationWgsl(this.attrs.activation)}
      fn main(index : i32) {
        if (index >= uniforms.workItems) { return; }
        let cob = index % uniforms.coBlocks;
        var t = index / uniforms.coBlocks;
        let jb = t % uniforms.jBlocks;
        t = t / uniforms.jBlocks;
        let px = t % 2;
        t = t / 2;
        let outH = 2 * uniforms.inH;
        let outW = 2 * uniforms.inW;
        let oy = t % outH;
        let n = t / outH;
        let co = cob * ${4 * V};
        let j0 = jb * ${P};
        ${range.map((p) => vs.map((v) => `var ${acc(p, v)} = vec4<f32>(0.0);`).join(' ')).join('\n')}
        for (var a = 0; a < 2; a++) {
          let ky = (oy + 1) % 2 + 2 * a;
          let iy = (oy + 1 - ky) / 2;
          if (iy < 0 || iy >= uniforms.inH) { continue; }
          let rowBase = (n * uniforms.inH + iy) * uniforms.inW;
          for (var b = 0; b < 2; b++) {
            let kx = (px + 1) % 2 + 2 * b;
            let dx = (px + 1 - kx) / 2;
            let tap = ky * 4 + kx;
            ${chans.map((c) => `let wr${c} = (tap * uniforms.outC + min(co + ${c}, uniforms.outC - 1)) * uniforms.inC;`).join('\n')}
            ${range.map((p) => `
            let ix${p} = j0 + ${p} + dx;
            let m${p} = select(0.0, 1.0, ix${p} >= 0 && ix${p} < uniforms.inW);
            let xb${p} = (rowBase + clamp(ix${p}, 0, uniforms.inW - 1)) * uniforms.inC;`).join('')}
            ${inner}
          }
        }
        let outRow = (n * outH + oy) * outW;
        ${range.map((p) => `
        if (j0 + ${p} < uniforms.inW) {
          let ob = (outRow + 2 * (j0 + ${p}) + px) * uniforms.outC + co;
          ${vs.map((v) => `{
          let y = activate(${acc(p, v)});
          for (var k = 0; k < 4; k++) { if (co + ${4 * v} + k < uniforms.outC) { result[ob + ${4 * v} + k] = y[k]; } }
          }`).join(' ')}
        }`).join('')}
      }
    `;
  }
}

export function molDeconv(args: { inputs: Record<string, TensorInfo>; backend: WebGPUBackend; attrs: DeconvAttrs }): TensorInfo {
  const { x, w } = args.inputs;
  const g = validateInputs(x, w, args.attrs);
  const block = args.attrs.block ?? defaultDeconvBlock(g.w, g.outC);
  if (![4, 8].includes(block.pixels) || ![1, 2].includes(block.vec4s)) throw new MolKernelInputError(MolDeconv, `unsupported block ${JSON.stringify(block)}`);
  const program = new DeconvProgram(g, args.attrs, block);
  return args.backend.runWebGPUProgram(program, [x, w], 'float32', program.uniformData());
}

export const molDeconvConfig: KernelConfig = {
  kernelName: MolDeconv,
  backendName: 'webgpu',
  kernelFunc: molDeconv as unknown as KernelFunc,
};
