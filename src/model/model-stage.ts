/**
 * MOL as a pipeline stage: loads the weights (web weight format with its SHA-256 check, or the untrained golden
 * recipe), builds the graph on our WGSL kernels when tfjs runs on WebGPU and on the stock-ops reference path
 * otherwise, and turns aligned crops into per-frame outputs (`push`) or whole-clip probabilities
 * (`classifyClip`, for classifying spotted events).
 */
import { applyClassBias } from './class-bias';
import * as tf from '@tensorflow/tfjs';
import type { ModelFrameOutput } from '../pipeline/types';
import { MOL_FIXED, RT_CONFIG } from './config';
import { MolLive } from './live';
import { buildRecipeWeights, disposeMolWeights, loadMolWeights, MolGraph, referenceOps, type MolWeights } from './mol';
import { normaliseFrame, parseNormalisation, type Normalisation } from './normalise';
import type { MolOps } from './ops';
import { SHIPPED_WEIGHTS_URL } from './shipped-weights';
import { describeRecipeWeights, describeWeightsMeta, type WeightsDescription } from './weights-notice';

/** Class names of the 3-class head, in logit order (models/README.md). */
export const THREE_CLASSES = ['surprise', 'positive', 'negative'] as const;

const FRAME_STANDARDISE: Normalisation = { kind: 'frame-standardise', eps: 1e-6 };

export interface ModelStageOptions {
  /** model.json URL (web weight format). Default: the shipped weights, unless `recipeSeed` is given. */
  weightsUrl?: string;
  /** Build the untrained golden-recipe weights of the `rt` config with this seed instead of loading a file. */
  recipeSeed?: number;
  /** The tfjs backend in use: 'webgpu' runs our WGSL kernels, anything else the stock-ops reference path. */
  backend: string;
  fetchFn?: typeof fetch;
}

export interface ModelStageInfo {
  weights: WeightsDescription;
  classes: readonly string[];
  configName: string;
  /** 'kernels': our WGSL kernels on WebGPU; 'reference': stock tfjs ops (no WebGPU). */
  ops: 'kernels' | 'reference';
  backend: string;
  /** Per-class log-offsets applied to every probability the stage returns (model.json `classBias`), or null. */
  classBias: readonly number[] | null;
}

export class ModelStageInputError extends Error {
  override readonly name = 'ModelStageInputError';
}

interface OpsChoice {
  ops: MolOps;
  kind: ModelStageInfo['ops'];
  /** Frees what the ops cached per weight set (the kernels' packed FCC parameters). */
  release(w: MolWeights): void;
}

async function opsFor(backend: string): Promise<OpsChoice> {
  if (backend !== 'webgpu') return { ops: referenceOps, kind: 'reference', release: () => {} };
  // Loaded only on WebGPU: the kernel modules are a separate chunk the CPU/WebGL paths never fetch.
  const [{ registerMolKernels, kernelOps }, { releasePackedFcc }] = await Promise.all([import('./kernels'), import('./kernels/kernel-ops')]);
  registerMolKernels();
  return { ops: kernelOps, kind: 'kernels', release: (w) => { releasePackedFcc(w.fcc1); releasePackedFcc(w.fcc2); } };
}

export class ModelStage {
  private readonly live: MolLive;
  private disposed = false;

  private constructor(
    private readonly graph: MolGraph,
    private readonly weights: MolWeights,
    private readonly normalisation: Normalisation,
    private readonly release: (w: MolWeights) => void,
    readonly info: ModelStageInfo,
  ) {
    this.live = new MolLive(graph, info.classes, normalisation);
  }

  static async create(opts: ModelStageOptions): Promise<ModelStage> {
    if (opts.weightsUrl !== undefined && opts.recipeSeed !== undefined) {
      throw new ModelStageInputError('give either weightsUrl or recipeSeed, not both');
    }
    const { ops, kind, release } = await opsFor(opts.backend);
    let weights: MolWeights;
    let classes: readonly string[];
    let normalisation: Normalisation;
    let description: WeightsDescription;
    let classBias: number[] | null = null;
    if (opts.recipeSeed !== undefined) {
      if (!Number.isInteger(opts.recipeSeed) || opts.recipeSeed < 0) throw new ModelStageInputError(`recipeSeed must be a non-negative integer, got ${opts.recipeSeed}`);
      weights = buildRecipeWeights(RT_CONFIG, opts.recipeSeed);
      classes = THREE_CLASSES;
      normalisation = FRAME_STANDARDISE;
      description = describeRecipeWeights(opts.recipeSeed, RT_CONFIG.name);
    } else {
      const loaded = await loadMolWeights(opts.weightsUrl ?? SHIPPED_WEIGHTS_URL, { fetchFn: opts.fetchFn });
      weights = loaded.weights;
      try {
        normalisation = parseNormalisation(loaded.meta.input.normalisation);
      } catch (e) {
        disposeMolWeights(weights);
        throw e;
      }
      classes = loaded.meta.classes;
      classBias = loaded.meta.classBias;
      description = describeWeightsMeta(loaded.meta);
    }
    const info: ModelStageInfo = { weights: description, classes, configName: weights.config.name, ops: kind, backend: opts.backend, classBias };
    return new ModelStage(new MolGraph(weights, ops), weights, normalisation, release, info);
  }

