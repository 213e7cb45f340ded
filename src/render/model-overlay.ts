/**
 * Canvas drawing of MOL's per-frame outputs on the video: the flow patch (src/render/flow-image.ts) and MOL's
 * 68 predicted landmarks, mapped from crop pixels back onto the video. Both canvases have the video's pixel size.
 */
import type { Affine2x3, Point } from '../pipeline/types';
import { colourWheelRgba, cropPointsToVideo, flowToVideoPatch } from './flow-image';

/** Distinct from MediaPipe's green (LANDMARK_COLOR) and the mesh blue. */
export const MOL_LANDMARK_COLOR = '#ff2bd6';

export function clearCanvas(ctx: CanvasRenderingContext2D): void {
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
}

export function drawFlow(ctx: CanvasRenderingContext2D, flow: Float32Array, alignment: Affine2x3, gain: number): void {
  clearCanvas(ctx);
  const patch = flowToVideoPatch(flow, alignment, ctx.canvas.width, ctx.canvas.height, gain);
  if (patch) ctx.putImageData(new ImageData(patch.rgba, patch.width, patch.height), patch.x0, patch.y0);
}

/** MOL's landmarks as small diamonds (MediaPipe's are squares) so the two sets can be told apart. */
export function drawMolLandmarks(ctx: CanvasRenderingContext2D, cropPoints: readonly Point[], alignment: Affine2x3, radius: number): void {
  clearCanvas(ctx);
  ctx.fillStyle = MOL_LANDMARK_COLOR;
  for (const [x, y] of cropPointsToVideo(alignment, cropPoints)) {
    ctx.beginPath();
    ctx.moveTo(x, y - radius);
    ctx.lineTo(x + radius, y);
    ctx.lineTo(x, y + radius);
    ctx.lineTo(x - radius, y);
    ctx.closePath();
    ctx.fill();
  }
}

export function drawColourWheel(ctx: CanvasRenderingContext2D): void {
  const n = Math.min(ctx.canvas.width, ctx.canvas.height);
  ctx.putImageData(new ImageData(colourWheelRgba(n), n, n), 0, 0);
}
