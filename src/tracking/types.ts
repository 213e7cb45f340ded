import type { Point } from '../pipeline/types';

/** A possibly rotated rectangle in video pixels (continuous coordinates, pixel edges at integers). */
export interface RotatedRect {
  cx: number;
  cy: number;
  w: number;
  h: number;
  /** radians, clockwise on screen (image y points down) */
  rotation: number;
}

/** One face from the detector, in video pixels. */
export interface DetectedFace {
  box: [number, number, number, number];
  score: number;
  /** BlazeFace keypoints: 0 right eye, 1 left eye, 2 nose tip, 3 mouth, 4 right ear, 5 left ear (subject's sides). */
  keypoints: Point[];
}

export class TrackingAssetError extends Error {
  override name = 'TrackingAssetError';
}
