/**
 * MolCccEdge: MOL's CCC edge function and max aggregation, optionally with the F5C residual (the fused CCC).
 * Since Θv + Φ(v[nbr_j] − 2v) = W_j v with W_j = Θ − 2Φ + Φ·S_j, where S_j is the 0/1 matrix that gathers
 * neighbour slot j (S_j[m, nbr[m, j]] = 1), the op is k dense matrix products followed by an element-wise max:
 *   y[o, c] = ReLU( max_j (W_j v_c)[o] + bθ[o] + bφ[o] )        (max_j ReLU(a_j + b) = ReLU(max_j a_j + b))
 * Pass 1 (CccMixProgram) builds W_j per frame: one invocation owns row o of every W_j and scatters Φ's row into it,
 * so no two invocations write the same element. Pass 2 (CccEdgeProgram) is a register-blocked matmul: 4 output nodes
 * x 8 channels per invocation (4 when C % 8 != 0), W_j rows read as vec4 along the input node axis, all k accumulator blocks in registers
 * (k is a compile-time constant). No data-dependent (gathered) loads remain in the hot loop.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { flatDispatch, MolKernelInputError, WORKGROUP_SIZE } from './kernel-util';
import { KNN_MAX_K } from './knn';
import { packUniforms, uniformsWgsl, type UniformSpec } from './uniforms';

export const MolCccEdge = 'MolCccEdge';

export interface CccEdgeAttrs {
  /** Add u to the result (the F5C residual), making this the fused CCC tail. */
  residual: boolean;
  /** Channel vec4s per invocation of the edge pass (benchmarks); 2 when C % 8 == 0, else 1. */
  vec4s?: 1 | 2;
}

function validateInputs(inputs: Record<string, TensorInfo>): { n: number; p: number; c: number; k: number } {
  const { u, nbr, theta, thetaBias, phi, phiBias } = inputs;
  const fail = (m: string) => { throw new MolKernelInputError(MolCccEdge, m); };
  if (!u || !nbr || !theta || !thetaBias || !phi || !phiBias) fail('needs u, nbr, theta, thetaBias, phi, phiBias');
  if (u.shape.length !== 4 || u.dtype !== 'float32') fail(`u must be float32 NHWC, got ${u.dtype} [${u.shape}]`);
  const [n, h, w, c] = u.shape;
  const p = h * w;
  if (c % 4 !== 0 || p % 4 !== 0) fail(`channels and node count must be multiples of 4, got C=${c}, H*W=${p}`);
  if (nbr.dtype !== 'int32' || nbr.shape.length !== 3 || nbr.shape[0] !== n || nbr.shape[1] !== p) fail(`nbr must be int32 [${n}, ${p}, k], got ${nbr.dtype} [${nbr.shape}]`);
  const k = nbr.shape[2];
  if (k < 1 || k > KNN_MAX_K) fail(`k must be in [1, ${KNN_MAX_K}], got ${k}`);
  for (const [name, t] of [['theta', theta], ['phi', phi]] as const) {
    if (t.shape.length !== 2 || t.shape[0] !== p || t.shape[1] !== p || t.dtype !== 'float32') fail(`${name} must be float32 [${p}, ${p}], got [${t.shape}]`);
  }
  for (const [name, t] of [['thetaBias', thetaBias], ['phiBias', phiBias]] as const) {
    if (t.shape.length !== 1 || t.shape[0] !== p || t.dtype !== 'float32') fail(`${name} must be float32 [${p}], got [${t.shape}]`);
  }
  return { n, p, c, k };
}

const UNIFORMS = [
  { name: 'p', type: 'i32' }, { name: 'pBlocks', type: 'i32' }, { name: 'cBlocks', type: 'i32' }, { name: 'workItems', type: 'i32' },
] as const satisfies UniformSpec;

interface CccGeometry { n: number; p: number; c: number; k: number }

/** Both CCC passes share one uniform layout, filled from the geometry. */
function cccUniformData(g: CccGeometry, workItems: number) {
  return packUniforms(UNIFORMS, { p: g.p, pBlocks: g.p / 4, cBlocks: g.c / 4, workItems });
}

export class CccMixProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize = WORKGROUP_SIZE;
  variableNames = ['nbr', 'theta', 'phi'];
  variableComponents = [1, 1, 1];
  uniforms = uniformsWgsl(UNIFORMS);
  readonly workItems: number;

  constructor(private readonly g: CccGeometry) {
    this.outputShape = [g.n, g.k, g.p, g.p];
    this.workItems = g.n * g.p;
    this.shaderKey = `molCccMix_${g.k}`;
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(this.workItems));
  }

  uniformData() {
    return cccUniformData(this.g, this.workItems);
  }

  getUserCode(): string {
    const K = this.g.k;
    return `
      fn main(index : i32) {
        if (index >= uniforms.workItems) { return; }
        let o = index % uniforms.p;
        let n = index / uniforms.p;
        let row = o * uniforms.p;
        for (var j = 0; j < ${K}; j++) {
          let wb = ((n * ${K} + j) * uniforms.p + o) * uniforms.p;
          for (var m = 0; m < uniforms.p; m++) { result[wb + m] = theta[row + m] - 2.0 * phi[row + m]; }
          for (var m = 0; m < uniforms.p; m++) {
            let dst = wb + nbr[(n * uniforms.p + m) * ${K} + j];
            result[dst] = result[dst] + phi[row + m];
          }
        }
      }
    `;
  }
}

