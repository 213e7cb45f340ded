/**
 * Shows the model's input: the 128x128 grayscale aligned crop, drawn 1:1 into a 128x128 canvas (CSS scales it
 * up with pixelated rendering, so every model pixel stays visible), with the 68 crop-space points on top.
 */
import type { Point } from '../pipeline/types';

export const CROP_SIZE = 128;

/** Expands row-major uint8 grayscale into the RGBA pixels of `image` (opaque). */
export function grayToRgba(gray: Uint8Array, image: ImageData): void {
  const n = image.width * image.height;
  if (gray.length !== n) throw new RangeError(`crop has ${gray.length} pixels, expected ${n}`);
  const px = image.data;
  for (let i = 0; i < n; i++) {
    const v = gray[i];
    px[4 * i] = v;
    px[4 * i + 1] = v;
    px[4 * i + 2] = v;
    px[4 * i + 3] = 255;
  }
}

export function drawCrop(ctx: CanvasRenderingContext2D, crop: Uint8Array | null, points: readonly Point[] | null, showPoints: boolean): void {
  const image = ctx.createImageData(CROP_SIZE, CROP_SIZE);
  if (crop) grayToRgba(crop, image);
  ctx.putImageData(image, 0, 0);
  if (!crop || !points || !showPoints) return;
  ctx.fillStyle = 'rgba(0, 255, 102, 0.9)';
  for (const [x, y] of points) ctx.fillRect(x - 0.5, y - 0.5, 1, 1);
}
