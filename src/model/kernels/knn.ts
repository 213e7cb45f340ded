/**
 * MolKnn: cosine-similarity top-k over the H*W positions of [N, H, W, C] -> int32 [N, H*W, k], descending, self
 * included. Two passes, like the official F.normalize + matmul (near-ties must round the same way): MolKnnNormalize
 * writes v / max(||v||, 1e-12) per position, then one invocation per node scans all positions with vec4 dots and
 * keeps the k best in registers (k is a compile-time constant, the insertion is fully unrolled).
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { flatDispatch, MolKernelInputError, WORKGROUP_SIZE } from './kernel-util';
import { KNN_EPS } from './knn.reference';
import { packUniforms, uniformsWgsl, type UniformSpec } from './uniforms';

export const MolKnn = 'MolKnn';
/** Upper bound on k: the best-k list lives in registers. MOL uses k = 4. */
export const KNN_MAX_K = 16;

export interface KnnAttrs { k: number }

function validateInputs(u: TensorInfo, attrs: KnnAttrs): { n: number; p: number; c: number } {
  if (u.shape.length !== 4) throw new MolKernelInputError(MolKnn, `u must be NHWC rank 4, got [${u.shape}]`);
  if (u.dtype !== 'float32') throw new MolKernelInputError(MolKnn, 'u must be float32');
  const [n, h, w, c] = u.shape;
  if (c % 4 !== 0) throw new MolKernelInputError(MolKnn, `channels must be a multiple of 4, got ${c}`);
  const p = h * w;
  if (!Number.isInteger(attrs.k) || attrs.k < 1 || attrs.k > Math.min(p, KNN_MAX_K)) {
    throw new MolKernelInputError(MolKnn, `k must be an integer in [1, ${Math.min(p, KNN_MAX_K)}], got ${attrs.k}`);
  }
  return { n, p, c };
}

const UNIFORMS = [
  { name: 'rows', type: 'i32' }, { name: 'p', type: 'i32' }, { name: 'cBlocks', type: 'i32' }, { name: 'workItems', type: 'i32' },
] as const satisfies UniformSpec;

export class KnnNormalizeProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey = 'molKnnNormalize';
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize = WORKGROUP_SIZE;
  variableNames = ['u'];
  variableComponents = [4];
  outputComponent = 4;
  uniforms = uniformsWgsl(UNIFORMS);
  readonly workItems: number;

  constructor(private readonly n: number, private readonly p: number, private readonly c: number) {
    this.outputShape = [n, p, c];
    this.workItems = n * p;
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(this.workItems));
  }

  uniformData() {
    return packUniforms(UNIFORMS, { rows: this.n * this.p, p: this.p, cBlocks: this.c / 4, workItems: this.workItems });
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index >= uniforms.workItems) { return; }
        let b = index * uniforms.cBlocks;
        var ss = 0.0;
        for (var c4 = 0; c4 < uniforms.cBlocks; c4++) { let v = u[b + c4]; ss += dot(v, v); }
        let d = max(sqrt(ss), ${KNN_EPS});
        for (var c4 = 0; c4 < uniforms.cBlocks; c4++) { result[b + c4] = u[b + c4] / d; }
      }
    `;
  }
}

export class KnnTopkProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize = WORKGROUP_SIZE;
  variableNames = ['vn'];
  variableComponents = [4];
  uniforms = uniformsWgsl(UNIFORMS);
  readonly workItems: number;

  constructor(private readonly n: number, private readonly p: number, private readonly c: number, private readonly k: number) {
    this.outputShape = [n, p, k];
    this.workItems = n * p;
    this.shaderKey = `molKnnTopk_${k}`;
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(this.workItems));
  }

  uniformData() {
    return packUniforms(UNIFORMS, { rows: this.n * this.p, p: this.p, cBlocks: this.c / 4, workItems: this.workItems });
  }

  getUserCode(): string {
    const ks = [...Array(this.k).keys()];
    // Insert (s, m) below the last slot, then one bubble pass upwards keeps the list sorted (strict > keeps the
    // lower index first on ties, since m only grows).
    const bubble = ks.slice(1).reverse().map((j) => `
            if (bs${j} > bs${j - 1}) { let ts = bs${j}; bs${j} = bs${j - 1}; bs${j - 1} = ts; let ti = bi${j}; bi${j} = bi${j - 1}; bi${j - 1} = ti; }`).join('');
    return `
      fn main(index : i32) {
        if (index >= uniforms.workItems) { return; }
        let n = index / uniforms.p;
        let qb = index * uniforms.cBlocks;
        let rowBase = n * uniforms.p;
        ${ks.map((j) => `var bs${j} = -3.0e38; var bi${j} = -1;`).join(' ')}
        for (var m = 0; m < uniforms.p; m++) {
          let mb = (rowBase + m) * uniforms.cBlocks;
          var s = 0.0;
          for (var c4 = 0; c4 < uniforms.cBlocks; c4++) { s += dot(vn[qb + c4], vn[mb + c4]); }
          if (s > bs${this.k - 1}) {
            bs${this.k - 1} = s; bi${this.k - 1} = m;${bubble}
          }
        }
        let o = index * ${this.k};
        ${ks.map((j) => `result[o + ${j}] = bi${j};`).join(' ')}
      }
    `;
  }
}

export function molKnn(args: { inputs: Record<string, TensorInfo>; backend: WebGPUBackend; attrs: KnnAttrs }): TensorInfo {
  const { u } = args.inputs;
  const { n, p, c } = validateInputs(u, args.attrs);
  const norm = new KnnNormalizeProgram(n, p, c);
  const vn = args.backend.runWebGPUProgram(norm, [u], 'float32', norm.uniformData());
  const topk = new KnnTopkProgram(n, p, c, args.attrs.k);
  const out = args.backend.runWebGPUProgram(topk, [vn], 'int32', topk.uniformData());
  args.backend.disposeData(vn.dataId);
  return out;
}

export const molKnnConfig: KernelConfig = {
  kernelName: MolKnn,
  backendName: 'webgpu',
  kernelFunc: molKnn as unknown as KernelFunc,
};
