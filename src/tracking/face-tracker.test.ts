import { describe, expect, it } from 'vitest';
import type { Point } from '../pipeline/types';
import type { BlazeFaceDetector } from './face-detector';
import type { FaceMeshModel, MeshEstimate } from './face-mesh';
import { MESH_INPUT_SIZE } from './face-mesh';
import { FaceTracker } from './face-tracker';
import type { DetectedFace } from './types';

// A 200x200 frame, black but for a bright square "face" at (40..100, 40..100). The detector stand-in returns
// scripted boxes; the mesh stand-in sees the real sampled ROI pixels and calls it a face when they are bright.
const W = 200;
const rgba = new Uint8ClampedArray(W * W * 4);
for (let y = 40; y < 100; y++) for (let x = 40; x < 100; x++) rgba.fill(255, (y * W + x) * 4, (y * W + x) * 4 + 4);

function detection(x: number, y: number, size: number): DetectedFace {
  return { box: [x, y, size, size], score: 0.9, keypoints: [[x + 0.3 * size, y + 0.4 * size], [x + 0.7 * size, y + 0.4 * size], [x + 0.5 * size, y + 0.6 * size], [x + 0.5 * size, y + 0.8 * size], [x, y + 0.5 * size], [x + size, y + 0.5 * size]] };
}

const meshStandIn = {
  async estimate(input: Float32Array): Promise<MeshEstimate> {
    let sum = 0;
    for (const v of input) sum += v;
    const bright = sum / input.length > 0.3;
    const points: Point[] = Array.from({ length: 478 }, (_, i) => [MESH_INPUT_SIZE * (0.25 + 0.5 * ((i % 22) / 21)), MESH_INPUT_SIZE * (0.25 + 0.5 * (Math.floor(i / 22) / 21))]);
    return { presence: bright ? 0.95 : 0.05, points };
  },
} as unknown as FaceMeshModel;

describe('FaceTracker', () => {
  it('keeps the tracked face when a recount shows a larger "face" the mesh does not confirm', async () => {
    const real = detection(40, 40, 60);
    const phantom = detection(110, 100, 85); // larger, elsewhere, nothing there
    let calls = 0;
    const detector = { detect: () => (calls++ === 0 ? [real] : [phantom, real]) } as unknown as BlazeFaceDetector;
    const tracker = new FaceTracker(detector, meshStandIn, { recountEvery: 5 });
    const input = { image: null as unknown as HTMLCanvasElement, rgba, width: W, height: W };
    const results = [];
    for (let i = 0; i < 12; i++) results.push(await tracker.track(input));
    expect(calls).toBeGreaterThanOrEqual(2); // a recount happened
    expect(results.every((r) => r.faceFound)).toBe(true);
    expect(results.filter((r) => r.reacquired).length).toBe(1); // only the first detection
    const [x, y] = results[results.length - 1].faceBox!;
    expect(x).toBeLessThan(100);
    expect(y).toBeLessThan(100);
  });
});
