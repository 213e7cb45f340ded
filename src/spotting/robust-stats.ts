/**
 * Order statistics shared by the spotting stage. Plain arrays in, numbers out; NaN inputs are the caller's
 * bug, so they are rejected rather than sorted somewhere arbitrary.
 */

/** 1.4826 * MAD estimates the standard deviation of a normal distribution (1 / Phi^-1(3/4)). */
export const MAD_TO_SIGMA = 1.4826;

export class RobustStatsError extends Error {
  override readonly name = 'RobustStatsError';
}

function sortedCopy(values: ArrayLike<number>): Float64Array {
  const s = Float64Array.from(values);
  for (const v of s) if (Number.isNaN(v)) throw new RobustStatsError('NaN in robust statistics input');
  return s.sort();
}

/** Median of a sorted array (mean of the two middle values for even lengths). */
function medianOfSorted(s: Float64Array): number {
  const n = s.length;
  if (n === 0) throw new RobustStatsError('median of an empty set');
  const h = n >> 1;
  return n % 2 === 1 ? s[h] : 0.5 * (s[h - 1] + s[h]);
}

export function median(values: ArrayLike<number>): number {
  return medianOfSorted(sortedCopy(values));
}

/** Median and median absolute deviation from it. */
export function medianMad(values: ArrayLike<number>): { median: number; mad: number } {
  const s = sortedCopy(values);
  const m = medianOfSorted(s);
  const dev = s.map((v) => Math.abs(v - m)).sort();
  return { median: m, mad: medianOfSorted(dev) };
}

/**
 * Mean of the values between the `fraction` and 1 - `fraction` quantiles (by rank): the bulk of a region
 * without its few outlier pixels (flow spikes at occlusion edges, a stray landmark).
 */
export function trimmedMean(values: ArrayLike<number>, fraction: number): number {
  if (!(fraction >= 0 && fraction < 0.5)) throw new RobustStatsError(`trim fraction must be in [0, 0.5), got ${fraction}`);
  const s = sortedCopy(values);
  if (s.length === 0) throw new RobustStatsError('trimmed mean of an empty set');
  const cut = Math.floor(s.length * fraction);
  let sum = 0;
  for (let i = cut; i < s.length - cut; i++) sum += s[i];
  return sum / (s.length - 2 * cut);
}
