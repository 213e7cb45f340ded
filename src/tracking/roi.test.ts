import { describe, expect, it } from 'vitest';
import { boxIou, enlargeSquare, roiFromDetection, roiToImage, rotationBetween, stabilizeRoi } from './roi';

describe('ROI maths', () => {
  it('rotation makes the eye line horizontal, clockwise-positive in image coordinates', () => {
    expect(rotationBetween([0, 0], [10, 0])).toBeCloseTo(0, 12);
    expect(rotationBetween([0, 0], [10, 10])).toBeCloseTo(Math.PI / 4, 12);
    expect(Math.cos(rotationBetween([10, 0], [0, 0]))).toBeCloseTo(-1, 12);
    expect(Math.abs(rotationBetween([10, 0], [0, 0]))).toBeLessThanOrEqual(Math.PI);
  });

  it('a detection ROI is the box centre, 1.5x the long side, square', () => {
    const r = roiFromDetection({ box: [100, 50, 80, 100], score: 0.9, keypoints: [[120, 80], [160, 80]] });
    expect(r).toEqual({ cx: 140, cy: 100, w: 150, h: 150, rotation: 0 });
    expect(enlargeSquare({ cx: 0, cy: 0, w: 10, h: 4, rotation: 0 }, 2)).toMatchObject({ w: 20, h: 20 });
  });

  it('maps normalised ROI coordinates through the rotation', () => {
    const r = { cx: 100, cy: 100, w: 40, h: 40, rotation: Math.PI / 2 };
    const [x, y] = roiToImage(r, 1, 0.5); // right edge of the ROI, rotated 90 deg clockwise -> below the centre
    expect(x).toBeCloseTo(100, 9);
    expect(y).toBeCloseTo(120, 9);
  });

  it('stabilisation keeps the old ROI for sub-1% changes and follows real motion', () => {
    const a = { cx: 100, cy: 100, w: 200, h: 200, rotation: 0 };
    expect(stabilizeRoi(a, { ...a, cx: 101, w: 201, rotation: 0.003 })).toBe(a);
    const moved = { ...a, cx: 104 };
    expect(stabilizeRoi(a, moved)).toBe(moved);
    const turned = { ...a, rotation: 0.05 };
    expect(stabilizeRoi(a, turned)).toBe(turned);
  });

  it('box IoU', () => {
    expect(boxIou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(boxIou([0, 0, 10, 10], [5, 0, 10, 10])).toBeCloseTo(50 / 150, 12);
    expect(boxIou([0, 0, 10, 10], [20, 20, 5, 5])).toBe(0);
  });
});
