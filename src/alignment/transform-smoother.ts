/**
 * Smooths the alignment transform over time. Each similarity parameter gets a One-Euro filter, working in
 * crop-pixel units (angle and log-scale times the crop half-width, the centre times the scale) so one set of
 * constants means "pixels of motion in the crop" for every parameter. Reset on face loss or re-detection.
 */
import { CROP_SIZE, type SimilarityParams } from './mol-align';
import { OneEuroFilter, type OneEuroParams } from './one-euro';

// Chosen so that a still face with 0.5 crop-px tracker noise settles to ~0.15 px std, a head moving 37 crop
// px/s lags the raw alignment by ~0.5 px, and a track that starts moving at 155 crop px/s (a fast pan) lags
// by < 1 px from its second frame on.
export const DEFAULT_SMOOTHING: OneEuroParams = { minCutoff: 0.3, beta: 0.2, dCutoff: 1 };

const HALF = CROP_SIZE / 2;

export class TransformSmoother {
  private readonly angle: OneEuroFilter;
  private readonly logScale: OneEuroFilter;
  private readonly cx: OneEuroFilter;
  private readonly cy: OneEuroFilter;

  constructor(params: OneEuroParams = DEFAULT_SMOOTHING) {
    this.angle = new OneEuroFilter(params);
    this.logScale = new OneEuroFilter(params);
    this.cx = new OneEuroFilter(params);
    this.cy = new OneEuroFilter(params);
  }

  reset(): void {
    for (const f of [this.angle, this.logScale, this.cx, this.cy]) f.reset();
  }

  smooth(p: SimilarityParams, tMs: number): SimilarityParams {
    const scale = Math.exp(this.logScale.filter(Math.log(p.scale) * HALF, tMs) / HALF);
    // The centre is filtered in crop px using the *smoothed* scale both ways: using the measured (jittery)
    // scale would re-inject its noise into the centre on the way out.
    return {
      angle: this.angle.filter(p.angle * HALF, tMs) / HALF,
      scale,
      centreX: this.cx.filter(p.centreX * scale, tMs) / scale,
      centreY: this.cy.filter(p.centreY * scale, tMs) / scale,
    };
  }
}
