/**
 * Draws a frame into a reusable 2D canvas and reads its RGBA pixels once; tracking and alignment both work
 * from these CPU-side pixels, and the canvas doubles as the detector's input image.
 */
export class FramePixelReader {
  private canvas: OffscreenCanvas | HTMLCanvasElement | null = null;
  private ctx: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null = null;

  read(image: CanvasImageSource, width: number, height: number): { canvas: OffscreenCanvas | HTMLCanvasElement; rgba: Uint8ClampedArray } {
    if (!this.canvas || this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(width, height) : Object.assign(document.createElement('canvas'), { width, height });
      this.ctx = this.canvas.getContext('2d', { willReadFrequently: true }) as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
      if (!this.ctx) throw new Error('2D canvas context unavailable');
    }
    const ctx = this.ctx!;
    ctx.drawImage(image, 0, 0, width, height);
    return { canvas: this.canvas, rgba: ctx.getImageData(0, 0, width, height).data };
  }
}
