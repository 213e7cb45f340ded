/**
 * Region-of-interest maths of MediaPipe's face landmark graph, in pixels: the ROI comes from a detection
 * (box + eye keypoints) on the first frame and from the previous frame's landmarks afterwards, enlarged 1.5x
 * and made square, rotated so the eyes are level in the 192x192 model input.
 */
import type { Point } from '../pipeline/types';
import type { DetectedFace, RotatedRect } from './types';

export const ROI_SCALE = 1.5;
/** Mesh indices of the two outer eye corners (image-left, image-right) that fix the ROI rotation. */
const EYE_CORNERS: readonly [number, number] = [33, 263];

function normalizeAngle(a: number): number {
  return a - 2 * Math.PI * Math.floor((a + Math.PI) / (2 * Math.PI));
}

/** Rotation that makes the line start->end horizontal (pointing right). */
export function rotationBetween(start: Point, end: Point): number {
  return normalizeAngle(Math.atan2(end[1] - start[1], end[0] - start[0]));
}

/** Enlarges a rect by `scale` and makes it square on its long side. */
export function enlargeSquare(r: RotatedRect, scale = ROI_SCALE): RotatedRect {
  const side = Math.max(r.w, r.h) * scale;
  return { ...r, w: side, h: side };
}

export function roiFromDetection(face: DetectedFace): RotatedRect {
  const [x, y, w, h] = face.box;
  const rotation = rotationBetween(face.keypoints[0], face.keypoints[1]);
  return enlargeSquare({ cx: x + w / 2, cy: y + h / 2, w, h, rotation });
}

export function roiFromLandmarks(points: readonly Point[]): RotatedRect {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const [x, y] of points) {
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  const rotation = rotationBetween(points[EYE_CORNERS[0]], points[EYE_CORNERS[1]]);
  return enlargeSquare({ cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, w: x1 - x0, h: y1 - y0, rotation });
}

/**
 * Keeps the previous ROI while the new one differs by less than a small fraction of its size. On a still
 * face the landmark -> ROI -> landmark loop then settles on one fixed crop instead of wandering by sub-pixel
 * amounts, which would show up as landmark jitter; real motion beyond ~1% of the face box still moves it.
 */
export function stabilizeRoi(prev: RotatedRect, next: RotatedRect, tolerance = 0.01): RotatedRect {
  const size = Math.max(prev.w, 1);
  const moved = Math.hypot(next.cx - prev.cx, next.cy - prev.cy) / size;
  const resized = Math.abs(next.w - prev.w) / size;
  const turned = Math.abs(normalizeAngle(next.rotation - prev.rotation));
  return moved < tolerance && resized < 2 * tolerance && turned < tolerance ? prev : next;
}

/** Maps a point given in the ROI's normalised frame ([0,1]^2, x along the rotated axis) to video pixels. */
export function roiToImage(r: RotatedRect, nx: number, ny: number): Point {
  const dx = (nx - 0.5) * r.w;
  const dy = (ny - 0.5) * r.h;
  const c = Math.cos(r.rotation);
  const s = Math.sin(r.rotation);
  return [r.cx + c * dx - s * dy, r.cy + s * dx + c * dy];
}

/** Intersection over union of two axis-aligned boxes [x, y, w, h]. */
export function boxIou(a: readonly number[], b: readonly number[]): number {
  const ix = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  const inter = ix * iy;
  const union = a[2] * a[3] + b[2] * b[3] - inter;
  return union > 0 ? inter / union : 0;
}

export function boundingBox(points: readonly Point[]): [number, number, number, number] {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const [x, y] of points) {
    x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
  }
  return [x0, y0, x1 - x0, y1 - y0];
}
