/**
 * Adds TFLite model metadata (the "TFLITE_METADATA" entry, ModelMetadata flatbuffer "M001") to a .tflite file.
 *
 * MediaPipe Tasks refuse float-input models without NormalizationOptions metadata, and the BlazeFace model
 * shipped inside `@mediapipe/face_mesh` has none. Rather than re-serialising the whole TFLite schema, we keep
 * the original flatbuffer byte-for-byte at the end of the new file and put a new root `Model` table in front of
 * it: flatbuffer offsets are relative and point forward, so the new root can reference every original table and
 * vector, and only the `buffers` and `metadata` vectors are rebuilt (original entries + one new entry each).
 */
import * as flatbuffers from 'flatbuffers';

export class TfliteFormatError extends Error {
  override name = 'TfliteFormatError';
}

export interface TensorMetadataSpec {
  name: string;
  /** Image inputs: RGB colour space and the normalisation (x - mean) / std the model expects. */
  image?: { mean: number; std: number };
}

export interface MetadataSpec {
  name: string;
  description: string;
  version: string;
  author: string;
  license: string;
  inputs: TensorMetadataSpec[];
  outputs: TensorMetadataSpec[];
}

// TFLite schema: Model table field ids.
const MODEL_FIELDS = 8; // version, operator_codes, subgraphs, description, buffers, metadata_buffer, metadata, signature_defs
const F_VERSION = 0;
const F_BUFFERS = 4;
const F_METADATA = 6;
const ORIGINAL_ALIGN = 64; // keeps the original buffers' (16-byte forced) alignment intact

/** Builds the ModelMetadata flatbuffer (file identifier M001). */
export function buildModelMetadata(spec: MetadataSpec): Uint8Array {
  const b = new flatbuffers.Builder(1024);
  const tensor = (t: TensorMetadataSpec): number => {
    const name = b.createString(t.name);
    let content = 0;
    let units = 0;
    if (t.image) {
      // ImageProperties { color_space: RGB }
      b.startObject(2);
      b.addFieldInt8(0, 1, 0);
      const props = b.endObject();
      // Content { content_properties_type: ImageProperties(2), content_properties }
      b.startObject(3);
      b.addFieldInt8(0, 2, 0);
      b.addFieldOffset(1, props, 0);
      content = b.endObject();
      const floats = (v: number): number => {
        b.startVector(4, 1, 4);
        b.addFloat32(v);
        return b.endVector();
      };
      const mean = floats(t.image.mean);
      const std = floats(t.image.std);
      // NormalizationOptions { mean, std }
      b.startObject(2);
      b.addFieldOffset(0, mean, 0);
      b.addFieldOffset(1, std, 0);
      const norm = b.endObject();
      // ProcessUnit { options_type: NormalizationOptions(1), options }
      b.startObject(2);
      b.addFieldInt8(0, 1, 0);
      b.addFieldOffset(1, norm, 0);
      const unit = b.endObject();
      units = offsetVector(b, [unit]);
    }
    // TensorMetadata { name, description, dimension_names, content, process_units }
    b.startObject(7);
    b.addFieldOffset(0, name, 0);
    if (content) b.addFieldOffset(3, content, 0);
    if (units) b.addFieldOffset(4, units, 0);
    return b.endObject();
  };
  const inputs = offsetVector(b, spec.inputs.map(tensor));
  const outputs = offsetVector(b, spec.outputs.map(tensor));
  b.startObject(9); // SubGraphMetadata
  b.addFieldOffset(2, inputs, 0);
  b.addFieldOffset(3, outputs, 0);
  const subgraph = b.endObject();
  const subgraphs = offsetVector(b, [subgraph]);
  const name = b.createString(spec.name);
  const description = b.createString(spec.description);
  const version = b.createString(spec.version);
  const author = b.createString(spec.author);
  const license = b.createString(spec.license);
  const minParser = b.createString('1.0.0');
  b.startObject(8); // ModelMetadata
  b.addFieldOffset(0, name, 0);
  b.addFieldOffset(1, description, 0);
  b.addFieldOffset(2, version, 0);
  b.addFieldOffset(3, subgraphs, 0);
  b.addFieldOffset(4, author, 0);
  b.addFieldOffset(5, license, 0);
  b.addFieldOffset(7, minParser, 0);
  const root = b.endObject();
  b.finish(root, 'M001');
  return b.asUint8Array().slice();
}