  /** Frames cached towards the next output (0..8); equals the pipeline's window fill. */
  get fill(): number { return this.live.fill; }

  /**
   * One aligned 128x128 gray crop (null: face lost, the stream restarts). Outputs appear once 8 consecutive
   * crops were pushed: probabilities of the last 8 frames, the newest pair's flow, this frame's landmarks.
   */
  async push(crop: Uint8Array | null, frameIndex: number): Promise<ModelFrameOutput | null> {
    this.assertLive();
    const out = await this.live.push(crop);
    if (!out) return null;
    return {
      probabilities: applyClassBias(out.probabilities, this.info.classBias),
      classes: this.info.classes,
      flow: out.flow,
      landmarks68Crop: out.landmarks68,
      weights: { id: this.info.weights.id, trained: this.info.weights.trained },
      frameIndex,
    };
  }

  /** Softmax probabilities of one whole 8-frame clip of aligned crops (a full forward; the flow head is skipped). */
  async classifyClip(crops: readonly Uint8Array[]): Promise<Float32Array> {
    const { probabilities } = await this.forwardCrops(crops, false, 'classifyClip');
    return probabilities;
  }

  /**
   * What `push` gives for the newest of 8 consecutive crops, from one whole forward (no stream state): the
   * window's probabilities, the newest pair's flow and the newest frame's landmarks. For the live model lane
   * (model-lane.ts), which skips windows while busy, so a stream's consecutive frames are not available.
   */
  async windowOutputs(crops: readonly Uint8Array[], frameIndex: number): Promise<ModelFrameOutput> {
    const { probabilities, flow, ldm } = await this.forwardCrops(crops, true, 'windowOutputs');
    const n = MOL_FIXED.landmarks;
    const last = ldm.subarray(ldm.length - 2 * n);
    const landmarks68Crop: [number, number][] = [];
    for (let i = 0; i < n; i++) landmarks68Crop.push([last[2 * i], last[2 * i + 1]]);
    return {
      probabilities, classes: this.info.classes, flow: flow!, landmarks68Crop,
      weights: { id: this.info.weights.id, trained: this.info.weights.trained }, frameIndex,
    };
  }

  private async forwardCrops(crops: readonly Uint8Array[], newestFlow: boolean, what: string): Promise<{ probabilities: Float32Array; flow: Float32Array | null; ldm: Float32Array }> {
    this.assertLive();
    const T = this.graph.config.clipLength;
    const C = MOL_FIXED.crop;
    if (crops.length !== T) throw new ModelStageInputError(`${what} needs ${T} crops, got ${crops.length}`);
    const data = new Float32Array(T * C * C);
    crops.forEach((c, i) => {
      if (c.length !== C * C) throw new ModelStageInputError(`crop ${i} has ${c.length} bytes, expected ${C}x${C} = ${C * C}`);
      data.set(normaliseFrame(c, this.normalisation), i * C * C);
    });
    const clip = tf.tensor4d(data, [T, C, C, 1]);
    let out: ReturnType<MolGraph['forwardClip']> | undefined;
    try {
      out = this.graph.forwardClip(clip, { flowPairs: newestFlow ? [T - 2] : [] });
      const probs = tf.softmax(out.logits);
      try {
        const [p, flow, ldm] = await Promise.all([probs.data(), newestFlow ? out.flow.data() : null, out.ldm.data()]);
        return { probabilities: applyClassBias(p as Float32Array, this.info.classBias), flow: flow as Float32Array | null, ldm: ldm as Float32Array };
      } finally {
        probs.dispose();
      }
    } finally {
      clip.dispose();
      if (out) tf.dispose([out.logits, out.flow, out.ldm]);
    }
  }

  /** Forget the cached frames (new source, face lost). */
  reset(): void {
    if (!this.disposed) void this.live.push(null);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.live.dispose();
    this.release(this.weights);
    disposeMolWeights(this.weights);
  }

  private assertLive(): void {
    if (this.disposed) throw new ModelStageInputError('the model stage was disposed');
  }
}
