import { describe, expect, it } from 'vitest';
import { grayToRgba } from './crop-preview';

// ImageData is a DOM type; a same-shaped object is what putImageData would receive.
const imageOf = (w: number, h: number) => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 4) }) as unknown as ImageData;

describe('grayToRgba', () => {
  it('copies each gray value into R, G and B and makes the pixel opaque', () => {
    const img = imageOf(2, 2);
    grayToRgba(Uint8Array.from([0, 64, 128, 255]), img);
    expect(Array.from(img.data)).toEqual([0, 0, 0, 255, 64, 64, 64, 255, 128, 128, 128, 255, 255, 255, 255, 255]);
  });

  it('rejects a crop of the wrong size', () => {
    expect(() => grayToRgba(new Uint8Array(3), imageOf(2, 2))).toThrow(RangeError);
  });
});
