/**
 * MolConv2d: direct NHWC conv2d with explicit padding and stride, fused bias, folded BatchNorm and activation.
 * One invocation computes 4 output channels (a vec4) x 4 horizontally adjacent output pixels, keeping 4 vec4
 * accumulators in registers and reading no workgroup memory (barriers and shared memory are slow on SwiftShader).
 * Weights [kh, kw, in, out] are read as vec4 along `out`; the input is read as vec4 along `in` when in % 4 == 0.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { Activation } from '../ops';
import { activationWgsl, assertActivation, flatDispatch, MolKernelInputError, vec4LoaderWgsl, WORKGROUP_SIZE } from './kernel-util';
import { packUniforms, uniformsWgsl, type UniformSpec } from './uniforms';

export const MolConv2d = 'MolConv2d';

/** Output pixels per invocation along W (each with 4 channels). */
export const CONV2D_PIXELS = 4;

export interface Conv2dAttrs {
  stride: number;
  /** [top, bottom, left, right] */
  pad: [number, number, number, number];
  activation: Activation;
  alpha: number;
  /** Register block override (tests and benchmarks); defaultConv2dBlock otherwise. */
  block?: Conv2dBlock;
}

export interface Conv2dGeometry {
  n: number; inH: number; inW: number; inC: number; kh: number; kw: number; outC: number; outH: number; outW: number;
}

function validateInputs(x: TensorInfo, w: TensorInfo, extras: Record<string, TensorInfo | undefined>, attrs: Conv2dAttrs): Conv2dGeometry {
  if (x.shape.length !== 4) throw new MolKernelInputError(MolConv2d, `x must be NHWC rank 4, got [${x.shape}]`);
  if (w.shape.length !== 4) throw new MolKernelInputError(MolConv2d, `w must be [kh, kw, in, out], got [${w.shape}]`);
  const [n, inH, inW, inC] = x.shape;
  const [kh, kw, wIn, outC] = w.shape;
  if (wIn !== inC) throw new MolKernelInputError(MolConv2d, `w has ${wIn} input channels, x has ${inC}`);
  if (x.dtype !== 'float32' || w.dtype !== 'float32') throw new MolKernelInputError(MolConv2d, 'x and w must be float32');
  for (const [name, t] of Object.entries(extras)) {
    if (t && (t.shape.length !== 1 || t.shape[0] !== outC)) throw new MolKernelInputError(MolConv2d, `${name} must be [${outC}], got [${t.shape}]`);
  }
  if ((extras.bnScale === undefined) !== (extras.bnShift === undefined)) throw new MolKernelInputError(MolConv2d, 'bnScale and bnShift come together');
  const { stride, pad } = attrs;
  if (!Number.isInteger(stride) || stride < 1) throw new MolKernelInputError(MolConv2d, `stride must be a positive integer, got ${stride}`);
  if (pad.length !== 4 || pad.some((p) => !Number.isInteger(p) || p < 0)) throw new MolKernelInputError(MolConv2d, `pad must be 4 non-negative integers, got [${pad}]`);
  assertActivation(MolConv2d, attrs.activation);
  const outH = Math.floor((inH + pad[0] + pad[1] - kh) / stride) + 1;
  const outW = Math.floor((inW + pad[2] + pad[3] - kw) / stride) + 1;
  if (outH < 1 || outW < 1) throw new MolKernelInputError(MolConv2d, `kernel ${kh}x${kw} does not fit the padded ${inH}x${inW} input`);
  return { n, inH, inW, inC, kh, kw, outC, outH, outW };
}

const UNIFORMS = [
  { name: 'inH', type: 'i32' }, { name: 'inW', type: 'i32' }, { name: 'inC', type: 'i32' },
  { name: 'outH', type: 'i32' }, { name: 'outW', type: 'i32' }, { name: 'outC', type: 'i32' },
  { name: 'kh', type: 'i32' }, { name: 'kw', type: 'i32' }, { name: 'stride', type: 'i32' },
  { name: 'padT', type: 'i32' }, { name: 'padL', type: 'i32' },
  { name: 'pxBlocks', type: 'i32' }, { name: 'coBlocks', type: 'i32' }, { name: 'workItems', type: 'i32' },
  { name: 'alpha', type: 'f32' },
] as const satisfies UniformSpec;

/** Register block of one invocation: `pixels` adjacent output pixels x `vec4s` groups of 4 output channels. */
export interface Conv2dBlock { pixels: number; vec4s: number }

