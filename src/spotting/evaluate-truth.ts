/**
 * Ground truth of a planted video: `X.truth.json` beside `X.webm`, written by the planted-video generator
 * (`python3 -m moltrain.synth.planted_video`, format in models/README.md "Planted videos"):
 *   { format: "me-analyzer-truth", version: 1, fps, frames, face, events: [{ kind, class3, onsetFrame, apexFrame,
 *     offsetFrame, ... }] }
 * Frames are 0-based indices into the video, the same numbering as frames.jsonl and events.json.
 * Only the fields the evaluation needs are read; others (emotion, aus, amplitudePx) pass through untouched.
 */
export const TRUTH_FORMAT = 'me-analyzer-truth';
export const TRUTH_VERSION = 1;

export type TruthKind = 'micro' | 'macro' | 'blink';
const TRUTH_KINDS: readonly TruthKind[] = ['micro', 'macro', 'blink'];

export interface TruthEvent {
  kind: TruthKind;
  /** 3-class label (surprise, positive, negative), or null where the generator gives none (blinks). */
  class3: string | null;
  onsetFrame: number;
  apexFrame: number;
  offsetFrame: number;
}

export interface TruthDocument {
  fps: number;
  /** Frames in the video. */
  frames: number;
  events: TruthEvent[];
}

export class TruthFileError extends Error {
  override readonly name = 'TruthFileError';
}

type Obj = Record<string, unknown>;

function obj(v: unknown, where: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TruthFileError(`${where}: expected an object`);
  return v as Obj;
}

function positive(o: Obj, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new TruthFileError(`${where}.${key}: expected a positive number, got ${JSON.stringify(v)}`);
  return v;
}

function frame(o: Obj, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new TruthFileError(`${where}.${key}: expected a frame index (integer >= 0), got ${JSON.stringify(v)}`);
  return v;
}

function parseTruthEvent(v: unknown, where: string, frames: number): TruthEvent {
  const o = obj(v, where);
  const kind = o.kind as TruthKind;
  if (!TRUTH_KINDS.includes(kind)) throw new TruthFileError(`${where}.kind: expected one of ${TRUTH_KINDS.join(', ')}, got ${JSON.stringify(o.kind)}`);
  const c = o.class3;
  if (c !== null && c !== undefined && typeof c !== 'string') throw new TruthFileError(`${where}.class3: expected a string or null, got ${JSON.stringify(c)}`);
  const class3 = typeof c === 'string' ? c : null;
  if (kind === 'micro' && class3 === null) throw new TruthFileError(`${where}.class3: a micro-expression needs its class`);
  const ev: TruthEvent = { kind, class3, onsetFrame: frame(o, 'onsetFrame', where), apexFrame: frame(o, 'apexFrame', where), offsetFrame: frame(o, 'offsetFrame', where) };
  if (!(ev.onsetFrame <= ev.apexFrame && ev.apexFrame <= ev.offsetFrame)) {
    throw new TruthFileError(`${where}: frames must satisfy onset <= apex <= offset, got ${ev.onsetFrame}, ${ev.apexFrame}, ${ev.offsetFrame}`);
  }
  if (ev.offsetFrame >= frames) throw new TruthFileError(`${where}.offsetFrame ${ev.offsetFrame} is past the video's last frame ${frames - 1}`);
  return ev;
}

export function parseTruthJson(text: string): TruthDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new TruthFileError(`not JSON: ${(e as Error).message}`);
  }
  const o = obj(raw, 'truth');
  if (o.format !== TRUTH_FORMAT) throw new TruthFileError(`truth.format: expected "${TRUTH_FORMAT}", got ${JSON.stringify(o.format)}`);
  if (o.version !== TRUTH_VERSION) throw new TruthFileError(`truth.version: this evaluator reads version ${TRUTH_VERSION}, got ${JSON.stringify(o.version)}`);
  const fps = positive(o, 'fps', 'truth');
  const frames = positive(o, 'frames', 'truth');
  if (!Number.isInteger(frames)) throw new TruthFileError(`truth.frames: expected an integer, got ${frames}`);
  if (!Array.isArray(o.events)) throw new TruthFileError('truth.events: expected an array');
  return { fps, frames, events: o.events.map((e, i) => parseTruthEvent(e, `truth.events[${i}]`, frames)) };
}

/** Truth for a video with nothing planted (e.g. a real talking face): only false detections can be counted. */
export function emptyTruth(frames: number, fps: number): TruthDocument {
  if (!Number.isInteger(frames) || frames <= 0) throw new TruthFileError(`frames must be a positive integer, got ${frames}`);
  if (!Number.isFinite(fps) || fps <= 0) throw new TruthFileError(`fps must be positive, got ${fps}`);
  return { fps, frames, events: [] };
}
