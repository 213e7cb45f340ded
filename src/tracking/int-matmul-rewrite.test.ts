import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { floatIntMatMuls, type GraphTopology } from './int-matmul-rewrite';

const model = JSON.parse(readFileSync(new URL('../../models/face/facemesh-attention.json', import.meta.url), 'utf8')) as {
  modelTopology: GraphTopology;
};

describe('floatIntMatMuls', () => {
  it('moves the three int32 repeat MatMuls of FaceMesh-attention to float32 under their own names', () => {
    const before = model.modelTopology;
    const { topology, rewritten } = floatIntMatMuls(before);
    expect(rewritten).toBe(3);
    expect(topology.node.length).toBe(before.node.length + 3 * 3);
    const int32MatMuls = topology.node.filter((n) => n.op.includes('MatMul') && (n.attr?.T as { type: string }).type === 'DT_INT32');
    expect(int32MatMuls).toEqual([]);
    const names = new Set(topology.node.map((n) => n.name));
    expect(names.size).toBe(topology.node.length);
    // Every input still names a node, so consumers of the old MatMul now read its Cast back to int32.
    for (const n of topology.node) for (const i of n.input ?? []) expect(names.has(i.replace(/^\^/, '').split(':')[0])).toBe(true);
    const old = before.node.find((n) => n.op === 'MatMul' && (n.attr?.T as { type: string }).type === 'DT_INT32')!;
    const back = topology.node.find((n) => n.name === old.name)!;
    expect(back.op).toBe('Cast');
    expect(back.attr?.DstT).toEqual({ type: 'DT_INT32' });
    const inner = topology.node.find((n) => n.name === back.input![0])!;
    expect(inner.op).toBe('MatMul');
    expect(inner.attr?.T).toEqual({ type: 'DT_FLOAT' });
    expect(inner.input!.map((i) => topology.node.find((n) => n.name === i)!.input![0])).toEqual(old.input);
  });

  it('leaves a graph without int32 MatMuls as it was', () => {
    const g: GraphTopology = { node: [{ name: 'x', op: 'Placeholder' }, { name: 'm', op: 'MatMul', input: ['x', 'x'], attr: { T: { type: 'DT_FLOAT' } } }] };
    expect(floatIntMatMuls(g)).toEqual({ topology: g, rewritten: 0 });
  });
});
