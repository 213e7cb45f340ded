/**
 * Node-side access to the shared golden fixtures (`<repo>/../shared/golden/`, beside the clone in CI).
 * Absent fixtures are an error, never a skip: parity is the point of these tests.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const GOLDEN_DIR = process.env.MOL_GOLDEN_DIR
  ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/golden');

export class GoldenFixturesMissingError extends Error {
  override readonly name = 'GoldenFixturesMissingError';
}

export interface GoldenTensorMeta {
  name: string;
  file: string;
  dtype: 'float32' | 'int32';
  shape: number[];
  layout: string;
  sha256: string;
}

export interface GoldenManifest {
  seed: number;
  tensors: GoldenTensorMeta[];
}

function need(file: string): string {
  const p = path.join(GOLDEN_DIR, file);
  if (!existsSync(p)) throw new GoldenFixturesMissingError(`golden fixture ${p} is missing (expected shared/golden beside the repo, or set MOL_GOLDEN_DIR)`);
  return p;
}

export function readGoldenManifest(seed: number): GoldenManifest {
  return JSON.parse(readFileSync(need(`golden-seed${seed}.json`), 'utf8')) as GoldenManifest;
}

export function readGoldenParams(numClasses: 3 | 5): { entries: { k: number; name: string; shape: number[]; role: string; used_in_forward: string; seed1: { sha256_le: string } }[] } {
  return JSON.parse(readFileSync(need(`params-${numClasses}cls.json`), 'utf8'));
}

/** Raw little-endian bytes of one golden tensor as a typed array of its dtype. */
export function readGoldenTensor(seed: number, name: string): { meta: GoldenTensorMeta; data: Float32Array | Int32Array } {
  const meta = readGoldenManifest(seed).tensors.find((t) => t.name === name);
  if (!meta) throw new GoldenFixturesMissingError(`golden-seed${seed}.json has no tensor named ${name}`);
  const buf = readFileSync(need(meta.file));
  const copy = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  return { meta, data: meta.dtype === 'int32' ? new Int32Array(copy) : new Float32Array(copy) };
}
