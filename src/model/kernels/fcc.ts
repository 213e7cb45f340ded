/**
 * MolFcc: the whole FCC of one F5C block in one kernel (PE add + folded BN + two circular 1-D convs per branch +
 * residual), on [N, 16, 16, C]. An invocation owns one output line of 4 channels: a row for branch a (its last conv
 * runs along W), a column for branch b. The line's 16 intermediate values stay in registers, so the first conv is
 * computed exactly once per value and the second reads no memory but its taps.
 * The 16 parameter tensors are packed once into [2, 68, C/2] (packFccParams) so the kernel needs 2 bindings, not 17
 * (WebGPU guarantees only 8 storage buffers per stage).
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { FccBranch, FccParams } from '../ops';
import { flatDispatch, MolKernelInputError, WORKGROUP_SIZE } from './kernel-util';
import { FCC_SIZE } from './fcc.reference';
import { packUniforms, uniformsWgsl, type UniformSpec } from './uniforms';

export const MolFcc = 'MolFcc';

/** Row offsets inside one branch's packed [68, half] block. */
const ROW = { pe1: 0, k1: 16, pe2: 32, k2: 48, bnScale: 64, bnShift: 65, b1: 66, b2: 67 } as const;
export const FCC_PACKED_ROWS = 68;

/** Packs both branches into [2, 68, half] in ROW order. The caller owns (and disposes) the result. */
export function packFccParams(p: FccParams): tf.Tensor3D {
  return tf.tidy(() => {
    const branch = (b: FccBranch) => tf.concat([
      b.pe1, b.k1, b.pe2, b.k2,
      tf.reshape(b.bnScale, [1, -1]), tf.reshape(b.bnShift, [1, -1]), tf.reshape(b.b1, [1, -1]), tf.reshape(b.b2, [1, -1]),
    ], 0);
    return tf.stack([branch(p.a), branch(p.b)]) as tf.Tensor3D;
  });
}

function validateInputs(x: TensorInfo, params: TensorInfo): { n: number; half: number } {
  const [n, h, w, c] = x.shape;
  if (x.shape.length !== 4 || h !== FCC_SIZE || w !== FCC_SIZE || c % 8 !== 0) {
    throw new MolKernelInputError(MolFcc, `x must be [N, 16, 16, C] with C a multiple of 8, got [${x.shape}]`);
  }
  const half = c / 2;
  if (params.shape.length !== 3 || params.shape[0] !== 2 || params.shape[1] !== FCC_PACKED_ROWS || params.shape[2] !== half) {
    throw new MolKernelInputError(MolFcc, `packed params must be [2, ${FCC_PACKED_ROWS}, ${half}], got [${params.shape}] (use packFccParams)`);
  }
  if (x.dtype !== 'float32' || params.dtype !== 'float32') throw new MolKernelInputError(MolFcc, 'x and params must be float32');
  return { n, half };
}

const UNIFORMS = [
  { name: 'halfBlocks', type: 'i32' }, { name: 'workItems', type: 'i32' },
] as const satisfies UniformSpec;

export class FccProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey = 'molFcc';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize = WORKGROUP_SIZE;
  variableNames = ['x', 'params'];
  variableComponents = [4, 4];
  uniforms = uniformsWgsl(UNIFORMS);
  readonly workItems: number;

  constructor(private readonly n: number, private readonly half: number) {
    this.outputShape = [n, FCC_SIZE, FCC_SIZE, 2 * half];
    this.workItems = n * 2 * FCC_SIZE * (half / 4);
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(this.workItems));
  }

  uniformData() {
    return packUniforms(UNIFORMS, { halfBlocks: this.half / 4, workItems: this.workItems });
  }

  getUserCode(): string {
    const S = FCC_SIZE;
    const qs = [...Array(S).keys()];
    return `
      fn param(branch : i32, row : i32, c4 : i32) -> vec4<f32> {
        return params[(branch * ${FCC_PACKED_ROWS} + row) * uniforms.halfBlocks + c4];
      }
      fn main(index : i32) {
        if (index >= uniforms.workItems) { return; }
        let c4 = index % uniforms.halfBlocks;
        var t = index / uniforms.halfBlocks;
        let line = t % ${S};
        t = t / ${S};
        let branch = t % 2;
        let n = t / 2;
        // Branch a: q runs along W (col), the line is a row; branch b: q runs along H, the line is a column.
        let alongStride = select(${S}, 1, branch == 0);
        let acrossStride = select(1, ${S}, branch == 0);
        let pixStride = 2 * uniforms.halfBlocks;
        let base = n * ${S * S} * pixStride + branch * uniforms.halfBlocks + c4;
        let s = param(branch, ${ROW.bnScale}, c4);
        let sh = param(branch, ${ROW.bnShift}, c4);
        ${qs.map((q) => `var y${q} = vec4<f32>(0.0);`).join(' ')}
        for (var tap = 0; tap < ${S}; tap++) {
          let r = (line + tap) % ${S};
          let k = param(branch, ${ROW.k1} + tap, c4);
          let p = param(branch, ${ROW.pe1} + r, c4);
          let rb = base + r * acrossStride * pixStride;
          ${qs.map((q) => `y${q} += k * ((x[rb + ${q} * alongStride * pixStride] + p) * s + sh);`).join('\n')}
        }
        let b1 = param(branch, ${ROW.b1}, c4);
        ${qs.map((q) => `y${q} += b1 + param(branch, ${ROW.pe2 + q}, c4);`).join('\n')}
        let b2 = param(branch, ${ROW.b2}, c4);
        ${qs.map((q) => `var o${q} = b2;`).join(' ')}
        ${qs.map((tap) => `{
          let k = param(branch, ${ROW.k2 + tap}, c4);
          ${qs.map((q) => `o${q} += k * y${(q + tap) % S};`).join(' ')}
        }`).join('\n')}
        let lb = base + line * acrossStride * pixStride;
        ${qs.map((q) => `{
          let i = lb + ${q} * alongStride * pixStride;
          let v = x[i] + o${q};
          result[i * 4] = v.x; result[i * 4 + 1] = v.y; result[i * 4 + 2] = v.z; result[i * 4 + 3] = v.w;
        }`).join('\n')}
      }
    `;
  }
}

export function molFcc(args: { inputs: Record<string, TensorInfo>; backend: WebGPUBackend }): TensorInfo {
  const { x, params } = args.inputs;
  const { n, half } = validateInputs(x, params);
  const program = new FccProgram(n, half);
  return args.backend.runWebGPUProgram(program, [x, params], 'float32', program.uniformData());
}

export const molFccConfig: KernelConfig = {
  kernelName: MolFcc,
  backendName: 'webgpu',
  kernelFunc: molFcc as unknown as KernelFunc,
};
