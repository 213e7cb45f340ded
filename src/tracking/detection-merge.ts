/** Merging the detector's full-frame and tile passes into one list of distinct faces. */
import { boxIou } from './roi';
import type { DetectedFace } from './types';

/** Non-maximum suppression across the full-frame and tile passes; largest face first. */
export function mergeDetections(faces: DetectedFace[]): DetectedFace[] {
  // Largest first: of two boxes on one face, the larger is the face seen whole (a tile may cut it).
  const bySize = [...faces].sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3] || b.score - a.score);
  const kept: DetectedFace[] = [];
  for (const f of bySize) {
    // a face seen whole in a tile and cut at a tile edge overlaps its own larger box by less than IoU 0.3,
    // so also drop boxes mostly contained in a kept one
    const dup = kept.some((k) => boxIou(k.box, f.box) > 0.3 || containedFraction(f.box, k.box) > 0.6);
    if (!dup) kept.push(f);
  }
  return kept;
}

function containedFraction(inner: readonly number[], outer: readonly number[]): number {
  const ix = Math.max(0, Math.min(inner[0] + inner[2], outer[0] + outer[2]) - Math.max(inner[0], outer[0]));
  const iy = Math.max(0, Math.min(inner[1] + inner[3], outer[1] + outer[3]) - Math.max(inner[1], outer[1]));
  const area = inner[2] * inner[3];
  return area > 0 ? (ix * iy) / area : 0;
}
