/**
 * MolDeconv: FlowNet's ConvTranspose2d k4 s2 p1 (no bias) + activation, w [4, 4, out, in] (tfjs conv2dTranspose).
 * Written as a gather: output row oy only receives taps ky with ky ≡ oy+1 (mod 2), i.e. 2 of the 4 rows, from input
 * row iy = (oy + 1 - ky) / 2; the same holds for columns. An invocation owns 4 output pixels of one column parity
 * (ox = 2j + px, j = j0..j0+3) x 4 output channels, so all 4 pixels share the same 2x2 taps and read 4
 * consecutive input columns. Weights are contiguous along `in`, so `in` is the vector axis (vec4, or vec2 for even `in`).
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { Activation } from '../ops';
import { activationWgsl, assertActivation, flatDispatch, MolKernelInputError, WORKGROUP_SIZE } from './kernel-util';
import { packUniforms, uniformsWgsl, type UniformSpec } from './uniforms';

export const MolDeconv = 'MolDeconv';
const P = 4;

export interface DeconvAttrs {
  activation: Activation;
  alpha: number;
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

  constructor(private readonly g: DeconvGeometry, private readonly attrs: DeconvAttrs) {
    this.outputShape = [g.n, 2 * g.h, 2 * g.w, g.outC];
    this.vc = g.inC % 4 === 0 ? 4 : g.inC % 2 === 0 ? 2 : 1;
    this.variableComponents = [this.vc, this.vc];
    // work item = (n, oy, column parity, block of 4 columns of that parity, block of 4 channels)
    this.workItems = g.n * 2 * g.h * 2 * Math.ceil(g.w / P) * Math.ceil(g.outC / 4);
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(this.workItems));
    this.shaderKey = `molDeconv_${attrs.activation}_${this.vc}`;
  }

  uniformData() {
    const g = this.g;
    return packUniforms(UNIFORMS, {
      inH: g.h, inW: g.w, inC: g.inC, outC: g.outC, jBlocks: Math.ceil(g.w / P), coBlocks: Math.ceil(g.outC / 4),
      workItems: this.workItems, alpha: this.attrs.alpha,
    });
  }

  getUserCode(): string {
    const range = [...Array(P).keys()];
    const chans = [0, 1, 2, 3];
    // wr{c}: start of the weight row (tap, channel co+c) — clamped so that padding channels read real memory.
    const vc = this.vc;
    const inner = vc > 1
      ? `let cBlocks = uniforms.inC / ${vc};
         for (var c4 = 0; c4 < cBlocks; c4++) {
           ${chans.map((c) => `let w${c} = w[wr${c} / ${vc} + c4];`).join(' ')}
           ${range.map((p) => `{ let v = x[xb${p} / ${vc} + c4] * m${p};
             acc${p} += vec4<f32>(dot(v, w0), dot(v, w1), dot(v, w2), dot(v, w3)); }`).join('\n')}
         }`
      : `for (var ci = 0; ci < uniforms.inC; ci++) {
           let wv = vec4<f32>(${chans.map((c) => `w[wr${c} + ci]`).join(', ')});
           ${range.map((p) => `acc${p} += wv * (x[xb${p} + ci] * m${p});`).join('\n')}
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
        let co = cob * 4;
        let j0 = jb * ${P};
        ${range.map((p) => `var acc${p} = vec4<f32>(0.0);`).join('\n')}
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
          var v = activate(acc${p});
          let o = (outRow + 2 * (j0 + ${p}) + px) * uniforms.outC + co;
          for (var k = 0; k < 4; k++) { if (co + k < uniforms.outC) { result[o + k] = v[k]; } }
        }`).join('')}
      }
    `;
  }
}

export function molDeconv(args: { inputs: Record<string, TensorInfo>; backend: WebGPUBackend; attrs: DeconvAttrs }): TensorInfo {
  const { x, w } = args.inputs;
  const g = validateInputs(x, w, args.attrs);
  const program = new DeconvProgram(g, args.attrs);
  return args.backend.runWebGPUProgram(program, [x, w], 'float32', program.uniformData());
}

export const molDeconvConfig: KernelConfig = {
  kernelName: MolDeconv,
  backendName: 'webgpu',
  kernelFunc: molDeconv as unknown as KernelFunc,
};
