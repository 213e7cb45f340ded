/**
 * The golden weight and input recipe (shared/golden/RECIPE.md) in TypeScript: integer hashing only, bit-exact
 * with the Python generator for any seed and any config. Values are computed in float64 in the recipe's
 * order and rounded once to float32 by the Float32Array store.
 */
import type { MolConfig } from './config';
import { numel, stateDictEntries, type StateDictEntry } from './state-dict';

export function hash32(x: number): number {
  x >>>= 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Uniform variate in [-1, 1) for (seed, entry k, flat index i). */
export function uniform(seed: number, k: number, i: number): number {
  return hash32(hash32(hash32(seed) ^ k) ^ i) / 4294967296 * 2 - 1;
}

export const INPUT_CLIP_K = 100000;

/** One state_dict entry's recipe values (float32; num_batches_tracked gives zeros). */
export function recipeEntryValues(seed: number, e: StateDictEntry): Float32Array {
  const n = numel(e.shape);
  const out = new Float32Array(n);
  if (e.role === 'bn_num_batches_tracked') return out;
  const base = hash32(hash32(seed) ^ e.k);
  const u = (i: number): number => hash32(base ^ i) / 4294967296 * 2 - 1;
  switch (e.role) {
    case 'conv1d_weight': case 'conv2d_weight': case 'conv3d_weight': case 'linear_weight': case 'fcc_circular_kernel': {
      const s = 1 / Math.sqrt(n / e.shape[0]);
      for (let i = 0; i < n; i++) out[i] = u(i) * s;
      break;
    }
    case 'convtranspose_weight': {
      const s = 1 / Math.sqrt(n / e.shape[1]);
      for (let i = 0; i < n; i++) out[i] = u(i) * s;
      break;
    }
    case 'positional_embedding':
      for (let i = 0; i < n; i++) out[i] = 0.5 * u(i);
      break;
    case 'bn_weight':
      for (let i = 0; i < n; i++) out[i] = 1 + 0.1 * u(i);
      break;
    case 'bn_running_var':
      for (let i = 0; i < n; i++) out[i] = 1 + 0.5 * Math.abs(u(i));
      break;
    case 'bias': case 'fcc_circular_bias': case 'bn_bias': case 'bn_running_mean':
      for (let i = 0; i < n; i++) out[i] = 0.1 * u(i);
      break;
  }
  return out;
}

/** A PyTorch-layout parameter set: name -> C-order float32 values and shape. */
export type StateDict = Map<string, { shape: readonly number[]; data: Float32Array }>;

/** The recipe state_dict for a config and seed; `usedOnly` drops the entries the web format omits. */
export function recipeStateDict(config: MolConfig, seed: number, usedOnly = true): StateDict {
  const sd: StateDict = new Map();
  for (const e of stateDictEntries(config)) {
    if (usedOnly && !e.used) continue;
    sd.set(e.name, { shape: e.shape, data: recipeEntryValues(seed, e) });
  }
  return sd;
}

export const CLIP_FRAMES = 8;
export const CROP = 128;

/** The recipe input clip, C-order [T=8, H=128, W=128] (= the golden [1,1,8,128,128] without the unit axes). */
export function recipeInputClip(seed: number): Float32Array {
  const out = new Float32Array(CLIP_FRAMES * CROP * CROP);
  const base = hash32(hash32(seed) ^ INPUT_CLIP_K);
  for (let t = 0; t < CLIP_FRAMES; t++) {
    for (let y = 0; y < CROP; y++) {
      for (let x = 0; x < CROP; x++) {
        const i = t * CROP * CROP + y * CROP + x;
        const u = hash32(base ^ i) / 4294967296 * 2 - 1;
        out[i] = 0.5 * Math.sin(((0.11 * x) + (0.07 * y)) + (0.9 * t)) + 0.25 * u;
      }
    }
  }
  return out;
}
