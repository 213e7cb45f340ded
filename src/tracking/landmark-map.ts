/**
 * MediaPipe 478-point mesh -> the 68 points of the dlib / iBUG-300W convention MOL's landmark head uses.
 *
 * Each dlib point is taken as the mesh vertex at the same anatomical spot (image-left = the subject's right):
 *  - jaw 0-16: face-oval vertices from the right ear level down to the chin (152) and up to the left ear,
 *    using mirror pairs of the mesh so the contour is symmetric (234/454, 93/323, 132/361, 58/288, 172/397,
 *    136/365, 150/379, 176/400);
 *  - brows 17-26: the upper brow edge, outer to inner on the right (70 63 105 66 107), inner to outer on
 *    the left (336 296 334 293 300);
 *  - nose 27-35: bridge from the nasion to the tip (168 197 5 1), then the nostril base right to left
 *    (98 97 2 326 327);
 *  - eyes 36-47: corners and the lid points a third of the way along each lid, starting at the outer
 *    corner of the right eye (33 160 158 133 153 144) and the inner corner of the left eye (362 385 387 263 373 380);
 *  - lips 48-67: outer contour from the right corner clockwise on screen (61 40 37 0 267 270 291 321 314 17 84 91),
 *    inner contour likewise (78 81 13 311 308 402 14 178).
 * A vertex is used only once; the mesh has no single vertex between these for dlib's evenly spaced points,
 * so the nearest vertex along the same contour is used.
 */
import type { Point } from '../pipeline/types';

export const MESH_TO_DLIB68: readonly number[] = [
  // jaw 0-16
  234, 93, 132, 58, 172, 136, 150, 176, 152, 400, 379, 365, 397, 288, 361, 323, 454,
  // right brow 17-21, left brow 22-26
  70, 63, 105, 66, 107, 336, 296, 334, 293, 300,
  // nose bridge 27-30, nostrils 31-35
  168, 197, 5, 1, 98, 97, 2, 326, 327,
  // right eye 36-41, left eye 42-47
  33, 160, 158, 133, 153, 144, 362, 385, 387, 263, 373, 380,
  // outer lips 48-59, inner lips 60-67
  61, 40, 37, 0, 267, 270, 291, 321, 314, 17, 84, 91, 78, 81, 13, 311, 308, 402, 14, 178,
];

export class LandmarkCountError extends Error {
  override name = 'LandmarkCountError';
}

export function toDlib68(points478: readonly Point[]): Point[] {
  if (points478.length !== 478) throw new LandmarkCountError(`expected 478 mesh points, got ${points478.length}`);
  return MESH_TO_DLIB68.map((i) => points478[i]);
}
