import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/astronaut-478.json';
import { LandmarkCountError, MESH_TO_DLIB68, toDlib68 } from './landmark-map';
import type { Point } from '../pipeline/types';

// A real FaceMesh result (frontal, upright face) recorded by `npm run analyze` on the astronaut fixture.
const mesh = fixture.points478 as unknown as Point[];
const l = toDlib68(mesh);
const x = (i: number): number => l[i][0];
const y = (i: number): number => l[i][1];
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, k) => a + k);

describe('478 -> 68 landmark map', () => {
  it('has 68 distinct mesh indices, all within the 478 points', () => {
    expect(MESH_TO_DLIB68).toHaveLength(68);
    expect(new Set(MESH_TO_DLIB68).size).toBe(68);
    for (const i of MESH_TO_DLIB68) expect(i >= 0 && i < 478).toBe(true);
  });

  it('rejects a point set that is not the 478-point mesh', () => {
    expect(() => toDlib68(mesh.slice(0, 468))).toThrow(LandmarkCountError);
  });

  it('jaw runs from the image-left ear down to the chin (8) and up to the right ear', () => {
    for (const i of range(0, 15)) expect(x(i + 1)).toBeGreaterThan(x(i));
    for (const i of range(0, 7)) expect(y(i + 1)).toBeGreaterThan(y(i));
    for (const i of range(8, 15)) expect(y(i + 1)).toBeLessThan(y(i));
    expect(Math.max(...range(0, 67).map(y))).toBe(y(8));
  });

  it('brows run left to right above the eyes', () => {
    for (const i of range(17, 25)) expect(x(i + 1)).toBeGreaterThan(x(i));
    for (const b of range(17, 21)) expect(y(b)).toBeLessThan(Math.min(...range(36, 41).map(y)));
    for (const b of range(22, 26)) expect(y(b)).toBeLessThan(Math.min(...range(42, 47).map(y)));
  });

  it('eyes: corners outside, upper lid above lower lid, left eye wholly left of the right eye', () => {
    expect(x(36)).toBeLessThan(x(37)); expect(x(38)).toBeLessThan(x(39));
    expect(x(42)).toBeLessThan(x(43)); expect(x(44)).toBeLessThan(x(45));
    expect(y(37)).toBeLessThan(y(41)); expect(y(38)).toBeLessThan(y(40));
    expect(y(43)).toBeLessThan(y(47)); expect(y(44)).toBeLessThan(y(46));
    expect(Math.max(...range(36, 41).map(x))).toBeLessThan(Math.min(...range(42, 47).map(x)));
  });

  it('nose bridge descends between the eyes to the tip; nostrils left to right below it', () => {
    for (const i of range(27, 29)) expect(y(i + 1)).toBeGreaterThan(y(i));
    for (const i of range(27, 30)) expect(x(i) > x(39) && x(i) < x(42)).toBe(true);
    for (const i of range(31, 34)) expect(x(i + 1)).toBeGreaterThan(x(i));
    expect(y(33)).toBeGreaterThan(y(30) - 2);
  });

  it('mouth: outer contour clockwise from the left corner, inner contour inside it, below the nose', () => {
    expect(x(48)).toBeLessThan(x(51)); expect(x(51)).toBeLessThan(x(54));
    expect(y(51)).toBeLessThan(y(57));
    expect(y(62)).toBeLessThan(y(66));
    expect(y(51)).toBeLessThanOrEqual(y(62)); expect(y(66)).toBeLessThanOrEqual(y(57));
    expect(x(48)).toBeLessThanOrEqual(x(60)); expect(x(64)).toBeLessThanOrEqual(x(54));
    expect(Math.min(...range(48, 67).map(y))).toBeGreaterThan(y(33));
  });

  it('is mirror-symmetric on a frontal face: paired points are equidistant from the midline', () => {
    const mid = (x(27) + x(8)) / 2;
    const iod = x(45) - x(36);
    const pairs: [number, number][] = [[0, 16], [4, 12], [17, 26], [19, 24], [36, 45], [39, 42], [31, 35], [48, 54]];
    for (const [a, b] of pairs) expect(Math.abs((mid - x(a)) - (x(b) - mid))).toBeLessThan(0.15 * iod);
  });
});
