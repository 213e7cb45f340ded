/**
 * Draws tracked points on a transparent canvas that has the video's pixel size, so landmark coordinates (video
 * pixels) are canvas coordinates. The 68 dlib-convention points are drawn large, the 478 MediaPipe points small.
 */
import type { Point } from '../pipeline/types';

export const LANDMARK_COLOR = '#00ff66';
export const MESH_COLOR = '#33ccff';
export const FACE_BOX_COLOR = 'rgba(255, 200, 0, 0.8)';

export interface OverlayData {
  points: readonly Point[] | null;
  faceBox: readonly [number, number, number, number] | null;
  /** Half size of each point marker in canvas pixels. */
  radius: number;
  color: string;
}

export function drawOverlay(ctx: CanvasRenderingContext2D, data: OverlayData): void {
  const { canvas } = ctx;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (data.faceBox) {
    const [x, y, w, h] = data.faceBox;
    ctx.strokeStyle = FACE_BOX_COLOR;
    ctx.lineWidth = Math.max(1, canvas.width / 320);
    ctx.strokeRect(x, y, w, h);
  }
  if (!data.points) return;
  ctx.fillStyle = data.color;
  const r = data.radius;
  for (const [x, y] of data.points) ctx.fillRect(x - r, y - r, 2 * r, 2 * r);
}
