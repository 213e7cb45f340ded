/**
 * MolConv3dPool: MOL's MER head conv3d (kernel kd x kh x kw, stride (1, 2, 2), no padding, + bias) fused with
 * MaxPool3d(2). An invocation owns one pooled output x 4*V channels (V = 2 when out % 8 == 0, else 1), i.e. the
 * 2x2x2 conv outputs it pools, kept as 8*V vec4 accumulators; each input vec4 read feeds 4*V weight rows and each
 * weight vec4 8 corners. The conv volume is never written.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { flatDispatch, MolKernelInputError } from './kernel-util';
import { conv3dPoolGeometry } from './conv3d-pool.reference';
import { packUniforms, uniformsWgsl, type UniformSpec } from './uniforms';

export const MolConv3dPool = 'MolConv3dPool';

export interface Conv3dPoolAttrs {
  /** Output-channel vec4s per invocation (tests and benchmarks); 2 when out % 8 == 0, else 1. */
  vec4s?: 1 | 2;
}

/** Workgroups of 32: the MER head has only 5x4x4 pooled outputs x 4 channel blocks, and SwiftShader spreads workgroups over cores. */
const CONV3D_WORKGROUP = 32;

type Geometry = ReturnType<typeof conv3dPoolGeometry>;

function validateInputs(x: TensorInfo, w: TensorInfo, b: TensorInfo): Geometry {
  const fail = (m: string) => { throw new MolKernelInputError(MolConv3dPool, m); };
  if (x.shape.length !== 5 || w.shape.length !== 5) fail(`x must be NDHWC and w [kd, kh, kw, in, out], got [${x.shape}] and [${w.shape}]`);
  if (x.dtype !== 'float32' || w.dtype !== 'float32' || b.dtype !== 'float32') fail('x, w and b must be float32');
  const g = conv3dPoolGeometry(x.shape, w.shape);
  if (w.shape[3] !== g.c) fail(`w has ${w.shape[3]} input channels, x has ${g.c}`);
  if (g.c % 4 !== 0 || g.co % 4 !== 0) fail(`input and output channels must be multiples of 4, got ${g.c} and ${g.co}`);
  if (b.shape.length !== 1 || b.shape[0] !== g.co) fail(`b must be [${g.co}], got [${b.shape}]`);
  if (g.pd < 1 || g.ph < 1 || g.pw < 1) fail(`input [${x.shape}] is too small for kernel [${w.shape}] and a 2x2x2 pool`);
  return g;
}

const UNIFORMS = [
  { name: 's', type: 'i32' }, { name: 'h', type: 'i32' }, { name: 'w', type: 'i32' }, { name: 'cBlocks', type: 'i32' },
  { name: 'kd', type: 'i32' }, { name: 'kh', type: 'i32' }, { name: 'kw', type: 'i32' }, { name: 'coBlocks', type: 'i32' },
  { name: 'pd', type: 'i32' }, { name: 'ph', type: 'i32' }, { name: 'pw', type: 'i32' }, { name: 'workItems', type: 'i32' },
  { name: 'coGroups', type: 'i32' },
] as const satisfies UniformSpec;