function offsetVector(b: flatbuffers.Builder, items: number[]): number {
  b.startVector(4, items.length, 4);
  for (let i = items.length - 1; i >= 0; i--) b.addOffset(items[i]);
  return b.endVector();
}

/** Forward-only little-endian byte writer for the new front section. */
class FrontWriter {
  bytes: number[] = [];
  get pos(): number { return this.bytes.length; }
  align(n: number): void { while (this.bytes.length % n !== 0) this.bytes.push(0); }
  u8(v: number): void { this.bytes.push(v & 0xff); }
  u16(v: number): void { this.u8(v); this.u8(v >>> 8); }
  u32(v: number): void { this.u16(v & 0xffff); this.u16(v >>> 16); }
  reserve32(): number { const p = this.pos; this.u32(0); return p; }
  patch32(at: number, v: number): void {
    for (let i = 0; i < 4; i++) this.bytes[at + i] = (v >>> (8 * i)) & 0xff;
  }
}

/** Returns a new .tflite with `metadata` added as the TFLITE_METADATA entry. */
export function addTfliteMetadata(model: Uint8Array, metadata: Uint8Array): Uint8Array {
  const dv = new DataView(model.buffer, model.byteOffset, model.byteLength);
  if (model.byteLength < 16) throw new TfliteFormatError('file too small to be a TFLite model');
  const ident = String.fromCharCode(...model.subarray(4, 8));
  if (ident !== 'TFL3') throw new TfliteFormatError(`not a TFLite flatbuffer (identifier "${ident}")`);
  const root = dv.getUint32(0, true);
  const vt = root - dv.getInt32(root, true);
  const vtSize = dv.getUint16(vt, true);
  const fieldPos = (id: number): number | null => {
    const at = 4 + 2 * id;
    if (at >= vtSize) return null;
    const off = dv.getUint16(vt + at, true);
    return off === 0 ? null : root + off;
  };
  const deref = (p: number): number => p + dv.getUint32(p, true);
  const vectorTargets = (id: number): number[] => {
    const p = fieldPos(id);
    if (p === null) return [];
    const v = deref(p);
    const n = dv.getUint32(v, true);
    return Array.from({ length: n }, (_, i) => deref(v + 4 + 4 * i));
  };
  for (const t of vectorTargets(F_METADATA)) {
    const nameField = t - dv.getInt32(t, true);
    const nameOff = dv.getUint16(nameField + 4, true);
    if (nameOff) {
      const s = deref(t + nameOff);
      const len = dv.getUint32(s, true);
      if (new TextDecoder().decode(model.subarray(s + 4, s + 4 + len)) === 'TFLITE_METADATA') {
        throw new TfliteFormatError('model already has TFLITE_METADATA');
      }
    }
  }
  const origBuffers = vectorTargets(F_BUFFERS);
  const origMetadata = vectorTargets(F_METADATA);

  // Two passes: the first measures the front section's size P, the second writes it with the final offsets.
  const build = (P: number): FrontWriter => {
    const w = new FrontWriter();
    const fixups: Array<() => void> = [];
    const rootSlot = w.reserve32();
    for (const c of 'TFL3') w.u8(c.charCodeAt(0));
    // Model vtable + table.
    w.align(4);
    const mvt = w.pos;
    w.u16(4 + 2 * MODEL_FIELDS);
    w.u16(4 + 4 * MODEL_FIELDS);
    for (let i = 0; i < MODEL_FIELDS; i++) w.u16(4 + 4 * i);
    w.align(4);
    const mt = w.pos;
    w.patch32(rootSlot, mt);
    w.u32(mt - mvt); // soffset: vtable sits before the table
    const fieldSlots: number[] = [];
    for (let i = 0; i < MODEL_FIELDS; i++) fieldSlots.push(w.reserve32());
    let buffersVec = 0;
    let metadataVec = 0;
    // buffers vector: original Buffer tables + the new one.
    w.align(4);
    buffersVec = w.pos;
    w.u32(origBuffers.length + 1);
    for (const t of origBuffers) { const s = w.reserve32(); fixups.push(() => w.patch32(s, P + t - s)); }
    const newBufferSlot = w.reserve32();
    // metadata vector: original entries + TFLITE_METADATA.
    metadataVec = w.pos;
    w.u32(origMetadata.length + 1);
    for (const t of origMetadata) { const s = w.reserve32(); fixups.push(() => w.patch32(s, P + t - s)); }
    const newMetaSlot = w.reserve32();
    // Metadata { name: string, buffer: uint }
    const metaVt = w.pos;
    w.u16(8); w.u16(12); w.u16(4); w.u16(8);
    const metaT = w.pos;
    w.patch32(newMetaSlot, metaT - newMetaSlot);
    w.u32(metaT - metaVt);
    const nameSlot = w.reserve32();
    w.u32(origBuffers.length);
    const str = w.pos;
    w.patch32(nameSlot, str - nameSlot);
    const name = 'TFLITE_METADATA';
    w.u32(name.length);
    for (const c of name) w.u8(c.charCodeAt(0));
    w.u8(0);
    // Buffer { data: [ubyte] }
    w.align(4);
    const bufVt = w.pos;
    w.u16(6); w.u16(8); w.u16(4);
    w.align(4);
    const bufT = w.pos;
    w.patch32(newBufferSlot, bufT - newBufferSlot);
    w.u32(bufT - bufVt);
    const dataSlot = w.reserve32();
    while ((w.pos + 4) % 16 !== 0) w.u8(0); // Buffer.data is force_align: 16
    const data = w.pos;
    w.patch32(dataSlot, data - dataSlot);
    w.u32(metadata.length);
    for (const byte of metadata) w.u8(byte);
    w.align(ORIGINAL_ALIGN);
    // Model fields: copy the originals (shifted by P), except the two rebuilt vectors.
    for (let i = 0; i < MODEL_FIELDS; i++) {
      const slot = fieldSlots[i];
      const p = fieldPos(i);
      if (i === F_BUFFERS) w.patch32(slot, buffersVec - slot);
      else if (i === F_METADATA) w.patch32(slot, metadataVec - slot);
      else if (i === F_VERSION) w.patch32(slot, p === null ? 0 : dv.getUint32(p, true));
      else if (p === null) w.patch32(slot, 0);
      else { const target = deref(p); fixups.push(() => w.patch32(slot, P + target - slot)); }
    }
    for (const f of fixups) f();
    return w;
  };
  const size = build(0).pos;
  const front = build(size);
  if (front.pos !== size) throw new TfliteFormatError('front section size changed between passes');
  // Fields the original model did not have are marked absent in the new vtable (a 0 uoffset is not "absent").
  const out = new Uint8Array(size + model.byteLength);
  out.set(front.bytes, 0);
  out.set(model, size);
  const odv = new DataView(out.buffer);
  const mt = odv.getUint32(0, true);
  const mvt = mt - odv.getInt32(mt, true);
  for (let i = 0; i < MODEL_FIELDS; i++) {
    if (i === F_VERSION || i === F_BUFFERS || i === F_METADATA) continue;
    if (fieldPos(i) === null) odv.setUint16(mvt + 4 + 2 * i, 0, true);
  }
  return out;
}
