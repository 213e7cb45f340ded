import { describe, expect, it } from 'vitest';
import { yuv420ToRgba, yuvMatrix, type YuvPlanes } from './video-frame-pixels';

/** A 2x2 frame of one colour, as NV12 and as I420 with padded rows. */
function planes(y: number, u: number, v: number, format: 'NV12' | 'I420'): YuvPlanes {
  if (format === 'NV12') return { format, width: 2, height: 2, data: Uint8Array.from([y, y, y, y, u, v]), layout: [{ offset: 0, stride: 2 }, { offset: 4, stride: 2 }] };
  // stride 3 for Y (one padding byte per row), U and V after it
  return { format, width: 2, height: 2, data: Uint8Array.from([y, y, 0, y, y, 0, u, v]), layout: [{ offset: 0, stride: 3 }, { offset: 6, stride: 1 }, { offset: 7, stride: 1 }] };
}

function rgbOf(p: YuvPlanes, matrix: string, full: boolean): number[] {
  const out = new Uint8ClampedArray(16);
  yuv420ToRgba(p, yuvMatrix(matrix, full)!, out);
  for (let i = 4; i < 16; i += 4) expect(Array.from(out.subarray(i, i + 4))).toEqual(Array.from(out.subarray(0, 4)));
  expect(out[3]).toBe(255);
  return Array.from(out.subarray(0, 3));
}

describe('YUV 4:2:0 -> RGBA', () => {
  it('limited range BT.601: black, white and the primaries of the standard', () => {
    for (const f of ['NV12', 'I420'] as const) {
      expect(rgbOf(planes(16, 128, 128, f), 'smpte170m', false)).toEqual([0, 0, 0]);
      expect(rgbOf(planes(235, 128, 128, f), 'smpte170m', false)).toEqual([255, 255, 255]);
      // 100 % red, green and blue in BT.601 limited range (Y, Cb, Cr)
      const red = rgbOf(planes(81, 90, 240, f), 'smpte170m', false);
      const green = rgbOf(planes(145, 54, 34, f), 'bt470bg', false);
      const blue = rgbOf(planes(41, 240, 110, f), 'smpte170m', false);
      for (const [got, want] of [[red, [255, 0, 0]], [green, [0, 255, 0]], [blue, [0, 0, 255]]]) {
        got.forEach((g, i) => expect(Math.abs(g - want[i])).toBeLessThanOrEqual(2));
      }
    }
  });

  it('full range and BT.709; other matrices are not converted here', () => {
    expect(rgbOf(planes(0, 128, 128, 'NV12'), 'bt709', true)).toEqual([0, 0, 0]);
    expect(rgbOf(planes(255, 128, 128, 'NV12'), 'bt709', true)).toEqual([255, 255, 255]);
    const red709 = rgbOf(planes(63, 102, 240, 'NV12'), 'bt709', false); // 100 % red, BT.709 limited
    red709.forEach((g, i) => expect(Math.abs(g - [255, 0, 0][i])).toBeLessThanOrEqual(2));
    expect(yuvMatrix('bt2020-ncl', false)).toBeNull();
    expect(yuvMatrix('rgb', true)).toBeNull();
    expect(yuvMatrix(null, null)).not.toBeNull(); // unspecified: BT.601 limited, as browsers assume for SD video
  });

  it('names a wrong output size', () => {
    expect(() => yuv420ToRgba(planes(16, 128, 128, 'NV12'), yuvMatrix('bt709', false)!, new Uint8ClampedArray(4))).toThrow(/needs 16/);
  });
});