export class Conv3dPoolProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [CONV3D_WORKGROUP, 1, 1];
  variableNames = ['x', 'w', 'b'];
  variableComponents = [4, 4, 4];
  uniforms = uniformsWgsl(UNIFORMS);
  readonly workItems: number;

  constructor(private readonly g: Geometry, private readonly vec4s: 1 | 2) {
    // Flattened to rank 4 so no rank-5 shape enters tfjs's uniform block.
    this.outputShape = [g.n * g.pd, g.ph, g.pw, g.co];
    this.workItems = g.n * g.pd * g.ph * g.pw * (g.co / (4 * vec4s));
    this.shaderKey = `molConv3dPool_${vec4s}`;
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(this.workItems, CONV3D_WORKGROUP));
  }

  uniformData() {
    const g = this.g;
    return packUniforms(UNIFORMS, {
      s: g.s, h: g.h, w: g.w, cBlocks: g.c / 4, kd: g.kd, kh: g.kh, kw: g.kw, coBlocks: g.co / 4,
      pd: g.pd, ph: g.ph, pw: g.pw, workItems: this.workItems, coGroups: g.co / (4 * this.vec4s),
    });
  }

  getUserCode(): string {
    const corners = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ i, a: i >> 2, b: (i >> 1) & 1, c: i & 1 }));
    const vs = [...Array(this.vec4s).keys()];
    const acc = (i: number, v: number) => `acc${i}_${v}`;
    return `
      fn main(index : i32) {
        if (index >= uniforms.workItems) { return; }
        let cog = index % uniforms.coGroups;
        var t = index / uniforms.coGroups;
        let px = t % uniforms.pw;
        t = t / uniforms.pw;
        let py = t % uniforms.ph;
        t = t / uniforms.ph;
        let pd = t % uniforms.pd;
        let n = t / uniforms.pd;
        let co4 = cog * ${this.vec4s};
        ${corners.map((k) => vs.map((v) => `var ${acc(k.i, v)} = vec4<f32>(0.0);`).join(' ')).join('\n')}
        for (var dt = 0; dt < uniforms.kd; dt++) {
          for (var ky = 0; ky < uniforms.kh; ky++) {
            for (var kx = 0; kx < uniforms.kw; kx++) {
              ${corners.map((k) => `let xb${k.i} = (((n * uniforms.s + 2 * pd + ${k.a} + dt) * uniforms.h + 2 * (2 * py + ${k.b}) + ky) * uniforms.w + 2 * (2 * px + ${k.c}) + kx) * uniforms.cBlocks;`).join('\n')}
              let wb = ((dt * uniforms.kh + ky) * uniforms.kw + kx) * uniforms.cBlocks * 4;
              for (var c4 = 0; c4 < uniforms.cBlocks; c4++) {
                let r = (wb + c4 * 4) * uniforms.coBlocks + co4;
                ${vs.map((v) => `let w${v}0 = w[r + ${v}]; let w${v}1 = w[r + uniforms.coBlocks + ${v}]; let w${v}2 = w[r + 2 * uniforms.coBlocks + ${v}]; let w${v}3 = w[r + 3 * uniforms.coBlocks + ${v}];`).join('\n')}
                ${corners.map((k) => `{ let xv = x[xb${k.i} + c4]; ${vs.map((v) => `${acc(k.i, v)} += w${v}0 * xv.x + w${v}1 * xv.y + w${v}2 * xv.z + w${v}3 * xv.w;`).join(' ')} }`).join('\n')}
              }
            }
          }
        }
        let ob = (((n * uniforms.pd + pd) * uniforms.ph + py) * uniforms.pw + px) * uniforms.coBlocks * 4;
        ${vs.map((v) => `{
        var m = ${acc(0, v)};
        ${corners.slice(1).map((k) => `m = max(m, ${acc(k.i, v)});`).join(' ')}
        let y = m + b[co4 + ${v}];
        let o = ob + (co4 + ${v}) * 4;
        result[o] = y.x; result[o + 1] = y.y; result[o + 2] = y.z; result[o + 3] = y.w;
        }`).join('\n')}
      }
    `;
  }
}

export function molConv3dPool(args: { inputs: Record<string, TensorInfo>; backend: WebGPUBackend; attrs?: Conv3dPoolAttrs }): TensorInfo {
  const { x, w, b } = args.inputs;
  const g = validateInputs(x, w, b);
  const vec4s = args.attrs?.vec4s ?? (g.co % 8 === 0 ? 2 : 1);
  if (vec4s !== 1 && vec4s !== 2) throw new MolKernelInputError(MolConv3dPool, `vec4s must be 1 or 2, got ${String(vec4s)}`);
  if (g.co % (4 * vec4s) !== 0) throw new MolKernelInputError(MolConv3dPool, `${g.co} output channels do not split into blocks of ${4 * vec4s}`);
  const program = new Conv3dPoolProgram(g, vec4s);
  const out = args.backend.runWebGPUProgram(program, [{ ...x, shape: [g.n * g.s, g.h, g.w, g.c] }, { ...w, shape: [g.kd * g.kh * g.kw, g.c, g.co] }, b], 'float32', program.uniformData());
  return { ...out, shape: [g.n, g.pd, g.ph, g.pw, g.co] };
}

export const molConv3dPoolConfig: KernelConfig = {
  kernelName: MolConv3dPool,
  backendName: 'webgpu',
  kernelFunc: molConv3dPool as unknown as KernelFunc,
};
