/**
 * One-Euro filter (Casiez et al., CHI 2012): a low-pass whose cutoff rises with the signal's speed, so a
 * still face is held steady (tracker jitter removed) while real head motion follows with little lag.
 * Timestamps drive it, so it behaves the same at 30 fps live and on every frame of a file.
 */
export interface OneEuroParams {
  /** Hz: cutoff when the signal is still (lower = steadier) */
  minCutoff: number;
  /** how fast the cutoff rises with speed (per unit/s) */
  beta: number;
  /** Hz: cutoff of the speed estimate */
  dCutoff: number;
}

function alpha(cutoffHz: number, dtSec: number): number {
  const tau = 1 / (2 * Math.PI * cutoffHz);
  return 1 / (1 + tau / dtSec);
}

export class OneEuroFilter {
  private x: number | null = null;
  private dx = 0;
  private tMs = 0;
  private samples = 0;

  constructor(private readonly p: OneEuroParams) {}

  reset(): void {
    this.x = null;
    this.dx = 0;
    this.samples = 0;
  }

  filter(value: number, tMs: number): number {
    if (this.x === null || tMs <= this.tMs) {
      // first sample, or a non-advancing clock: nothing to filter against
      if (this.x === null) {
        this.x = value;
        this.samples = 1;
      }
      this.tMs = Math.max(this.tMs, tMs);
      return this.x;
    }
    const dt = (tMs - this.tMs) / 1000;
    this.tMs = tMs;
    const rawDx = (value - this.x) / dt;
    // The second sample seeds the speed directly: starting it at 0 would make a track that begins in motion
    // lag by several pixels for the first frames while the speed estimate builds up.
    if (this.samples === 1) this.dx = rawDx;
    else this.dx += alpha(this.p.dCutoff, dt) * (rawDx - this.dx);
    this.samples++;
    const cutoff = this.p.minCutoff + this.p.beta * Math.abs(this.dx);
    this.x += alpha(cutoff, dt) * (value - this.x);
    return this.x;
  }
}
