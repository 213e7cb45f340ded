/**
 * Per-class log-offsets fitted after training on the val identities (models/training/moltrain/class_bias.py,
 * model.json `classBias`): adding b_k to class k's logit, i.e. p_k * exp(b_k) renormalised. The held-out
 * figures of the model card are computed with the same offsets, so what the app shows is what was measured.
 */
export function applyClassBias(probabilities: Float32Array, bias: readonly number[] | null): Float32Array {
  if (!bias) return probabilities;
  if (bias.length !== probabilities.length) throw new RangeError(`${bias.length} class offsets for ${probabilities.length} classes`);
  const top = Math.max(...bias);
  const out = new Float32Array(probabilities.length);
  let sum = 0;
  for (let k = 0; k < out.length; k++) sum += (out[k] = probabilities[k] * Math.exp(bias[k] - top));
  if (!(sum > 0)) return probabilities;
  for (let k = 0; k < out.length; k++) out[k] /= sum;
  return out;
}
