/**
 * The MOL web weight format, version 1 (models/README.md): model.json parsing and validation.
 */
import { parseMolConfig, MolConfigError, type MolConfig } from '../config';
import { stateDictEntries } from '../state-dict';
import { MissingWeightError, UnexpectedWeightError, WeightsConfigMismatchError, WeightsFormatError, WeightShapeError, WeightsVersionError } from './errors';

export const FORMAT_MAGIC = 'mol-web-weights';
export const FORMAT_VERSION = 1;

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
  quantization?: { dtype: 'float16'; original_dtype: 'float32' };
}

export interface ModelMeta {
  modelId: string;
  config: MolConfig;
  classes: string[];
  input: Record<string, unknown>;
  provenance: Record<string, unknown>;
  metrics: Record<string, unknown>;
  /** Per-class log-offsets fitted on the val identities after training (`classBias`, class-bias.ts), or null. */
  classBias: number[] | null;
}

export interface ParsedModelJson {
  meta: ModelMeta;
  /** Shard file names in payload order. */
  paths: string[];
  specs: WeightSpec[];
  payloadSha256: string;
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new WeightsFormatError(`model.json: ${what} must be an object`);
  return v as Record<string, unknown>;
}

export function parseModelJson(raw: unknown): ParsedModelJson {
  const m = obj(raw, 'the document');
  if (m.format !== FORMAT_MAGIC) throw new WeightsFormatError(`model.json: format is ${JSON.stringify(m.format)}, expected "${FORMAT_MAGIC}"`);
  if (m.formatVersion !== FORMAT_VERSION) {
    throw new WeightsVersionError(`model.json: formatVersion ${JSON.stringify(m.formatVersion)} is not supported (this loader reads version ${FORMAT_VERSION})`);
  }
  if (typeof m.modelId !== 'string') throw new WeightsFormatError('model.json: modelId must be a string');
  let config: MolConfig;
  try {
    config = parseMolConfig(m.config);
  } catch (e) {
    if (e instanceof MolConfigError) throw new WeightsFormatError(`model.json: ${e.message}`);
    throw e;
  }
  if (!Array.isArray(m.classes) || m.classes.some((c) => typeof c !== 'string')) throw new WeightsFormatError('model.json: classes must be an array of strings');
  const classes = m.classes as string[];
  if (classes.length !== config.numClasses) {
    throw new WeightsConfigMismatchError(`model.json: ${classes.length} class names for a config with numClasses ${config.numClasses}`);
  }
  if (typeof m.payloadSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.payloadSha256)) throw new WeightsFormatError('model.json: payloadSha256 must be 64 lowercase hex digits');
  if (!Array.isArray(m.weightsManifest) || m.weightsManifest.length === 0) throw new WeightsFormatError('model.json: weightsManifest must be a non-empty array');
  const paths: string[] = [];
  const specs: WeightSpec[] = [];
  for (const g of m.weightsManifest) {
    const group = obj(g, 'a weightsManifest group');
    if (!Array.isArray(group.paths) || group.paths.some((p) => typeof p !== 'string' || p.includes('..') || p.includes('/'))) {
      throw new WeightsFormatError('model.json: weightsManifest paths must be plain shard file names');
    }
    if (!Array.isArray(group.weights)) throw new WeightsFormatError('model.json: weightsManifest group without weights');
    paths.push(...(group.paths as string[]));
    for (const w of group.weights) {
      const s = obj(w, 'a weight spec');
      if (typeof s.name !== 'string' || !Array.isArray(s.shape) || s.shape.some((d) => !Number.isInteger(d) || (d as number) < 0)) {
        throw new WeightsFormatError(`model.json: malformed weight spec ${JSON.stringify(s).slice(0, 120)}`);
      }
      if (s.dtype !== 'float32') throw new WeightsFormatError(`model.json: weight ${s.name} has dtype ${JSON.stringify(s.dtype)}, expected float32`);
      if (s.quantization !== undefined) {
        const q = obj(s.quantization, `${s.name}.quantization`);
        if (q.dtype !== 'float16') throw new WeightsFormatError(`model.json: weight ${s.name} uses quantization ${JSON.stringify(q.dtype)}; only float16 is allowed`);
      }
      specs.push(s as unknown as WeightSpec);
    }
  }
  checkSpecsAgainstConfig(config, specs);
  const meta: ModelMeta = {
    modelId: m.modelId, config, classes,
    input: obj(m.input, 'input'), provenance: obj(m.provenance, 'provenance'), metrics: obj(m.metrics ?? {}, 'metrics'),
    classBias: parseClassBias(m.classBias, classes),
  };
  return { meta, paths, specs, payloadSha256: m.payloadSha256 };
}

/** `classBias` (optional): offsets for exactly these classes, in this order. */
function parseClassBias(raw: unknown, classes: readonly string[]): number[] | null {
  if (raw === undefined || raw === null) return null;
  const cb = obj(raw, 'classBias');
  const offsets = cb.logOffsets;
  if (!Array.isArray(offsets) || offsets.length !== classes.length || offsets.some((b) => typeof b !== 'number' || !Number.isFinite(b))) {
    throw new WeightsFormatError(`model.json: classBias.logOffsets must be ${classes.length} finite numbers`);
  }
  if (!Array.isArray(cb.classes) || cb.classes.join('\u0000') !== classes.join('\u0000')) {
    throw new WeightsConfigMismatchError(`model.json: classBias is for classes ${JSON.stringify(cb.classes)}, the model's are ${JSON.stringify(classes)}`);
  }
  return offsets as number[];
}

/** Names and shapes before any byte is decoded: a wrong file fails fast and says which entry is wrong. */
export function checkSpecsAgainstConfig(config: MolConfig, specs: WeightSpec[]): void {
  const expected = new Map(stateDictEntries(config).map((e) => [e.name, e]));
  const seen = new Set<string>();
  for (const s of specs) {
    const e = expected.get(s.name);
    if (!e || !e.used) throw new UnexpectedWeightError(`model.json: weight ${s.name} is not a used MOL weight for config "${config.name}"`);
    if (seen.has(s.name)) throw new WeightsFormatError(`model.json: weight ${s.name} is listed twice`);
    seen.add(s.name);
    if (s.shape.length !== e.shape.length || s.shape.some((d, i) => d !== e.shape[i])) {
      throw new WeightShapeError(`model.json: weight ${s.name} has shape [${s.shape}], config "${config.name}" (${config.numClasses} classes) needs [${e.shape}]`);
    }
  }
  for (const e of expected.values()) {
    if (e.used && !seen.has(e.name)) throw new MissingWeightError(`model.json: weight ${e.name} [${e.shape}] is missing (config "${config.name}")`);
  }
}

/** Bytes one spec occupies in the payload. */
export function specBytes(s: WeightSpec): number {
  return s.shape.reduce((a, b) => a * b, 1) * (s.quantization?.dtype === 'float16' ? 2 : 4);
}
