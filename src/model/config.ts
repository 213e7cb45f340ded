/**
 * MOL architecture configurations. The JSON files under models/configs/ (written with the PyTorch package)
 * are the single source of truth for the widths; this module only types and validates them.
 */
import paperJson from '../../models/configs/paper.json';
import rtJson from '../../models/configs/rt.json';

export const FLOW_WIDTH_KEYS = [
  'conv1', 'conv2', 'conv3', 'redir', 'conv3_1', 'conv4', 'conv4_1', 'conv5', 'conv5_1', 'conv6', 'conv6_1',
  'deconv5', 'deconv4', 'deconv3', 'deconv2', 'deconv1', 'deconv0',
] as const;
export type FlowWidthKey = (typeof FLOW_WIDTH_KEYS)[number];
export type FlowWidths = Readonly<Record<FlowWidthKey, number>>;

export interface MolConfig {
  readonly name: string;
  readonly numClasses: number;
  readonly neighborNum: number;
  readonly clipLength: number;
  readonly flow: FlowWidths;
  readonly ldmHidden: number;
}

/** Fixed by the architecture (MOL_SPEC sections 1-6), not configurable. */
export const MOL_FIXED = {
  crop: 128,
  featureSize: 16,
  featureChannels: 128,
  nodes: 256,
  /** Correlation: patch 21, dilation 2 -> 441 displacement channels. */
  corrChannels: 441,
  corrPatch: 21,
  corrDilation: 2,
  merConvOut: 32,
  ldmConvOut: 32,
  landmarks: 68,
  bnEps: 1e-5,
  leakySlope: 0.1,
} as const;

export class MolConfigError extends Error {
  override readonly name = 'MolConfigError';
}

function positiveInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new MolConfigError(`config.${what} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

/** Validates an untrusted config object (from a model.json or a configs/*.json file). */
export function parseMolConfig(raw: unknown): MolConfig {
  if (typeof raw !== 'object' || raw === null) throw new MolConfigError('config must be an object');
  const r = raw as Record<string, unknown>;
  if (typeof r.name !== 'string' || r.name.length === 0) throw new MolConfigError('config.name must be a non-empty string');
  const numClasses = positiveInt(r.numClasses, 'numClasses');
  const neighborNum = positiveInt(r.neighborNum, 'neighborNum');
  const clipLength = positiveInt(r.clipLength, 'clipLength');
  // The MER head's fc1 (2560 inputs) hard-codes 8 frames (MOL_SPEC section 4).
  if (clipLength !== 8) throw new MolConfigError(`config.clipLength must be 8 (the MER head hard-codes it), got ${clipLength}`);
  if (neighborNum > MOL_FIXED.nodes) throw new MolConfigError(`config.neighborNum ${neighborNum} exceeds the ${MOL_FIXED.nodes} graph nodes`);
  if (typeof r.flow !== 'object' || r.flow === null) throw new MolConfigError('config.flow must be an object of widths');
  const f = r.flow as Record<string, unknown>;
  const flow = Object.fromEntries(FLOW_WIDTH_KEYS.map((k) => [k, positiveInt(f[k], `flow.${k}`)])) as Record<FlowWidthKey, number>;
  const ldmHidden = positiveInt(r.ldmHidden, 'ldmHidden');
  return { name: r.name, numClasses, neighborNum, clipLength, flow, ldmHidden };
}

export const PAPER_CONFIG: MolConfig = parseMolConfig(paperJson);
export const RT_CONFIG: MolConfig = parseMolConfig(rtJson);

/** Same architecture with another class count (e.g. the 3-class head of the paper model). */
export function withClasses(config: MolConfig, numClasses: number): MolConfig {
  return parseMolConfig({ ...config, numClasses });
}

export function configsEqual(a: MolConfig, b: MolConfig): boolean {
  return a.name === b.name && a.numClasses === b.numClasses && a.neighborNum === b.neighborNum && a.clipLength === b.clipLength
    && a.ldmHidden === b.ldmHidden && FLOW_WIDTH_KEYS.every((k) => a.flow[k] === b.flow[k]);
}
