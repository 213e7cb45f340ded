/**
 * MolConv3dPool: MOL's MER head conv3d (kernel kd x kh x kw, stride (1, 2, 2), no padding, + bias) fused with
 * MaxPool3d(2). An invocation owns one pooled output x 4 channels, i.e. the 2x2x2 conv outputs it pools, kept as
 * 8 vec4 accumulators; each vec4 of input channels read feeds 4 weight rows. The conv volume is never written.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { flatDispatch, MolKernelInputError, WORKGROUP_SIZE } from './kernel-util';
import { conv3dPoolGeometry } from './conv3d-pool.reference';
import { packUniforms, uniformsWgsl, type UniformSpec } from './uniforms';

export const MolConv3dPool = 'MolConv3dPool';

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
] as const satisfies UniformSpec;

export class Conv3dPoolProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey = 'molConv3dPool';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize = WORKGROUP_SIZE;
  variableNames = ['x', 'w', 'b'];
  variableComponents = [4, 4, 4];
  uniforms = uniformsWgsl(UNIFORMS);
  readonly workItems: number;

  constructor(private readonly g: Geometry) {
    // Flattened to rank 4 so no rank-5 shape enters tfjs's uniform block.
    this.outputShape = [g.n * g.pd, g.ph, g.pw, g.co];
    this.workItems = g.n * g.pd * g.ph * g.pw * (g.co / 4);
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(this.workItems));
  }

  uniformData() {
    const g = this.g;
    return packUniforms(UNIFORMS, {
      s: g.s, h: g.h, w: g.w, cBlocks: g.c / 4, kd: g.kd, kh: g.kh, kw: g.kw, coBlocks: g.co / 4,
      pd: g.pd, ph: g.ph, pw: g.pw, workItems: this.workItems,
    });
  }

  getUserCode(): string {
    const corners = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => ({ i, a: i >> 2, b: (i >> 1) & 1, c: i & 1 }));
    return `
      fn main(index : i32) {
        if (index >= uniforms.workItems) { return; }
        let co4 = index % uniforms.coBlocks;
        var t = index / uniforms.coBlocks;
        let px = t % uniforms.pw;
        t = t / uniforms.pw;
        let py = t % uniforms.ph;
        t = t / uniforms.ph;
        let pd = t % uniforms.pd;
        let n = t / uniforms.pd;
        ${corners.map((k) => `var acc${k.i} = vec4<f32>(0.0);`).join(' ')}
        for (var dt = 0; dt < uniforms.kd; dt++) {
          for (var ky = 0; ky < uniforms.kh; ky++) {
            for (var kx = 0; kx < uniforms.kw; kx++) {
              ${corners.map((k) => `let xb${k.i} = (((n * uniforms.s + 2 * pd + ${k.a} + dt) * uniforms.h + 2 * (2 * py + ${k.b}) + ky) * uniforms.w + 2 * (2 * px + ${k.c}) + kx) * uniforms.cBlocks;`).join('\n')}
              let wb = ((dt * uniforms.kh + ky) * uniforms.kw + kx) * uniforms.cBlocks * 4;
              for (var c4 = 0; c4 < uniforms.cBlocks; c4++) {
                let r = (wb + c4 * 4) * uniforms.coBlocks + co4;
                let w0 = w[r]; let w1 = w[r + uniforms.coBlocks]; let w2 = w[r + 2 * uniforms.coBlocks]; let w3 = w[r + 3 * uniforms.coBlocks];
                ${corners.map((k) => `{ let v = x[xb${k.i} + c4]; acc${k.i} += w0 * v.x + w1 * v.y + w2 * v.z + w3 * v.w; }`).join('\n')}
              }
            }
          }
        }
        var m = acc0;
        ${corners.slice(1).map((k) => `m = max(m, acc${k.i});`).join(' ')}
        let v = m + b[co4];
        let o = (((n * uniforms.pd + pd) * uniforms.ph + py) * uniforms.pw + px) * uniforms.coBlocks * 4 + co4 * 4;
        result[o] = v.x; result[o + 1] = v.y; result[o + 2] = v.z; result[o + 3] = v.w;
      }
    `;
  }
}

export function molConv3dPool(args: { inputs: Record<string, TensorInfo>; backend: WebGPUBackend }): TensorInfo {
  const { x, w, b } = args.inputs;
  const g = validateInputs(x, w, b);
  const program = new Conv3dPoolProgram(g);
  const out = args.backend.runWebGPUProgram(program, [{ ...x, shape: [g.n * g.s, g.h, g.w, g.c] }, { ...w, shape: [g.kd * g.kh * g.kw, g.c, g.co] }, b], 'float32', program.uniformData());
  return { ...out, shape: [g.n, g.pd, g.ph, g.pw, g.co] };
}

export const molConv3dPoolConfig: KernelConfig = {
  kernelName: MolConv3dPool,
  backendName: 'webgpu',
  kernelFunc: molConv3dPool as unknown as KernelFunc,
};
