import { describe, expect, it } from 'vitest';
import { mergeDetections } from './detection-merge';
import type { DetectedFace } from './types';

const face = (x: number, y: number, w: number, score: number): DetectedFace => ({ box: [x, y, w, w], score, keypoints: [[x + w / 3, y + w / 3], [x + (2 * w) / 3, y + w / 3]] });

describe('mergeDetections', () => {
  it('keeps one box per face across passes (the larger one) and orders by size', () => {
    const merged = mergeDetections([face(400, 120, 50, 0.7), face(100, 100, 80, 0.8), face(102, 98, 82, 0.6)]);
    expect(merged).toHaveLength(2);
    expect(merged[0].box[2]).toBe(82);
    expect(merged[1].box[0]).toBe(400);
  });

  it('drops a face cut by a tile edge that lies inside the whole face', () => {
    const merged = mergeDetections([face(100, 100, 100, 0.9), { ...face(150, 110, 45, 0.95), box: [150, 110, 45, 80] }]);
    expect(merged).toHaveLength(1);
    expect(merged[0].box[2]).toBe(100);
  });

  it('keeps two separate small faces', () => {
    expect(mergeDetections([face(0, 0, 30, 0.6), face(200, 0, 30, 0.6)])).toHaveLength(2);
  });
});
