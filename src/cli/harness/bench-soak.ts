/**
 * The tensor-leak soak of streaming inference (`npm run bench -- --soak N`): the app's own model stage (MolLive:
 * uint8 crop -> normalise -> MolStream.push -> softmax and read-back -> dispose) on our WGSL kernels on webgpu,
 * N steps after the ring is full, checking tf.memory() after every step. Any step whose tensor count differs
 * from the first one is a leak (or a double dispose) and is counted; bytes are sampled along the way.
 */
import * as tf from '@tensorflow/tfjs';
import { kernelOps } from '../../model/kernels';
import { buildRecipeWeights, disposeMolWeights, MolGraph, PAPER_CONFIG, RT_CONFIG } from '../../model/mol';
import { MolLive } from '../../model/live';
import { median } from './bench-timing';

export interface SoakOptions {
  steps: number;
  config: 'rt' | 'paper';
  /** A memory sample (and a progress line on the console) every this many steps. */
  sampleEvery: number;
}

export interface MemorySample {
  step: number;
  numTensors: number;
  numBytes: number;
  /** webgpu only: bytes of live tensors on the GPU, and bytes the buffer manager holds (in use + pooled). */
  numBytesInGPU?: number;
  numBytesAllocatedInGPU?: number;
}

export interface SoakReport {
  config: string;
  steps: number;
  backend: string;
  /** Memory after the warm-up (ring full, heads run twice), before step 1. */
  start: MemorySample;
  end: MemorySample;
  samples: MemorySample[];
  /** Steps after which numTensors differed from start.numTensors (0 = flat). */
  stepsOffCount: number;
  minTensors: number;
  maxTensors: number;
  medianStepMs: number;
  totalS: number;
}

function sample(step: number): MemorySample {
  const m = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number; numBytesAllocatedInGPU?: number };
  return { step, numTensors: m.numTensors, numBytes: m.numBytes, numBytesInGPU: m.numBytesInGPU, numBytesAllocatedInGPU: m.numBytesAllocatedInGPU };
}

/** 16 distinct deterministic crops (a moving gradient plus hashed noise), cycled through the soak. */
function crops(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let f = 0; f < 16; f++) {
    const c = new Uint8Array(128 * 128);
    for (let i = 0; i < c.length; i++) {
      const y = i >> 7, x = i & 127;
      const h = Math.imul(i ^ (f * 0x9e3779b1), 0x85ebca6b) >>> 24;
      c[i] = (x + 2 * y + 5 * f + (h >> 3)) & 255;
    }
    out.push(c);
  }
  return out;
}

export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  if (tf.getBackend() !== 'webgpu' && !(await tf.setBackend('webgpu'))) throw new Error('backend webgpu unavailable');
  const config = opts.config === 'rt' ? RT_CONFIG : PAPER_CONFIG;
  const weights = buildRecipeWeights(config, 1);
  const classes = Array.from({ length: config.numClasses }, (_, i) => `class${i}`);
  const live = new MolLive(new MolGraph(weights, kernelOps), classes, { kind: 'frame-standardise', eps: 1e-6 });
  const frames = crops();
  try {
    // Warm-up: fill the ring and run the heads twice, so lazily built caches (packed FCC parameters, shaders,
    // pooled GPU buffers) exist before the first measurement.
    let i = 0;
    for (; i < config.clipLength + 1; i++) await live.push(frames[i % frames.length]);
    const start = sample(0);
    const samples: MemorySample[] = [start];
    const ms: number[] = [];
    let stepsOffCount = 0, minTensors = start.numTensors, maxTensors = start.numTensors;
    const t0 = performance.now();
    for (let s = 1; s <= opts.steps; s++, i++) {
      const ts = performance.now();
      const out = await live.push(frames[i % frames.length]);
      ms.push(performance.now() - ts);
      if (!out) throw new Error(`soak step ${s}: MolLive returned no output with a full ring`);
      const n = tf.memory().numTensors;
      if (n !== start.numTensors) stepsOffCount++;
      minTensors = Math.min(minTensors, n); maxTensors = Math.max(maxTensors, n);
      if (s % opts.sampleEvery === 0 || s === opts.steps) {
        const m = sample(s);
        samples.push(m);
        console.log(`[soak] step ${s}/${opts.steps}: numTensors ${m.numTensors}, numBytes ${m.numBytes}, GPU allocated ${m.numBytesAllocatedInGPU ?? '-'}, median step ${median(ms).toFixed(0)} ms`);
      }
    }
    return {
      config: opts.config, steps: opts.steps, backend: tf.getBackend(), start, end: samples[samples.length - 1], samples,
      stepsOffCount, minTensors, maxTensors, medianStepMs: median(ms), totalS: (performance.now() - t0) / 1000,
    };
  } finally {
    live.dispose();
    disposeMolWeights(weights);
  }
}
