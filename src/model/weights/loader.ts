/**
 * Loads a model in the MOL web weight format: fetch model.json and its shards, verify payloadSha256 with
 * crypto.subtle, decode with tf.io.decodeWeights (float16 included), and convert to tfjs layouts once.
 */
import * as tf from '@tensorflow/tfjs';
import { configsEqual, type MolConfig } from '../config';
import type { StateDict } from '../recipe';
import { WeightsChecksumError, WeightsConfigMismatchError, WeightsFetchError, WeightsFormatError } from './errors';
import { parseModelJson, specBytes, type ModelMeta } from './format';
import { molWeightsFromStateDict } from './from-state-dict';
import type { MolWeights } from './types';

export type { ModelMeta } from './format';

export interface LoadOptions {
  /** Reject the file unless its config equals this one. */
  expectConfig?: MolConfig;
  fetchFn?: typeof fetch;
}

async function fetchOk(fetchFn: typeof fetch, url: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetchFn(url);
  } catch (e) {
    throw new WeightsFetchError(`could not fetch ${url}: ${(e as Error).message}`);
  }
  if (!res.ok) throw new WeightsFetchError(`fetching ${url} failed: HTTP ${res.status}`);
  return res;
}

export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** `url` is the model.json URL; shards are resolved relative to it. */
export async function loadMolWeights(url: string, opts: LoadOptions = {}): Promise<{ weights: MolWeights; meta: ModelMeta }> {
  const fetchFn = opts.fetchFn ?? fetch;
  const res = await fetchOk(fetchFn, url);
  let raw: unknown;
  try {
    raw = await res.json();
  } catch (e) {
    throw new WeightsFormatError(`${url} is not JSON: ${(e as Error).message}`);
  }
  const parsed = parseModelJson(raw);
  if (opts.expectConfig && !configsEqual(opts.expectConfig, parsed.meta.config)) {
    throw new WeightsConfigMismatchError(`${url} holds config ${JSON.stringify(parsed.meta.config)}, expected ${JSON.stringify(opts.expectConfig)}`);
  }
  const base = new URL(url, typeof location !== 'undefined' ? location.href : undefined);
  const shards = await Promise.all(parsed.paths.map(async (p) => new Uint8Array(await (await fetchOk(fetchFn, new URL(p, base).href)).arrayBuffer())));
  const total = shards.reduce((a, s) => a + s.byteLength, 0);
  const payload = new Uint8Array(total);
  let off = 0;
  for (const s of shards) { payload.set(s, off); off += s.byteLength; }
  const digest = await sha256Hex(payload.buffer);
  if (digest !== parsed.payloadSha256) {
    throw new WeightsChecksumError(`${url}: payload SHA-256 is ${digest}, model.json says ${parsed.payloadSha256} (corrupted or mismatched shards)`);
  }
  const expectedBytes = parsed.specs.reduce((a, s) => a + specBytes(s), 0);
  if (expectedBytes !== total) throw new WeightsFormatError(`${url}: payload is ${total} bytes, the weight specs need ${expectedBytes}`);

  const decoded = tf.io.decodeWeights(payload.buffer, parsed.specs);
  const sd: StateDict = new Map();
  try {
    for (const s of parsed.specs) {
      const t = decoded[s.name];
      sd.set(s.name, { shape: s.shape, data: (await t.data()) as Float32Array });
    }
  } finally {
    tf.dispose(Object.values(decoded));
  }
  return { weights: molWeightsFromStateDict(parsed.meta.config, sd), meta: parsed.meta };
}