/**
 * Default block, from `npm run bench -- --tune` on SwiftShader (every conv2d of the rt and paper steps timed with
 * every block in interleaved rounds): 8 pixels when the output row has at least 8 (each weight load feeds 8 pixels;
 * on narrower maps half the block would idle), else 4; 8 channels when out % 8 == 0 (each input load feeds 8), else 4.
 * The e2e parity cases run every block shape.
 */
export function defaultConv2dBlock(outC: number, outW: number = CONV2D_PIXELS): Conv2dBlock {
  return { pixels: outW >= 8 ? 8 : CONV2D_PIXELS, vec4s: outC % 8 === 0 ? 2 : 1 };
}

export class Conv2dProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize = WORKGROUP_SIZE;
  variableNames: string[];
  variableComponents: number[];
  uniforms = uniformsWgsl(UNIFORMS);
  readonly workItems: number;
  private readonly xVec4: boolean;
  private readonly wVec4: boolean;
  private readonly activation: Activation;

  constructor(private readonly g: Conv2dGeometry, private readonly attrs: Conv2dAttrs, private readonly hasBias: boolean, private readonly hasBn: boolean,
    private readonly block: Conv2dBlock) {
    this.activation = attrs.activation;
    this.outputShape = [g.n, g.outH, g.outW, g.outC];
    this.xVec4 = g.inC % 4 === 0;
    this.wVec4 = g.outC % 4 === 0;
    this.variableNames = ['x', 'w', ...(hasBias ? ['bias'] : []), ...(hasBn ? ['bnScale', 'bnShift'] : [])];
    this.variableComponents = [this.xVec4 ? 4 : 1, this.wVec4 ? 4 : 1, ...this.variableNames.slice(2).map(() => 1)];
    this.workItems = g.n * g.outH * Math.ceil(g.outW / block.pixels) * Math.ceil(g.outC / (4 * block.vec4s));
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(this.workItems));
    this.shaderKey = `molConv2d_${this.activation}_${hasBias}_${hasBn}_${this.xVec4}_${this.wVec4}_${block.pixels}x${block.vec4s}`;
  }

  uniformData() {
    const { g, attrs, block } = this;
    return packUniforms(UNIFORMS, {
      inH: g.inH, inW: g.inW, inC: g.inC, outH: g.outH, outW: g.outW, outC: g.outC, kh: g.kh, kw: g.kw,
      stride: attrs.stride, padT: attrs.pad[0], padL: attrs.pad[2],
      pxBlocks: Math.ceil(g.outW / block.pixels), coBlocks: Math.ceil(g.outC / (4 * block.vec4s)), workItems: this.workItems, alpha: attrs.alpha,
    });
  }

  getUserCode(): string {
    const P = this.block.pixels;
    const V = this.block.vec4s;
    const ps = [...Array(P).keys()];
    const vs = [...Array(V).keys()];
    const acc = (p: number, v: number) => `acc${p}_${v}`;
    // w row r = (ky*kw + kx)*inC + ci holds outC weights; loadW(r, co) returns channels co..co+3 of it (zeros past outC).
    const loadW = this.wVec4
      ? `fn loadW(r : i32, co : i32) -> vec4<f32> {
           let last = uniforms.outC / 4 - 1;
           return select(vec4<f32>(0.0), w[r * (last + 1) + min(co / 4, last)], co / 4 <= last);
         }`
      : `${vec4LoaderWgsl('w')}
         fn loadW(r : i32, co : i32) -> vec4<f32> {
           let b = r * uniforms.outC + co;
           let rem = uniforms.outC - co;
           return vec4<f32>(select(0.0, wAt(b), rem > 0), select(0.0, wAt(b + 1), rem > 1), select(0.0, wAt(b + 2), rem > 2), select(0.0, wAt(b + 3), rem > 3));
         }`;
    const inner = this.xVec4
      ? `let cBlocks = uniforms.inC / 4;
         for (var c4 = 0; c4 < cBlocks; c4++) {
           let r = wRow + c4 * 4;
           ${vs.map((v) => `let w${v}0 = loadW(r, co + ${4 * v}); let w${v}1 = loadW(r + 1, co + ${4 * v}); let w${v}2 = loadW(r + 2, co + ${4 * v}); let w${v}3 = loadW(r + 3, co + ${4 * v});`).join('\n')}
           ${ps.map((p) => `{ let xv = x[xb${p} / 4 + c4] * m${p};
             ${vs.map((v) => `${acc(p, v)} += w${v}0 * xv.x + w${v}1 * xv.y + w${v}2 * xv.z + w${v}3 * xv.w;`).join(' ')} }`).join('\n')}
         }`
      : `for (var ci = 0; ci < uniforms.inC; ci++) {
           ${vs.map((v) => `let w${v} = loadW(wRow + ci, co + ${4 * v});`).join(' ')}
           ${ps.map((p) => `{ let xv = x[xb${p} + ci] * m${p}; ${vs.map((v) => `${acc(p, v)} += w${v} * xv;`).join(' ')} }`).join('\n')}
         }`;
    return `
      ${activationWgsl(this.activation)}
      ${loadW}
      ${this.hasBias ? vec4LoaderWgsl('bias') : ''}
      ${this.hasBn ? vec4LoaderWgsl('bnScale') + vec4LoaderWgsl('bnShift') : ''}
      fn main(index : i32) {
        if (index >= uniforms.workItems) { return; }
        let cob = index % uniforms.coBlocks;
        var t = index / uniforms.coBlocks;
        let pxb = t % uniforms.pxBlocks;
        t = t / uniforms.pxBlocks;
        let oy = t % uniforms.outH;
        let n = t / uniforms.outH;
        let co = cob * ${4 * V};
        let ox0 = pxb * ${P};
        ${ps.map((p) => vs.map((v) => `var ${acc(p, v)} = vec4<f32>(0.0);`).join(' ')).join('\n')}
        for (var ky = 0; ky < uniforms.kh; ky++) {
          let iy = oy * uniforms.stride - uniforms.padT + ky;
          if (iy < 0 || iy >= uniforms.inH) { continue; }
          let rowBase = (n * uniforms.inH + iy) * uniforms.inW;
          for (var kx = 0; kx < uniforms.kw; kx++) {
            let wRow = (ky * uniforms.kw + kx) * uniforms.inC;
            ${ps.map((p) => `
            let ix${p} = (ox0 + ${p}) * uniforms.stride - uniforms.padL + kx;
            let m${p} = select(0.0, 1.0, ix${p} >= 0 && ix${p} < uniforms.inW);
            let xb${p} = (rowBase + clamp(ix${p}, 0, uniforms.inW - 1)) * uniforms.inC;`).join('')}
            ${inner}
          }
        }
        let outRow = (n * uniforms.outH + oy) * uniforms.outW;
        ${vs.map((v) => `{
        let c = co + ${4 * v};
        ${this.hasBias ? 'let b4 = bias4(c);' : ''}
        ${this.hasBn ? 'let s4 = bnScale4(c); let h4 = bnShift4(c);' : ''}
        ${ps.map((p) => `
        if (ox0 + ${p} < uniforms.outW) {
          var v = ${acc(p, v)};
          ${this.hasBias ? 'v = v + b4;' : ''}
          ${this.hasBn ? 'v = v * s4 + h4;' : ''}
          v = activate(v);
          let o = (outRow + ox0 + ${p}) * uniforms.outC + c;
          for (var k = 0; k < 4; k++) { if (c + k < uniforms.outC) { result[o + k] = v[k]; } }
        }`).join('')}
        }`).join('\n')}
      }
    `;
  }
}

export function molConv2d(args: { inputs: Record<string, TensorInfo>; backend: WebGPUBackend; attrs: Conv2dAttrs }): TensorInfo {
  const { x, w, bias, bnScale, bnShift } = args.inputs;
  const attrs = args.attrs;
  const g = validateInputs(x, w, { bias, bnScale, bnShift }, attrs);
  const block = attrs.block ?? defaultConv2dBlock(g.outC, g.outW);
  if (![1, 2, 4, 8].includes(block.pixels) || ![1, 2].includes(block.vec4s)) throw new MolKernelInputError(MolConv2d, `unsupported block ${JSON.stringify(block)}`);
  const program = new Conv2dProgram(g, attrs, bias !== undefined, bnScale !== undefined, block);
  const inputs = [x, w, ...(bias ? [bias] : []), ...(bnScale && bnShift ? [bnScale, bnShift] : [])];
  return args.backend.runWebGPUProgram(program, inputs, 'float32', program.uniformData());
}

export const molConv2dConfig: KernelConfig = {
  kernelName: MolConv2d,
  backendName: 'webgpu',
  kernelFunc: molConv2d as unknown as KernelFunc,
};
