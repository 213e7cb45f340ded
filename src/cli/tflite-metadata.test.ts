import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { addTfliteMetadata, buildModelMetadata, TfliteFormatError } from './tflite-metadata';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FACE = path.join(REPO, 'models/face');

/** Minimal flatbuffer reading helpers over a DataView. */
function reader(bytes: Uint8Array) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const field = (table: number, id: number): number | null => {
    const vt = table - dv.getInt32(table, true);
    const at = 4 + 2 * id;
    if (at >= dv.getUint16(vt, true)) return null;
    const off = dv.getUint16(vt + at, true);
    return off ? table + off : null;
  };
  const deref = (p: number): number => p + dv.getUint32(p, true);
  const vector = (p: number): number[] => {
    const v = deref(p);
    return Array.from({ length: dv.getUint32(v, true) }, (_, i) => v + 4 + 4 * i);
  };
  const string = (p: number): string => {
    const s = deref(p);
    return new TextDecoder().decode(bytes.subarray(s + 4, s + 4 + dv.getUint32(s, true)));
  };
  return { dv, field, deref, vector, string, root: dv.getUint32(0, true) };
}

function facemeshPackEntry(name: string): Uint8Array {
  const dir = path.join(REPO, 'node_modules/@mediapipe/face_mesh');
  const loader = readFileSync(path.join(dir, 'face_mesh_solution_packed_assets_loader.js'), 'utf8');
  const m = new RegExp(`${name.replace('.', '\\.')}",\\s*"start":\\s*(\\d+),\\s*"end":\\s*(\\d+)`).exec(loader)!;
  return new Uint8Array(readFileSync(path.join(dir, 'face_mesh_solution_packed_assets.data')).subarray(Number(m[1]), Number(m[2])));
}

describe('TFLite metadata injection', () => {
  const original = facemeshPackEntry('face_detection_short_range.tflite');
  const meta = buildModelMetadata({
    name: 'test', description: 'd', version: '1', author: 'a', license: 'Apache-2.0',
    inputs: [{ name: 'image', image: { mean: 127.5, std: 127.5 } }], outputs: [{ name: 'regressors' }, { name: 'classificators' }],
  });
  const out = addTfliteMetadata(original, meta);
  const r = reader(out);

  it('keeps the original model byte-for-byte at the end, 64-byte aligned', () => {
    const start = out.length - original.length;
    expect(start % 64).toBe(0);
    expect(Buffer.compare(Buffer.from(out.subarray(start)), Buffer.from(original))).toBe(0);
    expect(new TextDecoder().decode(out.subarray(4, 8))).toBe('TFL3');
  });

  it('adds a TFLITE_METADATA entry whose buffer holds the M001 ModelMetadata, keeping the original entries', () => {
    const orig = reader(original);
    const origMetaField = orig.field(orig.root, 6);
    const origMeta = origMetaField === null ? 0 : orig.vector(origMetaField).length;
    const entries = r.vector(r.field(r.root, 6)!).map((p) => r.deref(p));
    expect(entries).toHaveLength(origMeta + 1);
    const names = entries.map((t) => r.string(r.field(t, 0)!));
    expect(names.at(-1)).toBe('TFLITE_METADATA');
    const bufferIndex = r.dv.getUint32(r.field(entries.at(-1)!, 1)!, true);
    const buffers = r.vector(r.field(r.root, 4)!).map((p) => r.deref(p));
    expect(buffers).toHaveLength(orig.vector(orig.field(orig.root, 4)!).length + 1);
    expect(bufferIndex).toBe(buffers.length - 1);
    const data = r.deref(r.field(buffers[bufferIndex], 0)!);
    expect((data + 4) % 16).toBe(0); // Buffer.data is force_align 16
    const payload = out.subarray(data + 4, data + 4 + r.dv.getUint32(data, true));
    expect(Buffer.compare(Buffer.from(payload), Buffer.from(meta))).toBe(0);
    expect(new TextDecoder().decode(meta.subarray(4, 8))).toBe('M001');
  });

  it('keeps the subgraphs and operator codes reachable (same tables as the original)', () => {
    const orig = reader(original);
    const shift = out.length - original.length;
    for (const id of [1, 2]) {
      const a = r.vector(r.field(r.root, id)!).map((p) => r.deref(p));
      const b = orig.vector(orig.field(orig.root, id)!).map((p) => orig.deref(p) + shift);
      expect(a).toEqual(b);
    }
  });

  it('the committed BlazeFace asset is exactly this build and matches SHA256SUMS', () => {
    const committed = readFileSync(path.join(FACE, 'blaze_face_short_range.tflite'));
    const sums = Object.fromEntries(readFileSync(path.join(FACE, 'SHA256SUMS'), 'utf8').trim().split('\n').map((l) => l.split(/\s+/).reverse()));
    for (const [file, sum] of Object.entries(sums)) {
      expect(createHash('sha256').update(readFileSync(path.join(FACE, file))).digest('hex'), file).toBe(sum);
    }
    const rebuilt = addTfliteMetadata(original, extractMetadata(committed));
    expect(Buffer.compare(Buffer.from(rebuilt), committed)).toBe(0);
  });

  it('refuses non-TFLite input and double injection', () => {
    expect(() => addTfliteMetadata(new Uint8Array(64), meta)).toThrow(TfliteFormatError);
    expect(() => addTfliteMetadata(out, meta)).toThrow(/already has TFLITE_METADATA/);
  });
});

function extractMetadata(model: Uint8Array): Uint8Array {
  const r = reader(model);
  const entries = r.vector(r.field(r.root, 6)!).map((p) => r.deref(p));
  const e = entries.find((t) => r.string(r.field(t, 0)!) === 'TFLITE_METADATA')!;
  const idx = r.dv.getUint32(r.field(e, 1)!, true);
  const buf = r.deref(r.vector(r.field(r.root, 4)!)[idx]);
  const data = r.deref(r.field(buf, 0)!);
  return model.subarray(data + 4, data + 4 + r.dv.getUint32(data, true));
}
