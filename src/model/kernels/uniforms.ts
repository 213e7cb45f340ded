/**
 * Each kernel declares its own uniforms ONCE as a `UniformSpec`; both the WGSL struct fields that tfjs appends
 * to its generated `Uniforms` struct and the `{type, data}` list passed to `runWebGPUProgram` are derived from
 * it, so the two can never drift apart (the hand-kept pair in tfjs's pad_webgpu.ts/PadV2.ts is the cautionary tale).
 *
 * Only scalars are allowed: a scalar has 4-byte size and alignment in a WGSL uniform struct
 * (https://www.w3.org/TR/WGSL/#alignment-and-size), so the packed offsets match tfjs's makeUniforms() exactly.
 */
export type UniformType = 'i32' | 'f32' | 'u32';

export interface UniformField {
  readonly name: string;
  readonly type: UniformType;
}

export type UniformSpec = readonly UniformField[];

/** The values a spec needs, by field name. */
export type UniformValues<S extends UniformSpec> = { readonly [K in S[number]['name']]: number };

export interface ProgramUniform {
  type: 'int32' | 'float32' | 'uint32';
  data: number[];
}

export class UniformValueError extends Error {
  override readonly name = 'UniformValueError';
}

const TFJS_TYPE: Record<UniformType, ProgramUniform['type']> = { i32: 'int32', f32: 'float32', u32: 'uint32' };

/** `a : i32, b : f32, ` — the text tfjs splices into its `struct Uniforms { ... }`. */
export function uniformsWgsl(spec: UniformSpec): string {
  return spec.map((f) => `${f.name} : ${f.type}, `).join('');
}

/** Packs values in spec order; rejects missing, non-finite and (for integer fields) non-integer values. */
export function packUniforms<S extends UniformSpec>(spec: S, values: UniformValues<S>): ProgramUniform[] {
  const byName = values as Readonly<Record<string, number>>;
  return spec.map((f) => {
    const v = byName[f.name];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new UniformValueError(`uniform ${f.name}: expected a finite number, got ${String(v)}`);
    }
    if (f.type !== 'f32' && !Number.isInteger(v)) throw new UniformValueError(`uniform ${f.name} (${f.type}): ${v} is not an integer`);
    if (f.type === 'u32' && v < 0) throw new UniformValueError(`uniform ${f.name} (u32): ${v} is negative`);
    return { type: TFJS_TYPE[f.type], data: [v] };
  });
}
