/**
 * Eye aspect ratio (lid gap over eye width) on the 68 iBUG landmarks: about 0.25-0.35 open, near 0 closed,
 * and unchanged by scale, so a blink is a dip of this ratio and its recovery.
 */
import type { Point } from '../pipeline/types';

/** [outer/inner corner, upper lid a, upper lid b, other corner, lower lid b, lower lid a] per eye. */
const EYE_L = [36, 37, 38, 39, 40, 41] as const;
const EYE_R = [42, 43, 44, 45, 46, 47] as const;

function dist(a: Point, b: Point): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

function eyeAspect(l: readonly Point[], e: readonly number[]): number {
  const width = dist(l[e[0]], l[e[3]]);
  if (width <= 0) return 0;
  return (dist(l[e[1]], l[e[5]]) + dist(l[e[2]], l[e[4]])) / (2 * width);
}

/**
 * The blink rule's closure level: the eyes count as closed below half way from open (ratio 1, relative to the
 * baseline) down to the dip's deepest point `minRatio`. The streaming scorer and the interval detector both use it.
 */
export function blinkClosedBelow(minRatio: number): number {
  return 1 - (1 - minRatio) / 2;
}

/** Mean of both eyes' aspect ratios (blinks close both eyes together). */
export function eyeAspectRatio(landmarks: readonly Point[]): number {
  return 0.5 * (eyeAspect(landmarks, EYE_L) + eyeAspect(landmarks, EYE_R));
}
