import { describe, expect, it } from 'vitest';
import { RT_CONFIG } from './config';
import { describeRecipeWeights, describeWeightsMeta } from './weights-notice';
import type { ModelMeta } from './weights/format';
import { DEFAULT_RECIPE_SEED, SHIPPED_WEIGHTS_URL, weightsChoiceFromSearch, WeightsChoiceError } from './shipped-weights';
import { modelFailure } from './model-status';
import { WeightShapeError, WeightsConfigMismatchError, WeightsFetchError } from './weights/errors';

function meta(provenance: Record<string, unknown>, metrics: Record<string, unknown> = {}, modelId = 'mol-rt-3cls-step9'): ModelMeta {
  return { modelId, config: RT_CONFIG, classes: ['surprise', 'positive', 'negative'], input: {}, provenance, metrics, classBias: null };
}

describe('describeWeightsMeta', () => {
  it('synthetic-generator training data: "trained on synthetic micro-expressions only", with the identity count', () => {
    const d = describeWeightsMeta(meta({ data: { module: 'moltrain.synth.dataset:train_dataset', generator: 'moltrain.synth', identities: ['a', 'b', 'c'] } }));
    expect(d).toMatchObject({ trained: true, syntheticOnly: true, id: 'mol-rt-3cls-step9' });
    expect(d.notice).toContain('trained on synthetic micro-expressions only (3 face identities)');
    expect(d.notice).toContain('No held-out metrics');
    expect(describeWeightsMeta(meta({ data: { generator: 'moltrain.synth' } }, { uf1: 0.5 })).notice).not.toContain('No held-out metrics');
  });

  it('held-out figures: chance-level recognition is said plainly, better recognition is quoted', () => {
    const synth = { data: { generator: 'moltrain.synth' } };
    const chance = describeWeightsMeta(meta(synth, { heldout: { uar: 0.3333, chanceUar: 1 / 3, clips: 180 } })).notice;
    expect(chance).toContain('On 180 held-out clips of unseen faces its recognition is at chance (UAR 0.33, chance 0.33)');
    expect(chance).toContain('carry no information');
    const good = describeWeightsMeta(meta(synth, { heldout: { uar: 0.71, chanceUar: 1 / 3 } })).notice;
    expect(good).toContain('Held-out recognition on unseen faces: UAR 0.71 on the live window (chance 0.33).');
    expect(good).not.toContain('no information');
    const both = describeWeightsMeta(meta(synth, { heldout: { uar: 0.5, chanceUar: 1 / 3 }, heldoutEvents: { uar: 0.64 } })).notice;
    expect(both).toContain('UAR 0.50 on the live window; UAR 0.64 on spotted events (chance 0.33).');
  });

  it('real datasets are named; golden exports and "untrained" sources are untrained', () => {
    expect(describeWeightsMeta(meta({ data: { datasets: ['casme2', 'samm'] } }))).toMatchObject({ trained: true, syntheticOnly: false });
    expect(describeWeightsMeta(meta({ data: { datasets: ['casme2', 'samm'] } })).notice).toContain('casme2, samm');
    expect(describeWeightsMeta(meta({ source: 'golden recipe weights, seed 1; untrained' })).trained).toBe(false);
    expect(describeWeightsMeta(meta({}, {}, 'golden-seed1-paper-5cls')).notice).toMatch(/untrained/);
  });

  it('recipe weights are untrained and say their outputs are meaningless', () => {
    const d = describeRecipeWeights(1, 'rt');
    expect(d).toMatchObject({ id: 'recipe-seed1-rt', trained: false, syntheticOnly: false });
    expect(d.notice).toMatch(/untrained.*meaningless/);
  });
});

describe('weightsChoiceFromSearch', () => {
  it('default and shipped: the shipped model.json; none: tracking only; recipe[:seed]', () => {
    expect(weightsChoiceFromSearch('')).toEqual({ weightsUrl: SHIPPED_WEIGHTS_URL });
    expect(weightsChoiceFromSearch('?backend=cpu&weights=shipped')).toEqual({ weightsUrl: SHIPPED_WEIGHTS_URL });
    expect(weightsChoiceFromSearch('?weights=none')).toBe(false);
    expect(weightsChoiceFromSearch('?weights=recipe')).toEqual({ recipeSeed: DEFAULT_RECIPE_SEED });
    expect(weightsChoiceFromSearch('?weights=recipe:7')).toEqual({ recipeSeed: 7 });
    expect(() => weightsChoiceFromSearch('?weights=recipes')).toThrow(WeightsChoiceError);
  });
});

describe('modelFailure', () => {
  it('names the failure kind and keeps the original error in the message', () => {
    expect(modelFailure(new WeightShapeError('w [1] vs [2]'), 'load').code).toBe('weights-shape');
    expect(modelFailure(new WeightsConfigMismatchError('3 vs 5'), 'load').code).toBe('weights-config');
    const f = modelFailure(new WeightsFetchError('HTTP 404'), 'load');
    expect(f.code).toBe('weights-fetch');
    expect(f.message).toContain('WeightsFetchError: HTTP 404');
    expect(modelFailure(new Error('boom'), 'run').code).toBe('model-run');
    expect(modelFailure('x', 'load').code).toBe('model-failed');
  });
});
