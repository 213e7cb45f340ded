/**
 * Which MOL weights the app runs: the shipped model (served from the app's own origin by
 * src/cli/vite-plugin-assets.ts and precached), the untrained golden-recipe weights, or none (tracking only).
 * `?weights=recipe[:seed]|none|shipped` picks one; the default is the shipped model.
 */

/** Folder of the shipped model under models/mol/ (model.json + shards, models/README.md). */
export const SHIPPED_WEIGHTS_ID = 'rt-synth-3cls';

/** model.json of the shipped model, relative to the app's base URL (the app is built with base './'). */
export const SHIPPED_WEIGHTS_URL = `models/mol/${SHIPPED_WEIGHTS_ID}/model.json`;

/** Seed of the recipe weights `?weights=recipe` builds when no seed is given. */
export const DEFAULT_RECIPE_SEED = 1;

/** What `PipelineOptions.model` takes: a weights URL or recipe seed, or false for tracking only. */
export type ModelChoice = { weightsUrl?: string; recipeSeed?: number } | false;

export class WeightsChoiceError extends Error {
  override readonly name = 'WeightsChoiceError';
}

/**
 * `?weights=` -> the model choice. Unknown values are an error rather than a silent default, so a typo in a test
 * URL cannot quietly run other weights than asked for.
 */
export function weightsChoiceFromSearch(search: string): ModelChoice {
  const raw = new URLSearchParams(search).get('weights');
  if (raw === null || raw === '' || raw === 'shipped') return { weightsUrl: SHIPPED_WEIGHTS_URL };
  if (raw === 'none') return false;
  const m = /^recipe(?::(\d+))?$/.exec(raw);
  if (m) return { recipeSeed: m[1] === undefined ? DEFAULT_RECIPE_SEED : Number(m[1]) };
  throw new WeightsChoiceError(`?weights=${raw} is not one of shipped, recipe, recipe:<seed>, none`);
}
