/**
 * The live model stage on the tfjs CPU backend with the real graph (rt config, recipe weights): output after 8
 * crops, a null crop resets the window, and normalisation follows the training package's formula.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRecipeWeights, disposeMolWeights, MolGraph, referenceOps, RT_CONFIG, type MolWeights } from './mol';
import { MolLive, MolLiveInputError } from './live';
import { normaliseFrame, parseNormalisation, NormalisationError } from './normalise';

function crop(t: number): Uint8Array {
  const c = new Uint8Array(128 * 128);
  for (let y = 0; y < 128; y++) for (let x = 0; x < 128; x++) c[y * 128 + x] = Math.round(127.5 + 100 * Math.sin(0.1 * x + 0.05 * y + 0.7 * t));
  return c;
}

describe('normaliseFrame', () => {
  it('frame-standardise: gray/255, own mean removed, divided by population std + eps', () => {
    const g = new Uint8Array([0, 255, 0, 255]);
    const out = normaliseFrame(g, { kind: 'frame-standardise', eps: 1e-6 });
    // mean 0.5, population std 0.5 -> +-1 / (1 + 2e-6)
    expect(Array.from(out)).toEqual([-1, 1, -1, 1].map((v) => Math.fround(Math.fround(v * 0.5) / Math.fround(0.5 + 1e-6))));
    expect(Array.from(normaliseFrame(new Uint8Array([10, 20]), { kind: 'affine', scale: 0.5, offset: -1 }))).toEqual([4, 9]);
    expect(() => parseNormalisation({ kind: 'imagenet' })).toThrow(NormalisationError);
  });
});

describe('MolLive (rt, tfjs CPU backend)', () => {
  let weights: MolWeights;
  let live: MolLive;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    weights = buildRecipeWeights(RT_CONFIG, 2);
    live = new MolLive(new MolGraph(weights, referenceOps), ['surprise', 'positive', 'negative'], { kind: 'frame-standardise', eps: 1e-6 });
  }, 120_000);

  afterAll(() => { live.dispose(); disposeMolWeights(weights); });

  it('outputs probabilities, flow and 68 landmarks after 8 crops; a lost face resets the window', async () => {
    for (let t = 0; t < 7; t++) expect(await live.push(crop(t))).toBeNull();
    const out = await live.push(crop(7));
    expect(out).not.toBeNull();
    expect(out!.probabilities).toHaveLength(3);
    expect(Array.from(out!.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(out!.flow).toHaveLength(128 * 128 * 2);
    expect(out!.landmarks68).toHaveLength(68);
    expect(await live.push(null)).toBeNull();
    expect(live.fill).toBe(0);
    expect(await live.push(crop(8))).toBeNull();
    await expect(live.push(new Uint8Array(10))).rejects.toThrow(MolLiveInputError);
  }, 300_000);
});
