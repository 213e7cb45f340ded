/**
 * What the UI must say about the weights in use, derived from model.json's `provenance` (models/README.md):
 * untrained recipe weights make every output meaningless, and weights trained only on the synthetic
 * micro-expression generator have never seen a real micro-expression dataset.
 */
import type { ModelMeta } from './weights/format';

export interface WeightsDescription {
  /** model.json's modelId, or `recipe-seed<S>-<config>`. */
  id: string;
  /** False for the golden-recipe weights and anything whose provenance does not show training. */
  trained: boolean;
  /** Trained on moltrain.synth clips only. */
  syntheticOnly: boolean;
  /** The sentence the weights notice shows (always present: the user should know what the model is). */
  notice: string;
}

function record(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

export function describeRecipeWeights(seed: number, configName: string): WeightsDescription {
  return {
    id: `recipe-seed${seed}-${configName}`,
    trained: false,
    syntheticOnly: false,
    notice: `MOL runs untrained weights (golden recipe, seed ${seed}): the emotion probabilities, the flow and MOL's landmarks are meaningless.`,
  };
}

/** A data manifest written by moltrain.train says which generator or datasets the model saw. */
function isSyntheticData(data: Record<string, unknown>): boolean {
  if (data.generator === 'moltrain.synth') return true;
  return typeof data.module === 'string' && /(^|\.)synth(\.|:|$)/.test(data.module) && data.datasets === undefined;
}

/**
 * `metrics.heldout` (written by moltrain.synth.heldout): recognition on faces never trained on, against chance.
 * A model whose UAR is near chance must say that its class probabilities carry no information.
 * `metrics.heldoutEvents` (heldout --placement event), when present, is the same on the frames the app classifies
 * a spotted event on, which is what the timeline's labels come from.
 */
function heldoutSentence(metrics: Record<string, unknown>): string {
  const h = record(metrics.heldout);
  if (!h || typeof h.uar !== 'number' || typeof h.chanceUar !== 'number') return '';
  const uar = h.uar.toFixed(2);
  const chance = h.chanceUar.toFixed(2);
  const clips = typeof h.clips === 'number' ? `${h.clips} ` : '';
  if (h.uar < h.chanceUar + 0.05) {
    return ` On ${clips}held-out clips of unseen faces its recognition is at chance (UAR ${uar}, chance ${chance}): the emotion probabilities carry no information yet; the flow and landmarks are only partly trained.`;
  }
  const ev = record(metrics.heldoutEvents);
  const events = ev && typeof ev.uar === 'number' ? `; UAR ${ev.uar.toFixed(2)} on spotted events` : '';
  return ` Held-out recognition on unseen faces: UAR ${uar} on the live window${events} (chance ${chance}).`;
}

export function describeWeightsMeta(meta: ModelMeta): WeightsDescription {
  const prov = meta.provenance;
  const data = record(prov.data);
  const source = typeof prov.source === 'string' ? prov.source : '';
  if (!data) {
    // Not written by the training command: golden/recipe exports say "untrained" in `source`.
    const untrained = /untrained/i.test(source) || meta.modelId.startsWith('golden-');
    return {
      id: meta.modelId,
      trained: !untrained,
      syntheticOnly: false,
      notice: untrained
        ? `MOL runs untrained weights (${meta.modelId}): the emotion probabilities, the flow and MOL's landmarks are meaningless.`
        : `MOL runs ${meta.modelId}${source ? ` (${source})` : ''}.`,
    };
  }
  const metrics = Object.keys(meta.metrics).length > 0 ? heldoutSentence(meta.metrics) : ' No held-out metrics were reported for them.';
  if (isSyntheticData(data)) {
    const ids = Array.isArray(data.identities) ? data.identities.length : null;
    const on = ids ? ` (${ids} face identities)` : '';
    return {
      id: meta.modelId,
      trained: true,
      syntheticOnly: true,
      notice: `MOL's weights (${meta.modelId}) were trained on synthetic micro-expressions only${on}, not on a real micro-expression dataset: treat the emotion probabilities as a demonstration.${metrics}`,
    };
  }
  const datasets = Array.isArray(data.datasets) ? data.datasets.map(String).join(', ') : 'a dataset';
  return {
    id: meta.modelId,
    trained: true,
    syntheticOnly: false,
    notice: `MOL's weights (${meta.modelId}) were trained on ${datasets}.${metrics}`,
  };
}
