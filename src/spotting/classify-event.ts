/**
 * An event's class from MOL's output over its clip(s), with abstention. Probabilities are the softmax of
 * the logits; several clips of one event (resample.ts) are pooled by averaging probabilities, as the trainer
 * pools the clips of one video. Below `minConfidence` the label is "uncertain".
 */
export const UNCERTAIN = 'uncertain';

/**
 * 0.5: the winning class must be more probable than all the others together. The rule reads the same for
 * 3 and 5 classes (chance is 0.33 and 0.2) and does not pretend to a calibration the model does not have.
 */
export const DEFAULT_MIN_CONFIDENCE = 0.5;

export class ClassifyInputError extends Error {
  override readonly name = 'ClassifyInputError';
}

export interface EventClassification {
  /** A class name from the model's list, or "uncertain". */
  label: string;
  /** Index of the most probable class (also when abstaining). */
  classIndex: number;
  /** Probability of the most probable class. */
  confidence: number;
  /** Probability per class name, in the model's class order. */
  probabilities: Record<string, number>;
}

function checkClasses(classes: readonly string[]): void {
  if (classes.length !== 3 && classes.length !== 5) throw new ClassifyInputError(`MOL has 3 or 5 classes, got ${classes.length}`);
  if (new Set(classes).size !== classes.length) throw new ClassifyInputError(`class names must be unique: ${classes.join(', ')}`);
  if (classes.includes(UNCERTAIN)) throw new ClassifyInputError(`"${UNCERTAIN}" is reserved for abstention`);
}

export function softmax(logits: ArrayLike<number>): number[] {
  const xs = Array.from(logits);
  if (xs.length === 0 || xs.some((x) => !Number.isFinite(x))) throw new ClassifyInputError('logits must be finite and non-empty');
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Mean of several clips' probability vectors. */
export function poolProbabilities(clips: readonly ArrayLike<number>[]): number[] {
  if (clips.length === 0) throw new ClassifyInputError('no clip probabilities to pool');
  const k = clips[0].length;
  const out = new Array<number>(k).fill(0);
  for (const c of clips) {
    if (c.length !== k) throw new ClassifyInputError(`clips disagree on the class count (${c.length} vs ${k})`);
    for (let i = 0; i < k; i++) out[i] += c[i] / clips.length;
  }
  return out;
}

export function classifyEvent(probabilities: ArrayLike<number>, classes: readonly string[], minConfidence = DEFAULT_MIN_CONFIDENCE): EventClassification {
  checkClasses(classes);
  if (!(minConfidence >= 0 && minConfidence <= 1)) throw new ClassifyInputError(`minConfidence must be in [0, 1], got ${minConfidence}`);
  const p = Array.from(probabilities);
  if (p.length !== classes.length) throw new ClassifyInputError(`${p.length} probabilities for ${classes.length} classes`);
  if (p.some((v) => !Number.isFinite(v) || v < 0)) throw new ClassifyInputError('probabilities must be finite and non-negative');
  const sum = p.reduce((a, b) => a + b, 0);
  // float32 softmax outputs sum to 1 within a few ulps; anything further off is logits passed by mistake.
  if (Math.abs(sum - 1) > 1e-4) throw new ClassifyInputError(`probabilities sum to ${sum}, not 1 (pass softmax(logits))`);
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
  return {
    label: p[best] >= minConfidence ? classes[best] : UNCERTAIN,
    classIndex: best,
    confidence: p[best],
    probabilities: Object.fromEntries(classes.map((c, i) => [c, p[i]])),
  };
}
