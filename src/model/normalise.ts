/**
 * Input normalisation of the web weight format (models/README.md), bit-compatible with the training package's
 * moltrain.data.clip.normalise_frames: float32 steps, means and std accumulated in float64.
 */
export type Normalisation =
  | { kind: 'frame-standardise'; eps: number }
  | { kind: 'affine'; scale: number; offset: number };

export class NormalisationError extends Error {
  override readonly name = 'NormalisationError';
}

export function parseNormalisation(raw: unknown): Normalisation {
  const r = raw as Record<string, unknown> | null;
  if (r && r.kind === 'frame-standardise' && typeof r.eps === 'number' && r.eps >= 0) return { kind: 'frame-standardise', eps: r.eps };
  if (r && r.kind === 'affine' && typeof r.scale === 'number' && typeof r.offset === 'number') return { kind: 'affine', scale: r.scale, offset: r.offset };
  throw new NormalisationError(`unknown input normalisation ${JSON.stringify(raw)}`);
}

/** One gray uint8 frame (row-major) -> the model's float input. */
export function normaliseFrame(gray: Uint8Array, n: Normalisation): Float32Array {
  const out = new Float32Array(gray.length);
  const f = Math.fround;
  if (n.kind === 'affine') {
    for (let i = 0; i < gray.length; i++) out[i] = gray[i] * n.scale + n.offset;
    return out;
  }
  let sum = 0;
  for (let i = 0; i < gray.length; i++) { out[i] = f(gray[i] / 255); sum += out[i]; }
  const mean = f(sum / gray.length);
  let sq = 0;
  for (let i = 0; i < gray.length; i++) { out[i] = f(out[i] - mean); sq += out[i] * out[i]; }
  const denom = f(f(Math.sqrt(sq / gray.length)) + f(n.eps));
  for (let i = 0; i < gray.length; i++) out[i] = f(out[i] / denom);
  return out;
}
