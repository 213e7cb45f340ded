/**
 * Streaming (src/model/streaming.ts) against whole-clip inference on the tfjs CPU backend, with the real
 * graph and the rt configuration: outputs must equal forwardClip on the last 8 frames, and the tensor count
 * must stay flat over 1,000 steps.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRecipeWeights, disposeMolWeights, MolClipShapeError, MolGraph, MolStreamDisposedError, referenceOps, RT_CONFIG, type MolWeights } from './mol';
import { recipeInputClip } from './recipe';
import { relL2 } from './golden-layout';

const FRAME = 128 * 128;

/** 16 distinct frames: the recipe clips of seeds 7 and 8 back to back. */
function frames(): Float32Array[] {
  const out: Float32Array[] = [];
  for (const seed of [7, 8]) {
    const clip = recipeInputClip(seed);
    for (let t = 0; t < 8; t++) out.push(clip.slice(t * FRAME, (t + 1) * FRAME));
  }
  return out;
}

describe('MolStream (rt config, tfjs CPU backend)', () => {
  let weights: MolWeights;
  let graph: MolGraph;
  const fr = frames();

  beforeAll(async () => {
    await tf.setBackend('cpu');
    weights = buildRecipeWeights(RT_CONFIG, 5);
    graph = new MolGraph(weights, referenceOps);
  }, 120_000);

  afterAll(() => disposeMolWeights(weights));

  it('equals forwardClip on the last 8 frames after 8 and after 12 pushes', async () => {
    const stream = graph.createStream();
    for (let n = 1; n <= 12; n++) {
      const frame = tf.tensor3d(fr[n - 1], [128, 128, 1]);
      const step = stream.push(frame);
      frame.dispose();
      if (n < 8) { expect(step).toBeNull(); continue; }
      expect(step).not.toBeNull();
      if (n !== 8 && n !== 12) { tf.dispose(step!); continue; }
      const clipData = new Float32Array(8 * FRAME);
      for (let t = 0; t < 8; t++) clipData.set(fr[n - 8 + t], t * FRAME);
      const clip = tf.tensor4d(clipData, [8, 128, 128, 1]);
      const full = graph.forwardClip(clip, { flowPairs: [6] });
      const ldmFull = tf.slice(full.ldm, 6, 1);
      expect(step!.logits.shape).toEqual([1, RT_CONFIG.numClasses]);
      expect(step!.flow.shape).toEqual([1, 128, 128, 2]);
      expect(step!.ldm.shape).toEqual([1, 136]);
      expect(relL2(await step!.logits.data(), await full.logits.data())).toBeLessThanOrEqual(1e-6);
      expect(relL2(await step!.flow.data(), await full.flow.data())).toBeLessThanOrEqual(1e-6);
      expect(relL2(await step!.ldm.data(), await ldmFull.data())).toBeLessThanOrEqual(1e-6);
      tf.dispose([clip, full.logits, full.flow, full.ldm, ldmFull, step!.logits, step!.flow, step!.ldm]);
    }
    stream.dispose();
  }, 300_000);

  it('rejects a wrongly shaped frame and use after dispose with named errors', () => {
    const stream = graph.createStream();
    const bad = tf.zeros([64, 64, 1]) as tf.Tensor3D;
    expect(() => stream.push(bad)).toThrow(MolClipShapeError);
    bad.dispose();
    stream.dispose();
    const ok = tf.zeros([128, 128, 1]) as tf.Tensor3D;
    expect(() => stream.push(ok)).toThrow(MolStreamDisposedError);
    ok.dispose();
  });

  it('keeps tf.memory().numTensors flat on every step (10 in CI, MOL_STREAM_STEPS=1000 for the soak)', () => {
    // Every step is checked, so a per-step leak shows at once; CI runs 10 steps (about 1.5 s of CPU each on tfjs-cpu),
    // MOL_STREAM_STEPS=1000 runs the full soak.
    const STEPS = Number(process.env.MOL_STREAM_STEPS ?? 10);
    const stream = graph.createStream();
    const inputs = fr.map((f) => tf.tensor3d(f, [128, 128, 1]));
    const push = (i: number) => { const out = stream.push(inputs[i % inputs.length]); if (out) tf.dispose([out.logits, out.flow, out.ldm]); };
    for (let i = 0; i < 9; i++) push(i); // fill the ring and run the heads once (caches, e.g. the correlation index)
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    for (let i = 9; i < 9 + STEPS; i++) {
      push(i);
      expect(tf.memory().numTensors).toBe(before);
    }
    const ms = (performance.now() - t0) / STEPS;
    expect(tf.memory().numTensors).toBe(before);
    stream.reset();
    stream.dispose();
    tf.dispose(inputs);
    console.log(`MolStream rt on tfjs-cpu: ${ms.toFixed(1)} ms per step over ${STEPS} steps`);
  }, 1_800_000);
});
