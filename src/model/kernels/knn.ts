/**
 * MolKnn: cosine-similarity top-k over the H*W positions of [N, H, W, C] -> int32 [N, H*W, k], descending, self
 * included. Two passes, like the official F.normalize + matmul (near-ties must round the same way): MolKnnNormalize
 * writes v / max(||v||, 1e-12) per position, then each invocation scans all positions for 4 query nodes at once
 * (4 queries x 4 candidates of vec4 dots per step, so every load feeds 4 dot products) and keeps each query's k best
 * in registers (k is a compile-time constant, the insertion is fully unrolled).
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { flatDispatch, MolKernelInputError, WORKGROUP_SIZE } from './kernel-util';
import { KNN_EPS } from './knn.reference';
import { packUniforms, uniformsWgsl, type UniformSpec } from './uniforms';

export const MolKnn = 'MolKnn';
/** Upper bound on k: the best-k list lives in registers. MOL uses k = 4. */
export const KNN_MAX_K = 16;

/** Register block of the top-k pass: `queries` query nodes x `candidates` candidate nodes scored per step. */
export interface KnnBlock { queries: 1 | 2 | 4 | 8; candidates: 1 | 2 | 4 | 8 }

export interface KnnAttrs {
  k: number;
  /** Block override (tests and benchmarks); KNN_DEFAULT_BLOCK otherwise. */
  block?: KnnBlock;
}

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

/** Each candidate load feeds `queries` dot products and each query load `candidates`. */
export const KNN_DEFAULT_BLOCK: KnnBlock = { queries: 4, candidates: 4 };
/** Small workgroups: one frame has only P / queries invocations, and SwiftShader spreads workgroups over cores. */
const KNN_WORKGROUP = 16;

export class KnnTopkProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [KNN_WORKGROUP, 1, 1];
  variableNames = ['vn'];
  variableComponents = [4];
  uniforms = uniformsWgsl(UNIFORMS);
  readonly workItems: number;

  constructor(private readonly n: number, private readonly p: number, private readonly c: number, private readonly k: number,
    private readonly block: KnnBlock = KNN_DEFAULT_BLOCK) {
    this.outputShape = [n, p, k];
    this.workItems = n * Math.ceil(p / block.queries);
    this.shaderKey = `molKnnTopk_${k}_${block.queries}x${block.candidates}`;
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(this.workItems, KNN_WORKGROUP));
  }

  uniformData() {
    return packUniforms(UNIFORMS, { rows: this.n * this.p, p: this.p, cBlocks: this.c / 4, workItems: this.workItems });
  }

  getUserCode(): string {
    const ks = [...Array(this.k).keys()];
    const Q = this.block.queries;
    const C = this.block.candidates;
    const qs = [...Array(Q).keys()];
    const js = [...Array(C).keys()];
    const last = this.k - 1;
    // Per query: insert (s, m) below the last slot, then one bubble pass upwards keeps the list sorted. Candidates are
    // offered in ascending m and the comparison is strict, so the lower index stays first on ties. Every similarity is
    // the same sequence of vec4 dots in the same order as a one-query scan, so blocking changes no rounding.
    const insert = (q: number, j: number) => `
          if (s${q}_${j} > bs${q}_${last} && m${j} < uniforms.p) {
            bs${q}_${last} = s${q}_${j}; bi${q}_${last} = m${j};${ks.slice(1).reverse().map((t) => `
            if (bs${q}_${t} > bs${q}_${t - 1}) { let ts = bs${q}_${t}; bs${q}_${t} = bs${q}_${t - 1}; bs${q}_${t - 1} = ts; let ti = bi${q}_${t}; bi${q}_${t} = bi${q}_${t - 1}; bi${q}_${t - 1} = ti; }`).join('')}
          }`;
    return `
      fn main(index : i32) {
        if (index >= uniforms.workItems) { return; }
        let qBlocks = (uniforms.p + ${Q - 1}) / ${Q};
        let n = index / qBlocks;
        let q0 = (index % qBlocks) * ${Q};
        let rowBase = n * uniforms.p;
        ${qs.map((q) => `let qb${q} = (rowBase + min(q0 + ${q}, uniforms.p - 1)) * uniforms.cBlocks;`).join('\n')}
        ${qs.map((q) => ks.map((j) => `var bs${q}_${j} = -3.0e38; var bi${q}_${j} = -1;`).join(' ')).join('\n')}
        for (var m0 = 0; m0 < uniforms.p; m0 += ${C}) {
          ${js.map((j) => `let m${j} = m0 + ${j}; let mb${j} = (rowBase + min(m${j}, uniforms.p - 1)) * uniforms.cBlocks;`).join('\n')}
          ${qs.map((q) => js.map((j) => `var s${q}_${j} = 0.0;`).join(' ')).join('\n')}
          for (var c4 = 0; c4 < uniforms.cBlocks; c4++) {
            ${qs.map((q) => `let a${q} = vn[qb${q} + c4];`).join(' ')}
            ${js.map((j) => `let b${j} = vn[mb${j} + c4];`).join(' ')}
            ${qs.map((q) => js.map((j) => `s${q}_${j} += dot(a${q}, b${j});`).join(' ')).join('\n')}
          }
          ${js.map((j) => qs.map((q) => insert(q, j)).join('')).join('')}
        }
        ${qs.map((q) => `if (q0 + ${q} < uniforms.p) {
          let o = (rowBase + q0 + ${q}) * ${this.k};
          ${ks.map((j) => `result[o + ${j}] = bi${q}_${j};`).join(' ')}
        }`).join('\n')}
      }
    `;
  }
}

export function molKnn(args: { inputs: Record<string, TensorInfo>; backend: WebGPUBackend; attrs: KnnAttrs }): TensorInfo {
  const { u } = args.inputs;
  const { n, p, c } = validateInputs(u, args.attrs);
  const norm = new KnnNormalizeProgram(n, p, c);
  const vn = args.backend.runWebGPUProgram(norm, [u], 'float32', norm.uniformData());
  const block = args.attrs.block ?? KNN_DEFAULT_BLOCK;
  if (![1, 2, 4, 8].includes(block.queries) || ![1, 2, 4, 8].includes(block.candidates)) throw new MolKernelInputError(MolKnn, `unsupported block ${JSON.stringify(block)}`);
  const topk = new KnnTopkProgram(n, p, c, args.attrs.k, block);
  const out = args.backend.runWebGPUProgram(topk, [vn], 'int32', topk.uniformData());
  args.backend.disposeData(vn.dataId);
  return out;
}

export const molKnnConfig: KernelConfig = {
  kernelName: MolKnn,
  backendName: 'webgpu',
  kernelFunc: molKnn as unknown as KernelFunc,
};
