/**
 * tfjs-backend-wasm's BatchMatMul takes float32 only ("BatchMatMul for non non-float32 tensors not yet
 * supported"), and FaceMesh-with-attention's spatial transformers build their `repeat` as an int32 MatMul
 * (indices x ones). This graph rewrite runs each int32 MatMul in float32 between two Casts and a Cast back,
 * under the node's original name so its consumers are unchanged. Exact: the operands are pixel indices and
 * ones, far below 2^24.
 */

export interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

export interface GraphTopology {
  node: GraphNode[];
}

const MATMUL_OPS = new Set(['MatMul', 'BatchMatMul', 'BatchMatMulV2']);

function isInt32MatMul(n: GraphNode): boolean {
  const t = n.attr?.T as { type?: string } | undefined;
  return MATMUL_OPS.has(n.op) && t?.type === 'DT_INT32';
}

function cast(name: string, input: string, from: string, to: string): GraphNode {
  return { name, op: 'Cast', input: [input], attr: { SrcT: { type: from }, DstT: { type: to }, Truncate: { b: false } } };
}

/** A copy of `topology` with every int32 MatMul done in float32; `rewritten` counts them. */
export function floatIntMatMuls(topology: GraphTopology): { topology: GraphTopology; rewritten: number } {
  const node: GraphNode[] = [];
  let rewritten = 0;
  for (const n of topology.node) {
    if (!isInt32MatMul(n)) {
      node.push(n);
      continue;
    }
    const [a, b, ...control] = n.input ?? [];
    if (a === undefined || b === undefined) throw new Error(`MatMul ${n.name} has fewer than two inputs`);
    const inner = `${n.name}/float32`;
    node.push(
      cast(`${inner}/a`, a, 'DT_INT32', 'DT_FLOAT'),
      cast(`${inner}/b`, b, 'DT_INT32', 'DT_FLOAT'),
      { ...n, name: inner, input: [`${inner}/a`, `${inner}/b`, ...control], attr: { ...n.attr, T: { type: 'DT_FLOAT' } } },
      cast(n.name, inner, 'DT_FLOAT', 'DT_INT32'),
    );
    rewritten++;
  }
  return { topology: { ...topology, node }, rewritten };
}
