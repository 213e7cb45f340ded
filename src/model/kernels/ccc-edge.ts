/**
 * MolCccEdge: MOL's CCC edge function and max aggregation, optionally with the F5C residual (the fused CCC).
 * Using Φ(g_j − 2v) = Φg_j − 2Φv and max_j ReLU(a + x_j) = ReLU(a + max_j x_j), it computes
 *   A = (Θ − 2Φ)v + bθ + bφ   once, and   G_j = Φ g_j   for each neighbour slot j,
 * so the work is (k + 1) matrix-vector products per channel instead of the official 2k. An invocation owns 4 output
 * nodes x 4 channels: Θ/Φ rows are read as vec4 along the input node axis and u as vec4 along channels, with all
 * k + 1 accumulator blocks in registers (k is a compile-time constant).
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

export class CccEdgeProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize = WORKGROUP_SIZE;
  variableNames = ['u', 'nbr', 'theta', 'thetaBias', 'phi', 'phiBias'];
  variableComponents = [4, 1, 4, 4, 4, 4];
  uniforms = uniformsWgsl(UNIFORMS);
  readonly workItems: number;

  constructor(private readonly g: { n: number; p: number; c: number; k: number }, private readonly residual: boolean, outShape: number[]) {
    this.outputShape = outShape.slice();
    this.workItems = g.n * (g.p / 4) * (g.c / 4);
    this.shaderKey = `molCccEdge_${g.k}_${residual}`;
    ({ dispatchLayout: this.dispatchLayout, dispatch: this.dispatch } = flatDispatch(this.workItems));
  }

  uniformData() {
    const { p, c } = this.g;
    return packUniforms(UNIFORMS, { p, pBlocks: p / 4, cBlocks: c / 4, workItems: this.workItems });
  }

  getUserCode(): string {
    const K = this.g.k;
    const js = [...Array(K).keys()];
    const os = [0, 1, 2, 3];
    const qs = [0, 1, 2, 3];
    const comp = ['x', 'y', 'z', 'w'];
    return `
      fn main(index : i32) {
        if (index >= uniforms.workItems) { return; }
        let c4 = index % uniforms.cBlocks;
        var t = index / uniforms.cBlocks;
        let ob = t % uniforms.pBlocks;
        let n = t / uniforms.pBlocks;
        let o0 = ob * 4;
        let nodeBase = n * uniforms.p;
        ${os.map((o) => `var a${o} = vec4<f32>(0.0);`).join(' ')}
        ${js.map((j) => os.map((o) => `var g${j}_${o} = vec4<f32>(0.0);`).join(' ')).join('\n')}
        for (var m4 = 0; m4 < uniforms.pBlocks; m4++) {
          ${os.map((o) => `let th${o} = theta[(o0 + ${o}) * uniforms.pBlocks + m4]; let ph${o} = phi[(o0 + ${o}) * uniforms.pBlocks + m4];`).join('\n')}
          ${qs.map((q) => `{
            let m = m4 * 4 + ${q};
            let v = u[(nodeBase + m) * uniforms.cBlocks + c4];
            ${os.map((o) => `a${o} += (th${o}.${comp[q]} - 2.0 * ph${o}.${comp[q]}) * v;`).join(' ')}
            let nb = (nodeBase + m) * ${K};
            ${js.map((j) => `{
              let gv = u[(nodeBase + nbr[nb + ${j}]) * uniforms.cBlocks + c4];
              ${os.map((o) => `g${j}_${o} += ph${o}.${comp[q]} * gv;`).join(' ')}
            }`).join('\n')}
          }`).join('\n')}
        }
        let bias = thetaBias[ob] + phiBias[ob];
        ${os.map((o) => `{
          var best = g0_${o};
          ${js.slice(1).map((j) => `best = max(best, g${j}_${o});`).join(' ')}
          let oi = (nodeBase + o0 + ${o}) * uniforms.cBlocks + c4;
          var y = max(a${o} + bias.${comp[o]} + best, vec4<f32>(0.0));
          ${this.residual ? 'y = y + u[oi];' : ''}
          result[oi * 4] = y.x; result[oi * 4 + 1] = y.y; result[oi * 4 + 2] = y.z; result[oi * 4 + 3] = y.w;
        }`).join('\n')}
      }
    `;
  }
}

export function molCccEdge(args: { inputs: Record<string, TensorInfo>; backend: WebGPUBackend; attrs: CccEdgeAttrs }): TensorInfo {
  const g = validateInputs(args.inputs);
  const { u, nbr, theta, thetaBias, phi, phiBias } = args.inputs;
  // Output node o is position (o // W, o % W): the result has u's NHWC shape.
  const program = new CccEdgeProgram(g, args.attrs.residual, u.shape);
  return args.backend.runWebGPUProgram(program, [u, nbr, theta, thetaBias, phi, phiBias], 'float32', program.uniformData());
}

export const molCccEdgeConfig: KernelConfig = {
  kernelName: MolCccEdge,
  backendName: 'webgpu',
  kernelFunc: molCccEdge as unknown as KernelFunc,
};