/** Channel vec4s per invocation of the edge pass: each W_j load feeds 4*CCC_VEC4S channels. */
const CCC_VEC4S = 2;

export class CccEdgeProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize = WORKGROUP_SIZE;
  variableNames = ['u', 'wj', 'thetaBias', 'phiBias'];
  variableComponents = [4, 4, 4, 4];
  uniforms = uniformsWgsl(UNIFORMS);
  readonly workItems: number;
  /** Channel vec4s per invocation: CCC_VEC4S when C splits into such blocks, else 1. */
  private readonly vec4s: number;

  constructor(private readonly g: CccGeometry, private readonly residual: boolean, outShape: number[], vec4s?: 1 | 2) {
    this.outputShape = outShape.slice();
    this.vec4s = vec4s ?? ((g.c / 4) % CCC_VEC4S === 0 ? CCC_VEC4S : 1);
    if ((g.c / 4) % this.vec4s !== 0) throw new MolKernelInputError(MolCccEdge, `${g.c} channels do not split into blocks of ${4 * this.vec4s}`);
    this.workItems = g.n * (g.p / 4) * (g.c / (4 * this.vec4s));
    this.shaderKey = `molCccEdge_${g.k}_${residual}_${this.vec4s}`;
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(this.workItems));
  }

  uniformData() {
    return cccUniformData(this.g, this.workItems);
  }

  getUserCode(): string {
    const K = this.g.k;
    const V = this.vec4s;
    const js = [...Array(K).keys()];
    const os = [0, 1, 2, 3];
    const qs = [0, 1, 2, 3];
    const vs = [...Array(V).keys()];
    const comp = ['x', 'y', 'z', 'w'];
    const acc = (j: number, o: number, v: number) => `a${j}_${o}_${v}`;
    return `
      fn main(index : i32) {
        if (index >= uniforms.workItems) { return; }
        let cGroups = uniforms.cBlocks / ${V};
        let c4 = (index % cGroups) * ${V};
        var t = index / cGroups;
        let ob = t % uniforms.pBlocks;
        let n = t / uniforms.pBlocks;
        let o0 = ob * 4;
        let nodeBase = n * uniforms.p;
        ${js.map((j) => os.map((o) => vs.map((v) => `var ${acc(j, o, v)} = vec4<f32>(0.0);`).join(' ')).join(' ')).join('\n')}
        for (var m4 = 0; m4 < uniforms.pBlocks; m4++) {
          ${qs.map((q) => vs.map((v) => `let v${q}_${v} = u[(nodeBase + m4 * 4 + ${q}) * uniforms.cBlocks + c4 + ${v}];`).join(' ')).join('\n')}
          ${js.map((j) => os.map((o) => `{
            let wv = wj[((n * ${K} + ${j}) * uniforms.p + o0 + ${o}) * uniforms.pBlocks + m4];
            ${vs.map((v) => `${acc(j, o, v)} += wv.x * v0_${v} + wv.y * v1_${v} + wv.z * v2_${v} + wv.w * v3_${v};`).join(' ')}
          }`).join('\n')).join('\n')}
        }
        let bias = thetaBias[ob] + phiBias[ob];
        ${os.map((o) => vs.map((v) => `{
          var best = ${acc(0, o, v)};
          ${js.slice(1).map((j) => `best = max(best, ${acc(j, o, v)});`).join(' ')}
          let oi = (nodeBase + o0 + ${o}) * uniforms.cBlocks + c4 + ${v};
          var y = max(best + bias.${comp[o]}, vec4<f32>(0.0));
          ${this.residual ? 'y = y + u[oi];' : ''}
          result[oi * 4] = y.x; result[oi * 4 + 1] = y.y; result[oi * 4 + 2] = y.z; result[oi * 4 + 3] = y.w;
        }`).join('\n')).join('\n')}
      }
    `;
  }
}

export function molCccEdge(args: { inputs: Record<string, TensorInfo>; backend: WebGPUBackend; attrs: CccEdgeAttrs }): TensorInfo {
  const g = validateInputs(args.inputs);
  const { u, nbr, theta, thetaBias, phi, phiBias } = args.inputs;
  // Output node o is position (o // W, o % W): the result has u's NHWC shape.
  const mixProgram = new CccMixProgram(g);
  const mix = args.backend.runWebGPUProgram(mixProgram, [nbr, theta, phi], 'float32', mixProgram.uniformData());
  const program = new CccEdgeProgram(g, args.attrs.residual, u.shape, args.attrs.vec4s);
  const out = args.backend.runWebGPUProgram(program, [u, mix, thetaBias, phiBias], 'float32', program.uniformData());
  args.backend.disposeData(mix.dataId);
  return out;
}

export const molCccEdgeConfig: KernelConfig = {
  kernelName: MolCccEdge,
  backendName: 'webgpu',
  kernelFunc: molCccEdge as unknown as KernelFunc,
};
