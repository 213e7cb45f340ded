/**
 * MolCorrelation: FlowNetC correlation (kernel 1, patch 21, dilation 2) / C, then LeakyReLU(0.1), NHWC.
 * One invocation computes 7 consecutive horizontal displacements of one pixel and one displacement row, so each
 * load of a's channel vector feeds 7 dot products; channels are read as vec4 when C % 4 == 0.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { flatDispatch, MolKernelInputError, sameShape, WORKGROUP_SIZE } from './kernel-util';
import { CORR_CHANNELS, CORR_DILATION, CORR_PATCH, CORR_SLOPE } from './correlation.reference';
import { packUniforms, uniformsWgsl, type UniformSpec } from './uniforms';

export const MolCorrelation = 'MolCorrelation';
/** Displacements per invocation along a displacement row (21 = 3 x 7). */
const D = 7;

function validateInputs(a: TensorInfo, b: TensorInfo): [number, number, number, number] {
  if (a.shape.length !== 4) throw new MolKernelInputError(MolCorrelation, `a must be NHWC rank 4, got [${a.shape}]`);
  if (!sameShape(a.shape, b.shape)) throw new MolKernelInputError(MolCorrelation, `a [${a.shape}] and b [${b.shape}] differ`);
  if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new MolKernelInputError(MolCorrelation, 'a and b must be float32');
  return a.shape as [number, number, number, number];
}

const UNIFORMS = [
  { name: 'h', type: 'i32' }, { name: 'w', type: 'i32' }, { name: 'c', type: 'i32' }, { name: 'workItems', type: 'i32' },
  { name: 'invC', type: 'f32' },
] as const satisfies UniformSpec;

export class CorrelationProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize = WORKGROUP_SIZE;
  variableNames = ['a', 'b'];
  variableComponents: number[];
  uniforms = uniformsWgsl(UNIFORMS);
  readonly workItems: number;
  private readonly vec4: boolean;

  constructor(private readonly shape: [number, number, number, number]) {
    const [n, h, w, c] = shape;
    this.outputShape = [n, h, w, CORR_CHANNELS];
    this.vec4 = c % 4 === 0;
    this.variableComponents = this.vec4 ? [4, 4] : [1, 1];
    this.workItems = n * h * w * CORR_PATCH * (CORR_PATCH / D);
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(this.workItems));
    this.shaderKey = `molCorrelation_${this.vec4}`;
  }

  uniformData() {
    const [, h, w, c] = this.shape;
    return packUniforms(UNIFORMS, { h, w, c, workItems: this.workItems, invC: 1 / c });
  }

  getUserCode(): string {
    const ds = [...Array(D).keys()];
    const r = (CORR_PATCH - 1) / 2;
    const step = this.vec4 ? 'uniforms.c / 4' : 'uniforms.c';
    const mul = this.vec4 ? (p: string, q: string) => `dot(${p}, ${q})` : (p: string, q: string) => `${p} * ${q}`;
    return `
      fn main(index : i32) {
        if (index >= uniforms.workItems) { return; }
        let pwb = index % ${CORR_PATCH / D};
        var t = index / ${CORR_PATCH / D};
        let ph = t % ${CORR_PATCH};
        t = t / ${CORR_PATCH};
        let x = t % uniforms.w;
        t = t / uniforms.w;
        let y = t % uniforms.h;
        let n = t / uniforms.h;
        let pix = (n * uniforms.h + y) * uniforms.w + x;
        let yy = y + ${CORR_DILATION} * (ph - ${r});
        let pw0 = pwb * ${D};
        ${ds.map((d) => `var s${d} = 0.0;`).join(' ')}
        if (yy >= 0 && yy < uniforms.h) {
          let row = (n * uniforms.h + yy) * uniforms.w;
          ${ds.map((d) => `
          let xx${d} = x + ${CORR_DILATION} * (pw0 + ${d} - ${r});
          let m${d} = select(0.0, 1.0, xx${d} >= 0 && xx${d} < uniforms.w);
          let bb${d} = (row + clamp(xx${d}, 0, uniforms.w - 1)) * (${step});`).join('')}
          let ab = pix * (${step});
          for (var ci = 0; ci < ${step}; ci++) {
            let av = a[ab + ci];
            ${ds.map((d) => `s${d} += ${mul('av', `b[bb${d} + ci]`)};`).join(' ')}
          }
          ${ds.map((d) => `s${d} *= m${d};`).join(' ')}
        }
        let o = pix * ${CORR_CHANNELS} + ph * ${CORR_PATCH} + pw0;
        ${ds.map((d) => `{ let v = s${d} * uniforms.invC; result[o + ${d}] = select(v * ${CORR_SLOPE}, v, v >= 0.0); }`).join('\n')}
      }
    `;
  }
}

export function molCorrelation(args: { inputs: Record<string, TensorInfo>; backend: WebGPUBackend }): TensorInfo {
  const { a, b } = args.inputs;
  const program = new CorrelationProgram(validateInputs(a, b));
  return args.backend.runWebGPUProgram(program, [a, b], 'float32', program.uniformData());
}

export const molCorrelationConfig: KernelConfig = {
  kernelName: MolCorrelation,
  backendName: 'webgpu',
  kernelFunc: molCorrelation as unknown as KernelFunc,
};
