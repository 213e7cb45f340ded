/**
 * Exponential moving average of class probabilities over time, for the emotion panel's bars. The weight of a
 * new window depends on the time since the last one (time constant `tauMs`), so smoothing looks the same at 5
 * and at 30 fps. A convex combination of distributions is a distribution: the smoothed bars still sum to 1.
 */
export class ProbabilityEmaInputError extends Error {
  override readonly name = 'ProbabilityEmaInputError';
}

export class ProbabilityEma {
  private value: Float64Array | null = null;
  private lastMs = 0;

  constructor(readonly tauMs = 400) {
    if (!(tauMs > 0)) throw new ProbabilityEmaInputError(`tauMs must be positive, got ${tauMs}`);
  }

  /** Adds the probabilities of the window ending at `timestampMs`; returns the smoothed ones. */
  update(p: ArrayLike<number>, timestampMs: number): Float64Array {
    if (this.value && this.value.length !== p.length) this.reset();
    if (!this.value) {
      this.value = Float64Array.from(p);
    } else {
      const dt = Math.max(0, timestampMs - this.lastMs);
      const alpha = 1 - Math.exp(-dt / this.tauMs);
      for (let i = 0; i < p.length; i++) this.value[i] += alpha * (p[i] - this.value[i]);
    }
    this.lastMs = timestampMs;
    return Float64Array.from(this.value);
  }

  /** Forget the history (face lost, new source): the next window is shown as it is. */
  reset(): void {
    this.value = null;
  }

  get current(): Float64Array | null {
    return this.value ? Float64Array.from(this.value) : null;
  }
}
