/**
 * Whole-model harness page: exposes `window.molModelHarness`. It builds the golden recipe weights and input for a
 * seed in the page, runs MolGraph on the real WebGPU adapter (with our WGSL kernels or the stock-ops reference
 * path) and returns the captured tensors already in the golden manifest's layouts, as base64 little-endian bytes.
 */
import * as tf from '@tensorflow/tfjs';
import { buildRecipeWeights, disposeMolWeights, MolGraph, PAPER_CONFIG, referenceOps, RT_CONFIG, withClasses } from '../../model/mol';
import { kernelOps } from '../../model/kernels';
import { recipeInputClip } from '../../model/recipe';
import { GOLDEN_LAYOUTS, toGoldenLayout } from '../../model/golden-layout';
import { setUpWebGpu } from './webgpu-setup';

export interface ModelRunRequest {
  seed: number;
  config: 'paper' | 'rt';
  numClasses?: number;
  ops: 'kernels' | 'reference';
  /** Pairs whose flow is computed (default all 7; [] skips the flow head). */
  flowPairs?: number[];
}

export interface CapturedTensor {
  name: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  layout: string;
  base64: string;
}

export interface ModelRunReport {
  tensors: CapturedTensor[];
  forwardMs: number;
  weightsMs: number;
  gpuErrors: string[];
  leakedTensors: number;
  backend: string;
}

const harness = setUpWebGpu();

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

async function run(req: ModelRunRequest): Promise<ModelRunReport> {
  const { gpuErrors } = await harness;
  const errorsBefore = gpuErrors.length;
  const tensorsBefore = tf.memory().numTensors;
  const base = req.config === 'paper' ? PAPER_CONFIG : RT_CONFIG;
  const config = req.numClasses ? withClasses(base, req.numClasses) : base;
  let t0 = performance.now();
  const weights = buildRecipeWeights(config, req.seed);
  const weightsMs = performance.now() - t0;
  const graph = new MolGraph(weights, req.ops === 'kernels' ? kernelOps : referenceOps);
  const clip = tf.tensor4d(recipeInputClip(req.seed), [8, 128, 128, 1]);
  t0 = performance.now();
  const out = graph.forwardClip(clip, { capture: true, flowPairs: req.flowPairs });
  const captured = out.intermediates!;
  const tensors: CapturedTensor[] = [];
  for (const [name, t] of Object.entries(captured)) {
    const raw = (await t.data()) as Float32Array | Int32Array;
    const g = toGoldenLayout(name, raw, t.shape);
    tensors.push({
      name, dtype: t.dtype === 'int32' ? 'int32' : 'float32', shape: g.shape, layout: GOLDEN_LAYOUTS[name].layout,
      base64: toBase64(new Uint8Array(g.data.buffer, g.data.byteOffset, g.data.byteLength)),
    });
  }
  const forwardMs = performance.now() - t0;
  tf.dispose([clip, out.logits, out.flow, out.ldm, ...Object.values(captured)]);
  disposeMolWeights(weights);
  return {
    tensors, forwardMs, weightsMs, gpuErrors: gpuErrors.slice(errorsBefore),
    leakedTensors: tf.memory().numTensors - tensorsBefore, backend: tf.getBackend(),
  };
}

declare global {
  interface Window {
    molModelHarness: {
      ready: Promise<{ adapterInfo: string }>;
      run(req: ModelRunRequest): Promise<ModelRunReport>;
    };
  }
}

window.molModelHarness = {
  ready: harness.then((h) => ({ adapterInfo: h.adapterInfo })),
  run,
};
