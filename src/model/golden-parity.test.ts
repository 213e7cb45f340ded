/**
 * Whole-model parity of the stock-ops reference path on the tfjs CPU backend against shared/golden (seed 1,
 * paper config, official forward). The flow head (91% of the model's 16 GMACs) runs for pair 0 only to keep
 * CI time down; the WebGPU spec (e2e/model-golden.gpu.spec.ts) covers all 7 pairs.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRecipeWeights, disposeMolWeights, MolGraph, PAPER_CONFIG, referenceOps, type MolWeights } from './mol';
import { recipeInputClip } from './recipe';
import { GOLDEN_NAMES, knnSetMismatches, relL2, toGoldenLayout } from './golden-layout';
import { readGoldenTensor } from '../cli/golden-fixtures';

const TOL = 1e-5;

/** Golden flow [1,2,128,128,7] -> the same layout restricted to one pair. */
function goldenFlowPair(data: Float32Array, p: number): Float32Array {
  const out = new Float32Array(data.length / 7);
  for (let i = 0; i < out.length; i++) out[i] = data[i * 7 + p];
  return out;
}

describe('MOL reference graph on the tfjs CPU backend vs shared/golden (seed 1)', () => {
  let weights: MolWeights;
  let captured: Record<string, { data: Float32Array | Int32Array; shape: number[] }> = {};

  beforeAll(async () => {
    await tf.setBackend('cpu');
    weights = buildRecipeWeights(PAPER_CONFIG, 1);
    const graph = new MolGraph(weights, referenceOps);
    const clip = tf.tensor4d(recipeInputClip(1), [8, 128, 128, 1]);
    const out = graph.forwardClip(clip, { capture: true, flowPairs: [0] });
    for (const [name, t] of Object.entries(out.intermediates!)) {
      captured[name] = toGoldenLayout(name, (await t.data()) as Float32Array | Int32Array, t.shape);
    }
    tf.dispose([clip, out.logits, out.flow, out.ldm, ...Object.values(out.intermediates!)]);
  }, 600_000);

  afterAll(() => { disposeMolWeights(weights); captured = {}; });

  it('captures every golden tensor', () => {
    expect(Object.keys(captured).sort()).toEqual([...GOLDEN_NAMES].sort());
  });

  it('selects the golden kNN neighbour sets in all 14 calls', () => {
    const gold = readGoldenTensor(1, 'knn_idx_all');
    expect(captured.knn_idx_all.shape).toEqual(gold.meta.shape);
    expect(knnSetMismatches(captured.knn_idx_all.data as Int32Array, gold.data as Int32Array, 4)).toEqual([]);
  });

  for (const name of GOLDEN_NAMES.filter((n) => n !== 'knn_idx_all' && n !== 'flow')) {
    it(`${name} within relative L2 ${TOL}`, () => {
      const gold = readGoldenTensor(1, name);
      expect(captured[name].shape).toEqual(gold.meta.shape);
      expect(relL2(captured[name].data, gold.data)).toBeLessThanOrEqual(TOL);
    });
  }

  it(`flow of pair 0 within relative L2 ${TOL}`, () => {
    const gold = readGoldenTensor(1, 'flow');
    expect(captured.flow.shape).toEqual([1, 2, 128, 128, 1]);
    expect(relL2(captured.flow.data, goldenFlowPair(gold.data as Float32Array, 0))).toBeLessThanOrEqual(TOL);
  });
});
