/**
 * Per-kernel profile of the streaming step (`npm run bench -- --profile`): one real step (encode the newest frame
 * + MER, flow and landmark heads) is run through a recording MolOps decorator that keeps a copy of every call's
 * data inputs; afterwards each recorded call is replayed alone on our kernels and timed like the kernel rows
 * (median wall time after a warm-up, including the read-back of its output). Element-wise glue outside MolOps
 * (concat, reshape, softmax) is not in the table; the read-back floor (a one-element op) is reported beside it.
 */
import * as tf from '@tensorflow/tfjs';
import { kernelOps } from '../../model/kernels';
import { buildRecipeWeights, disposeMolWeights, MolGraph, PAPER_CONFIG, RT_CONFIG } from '../../model/mol';
import type { Conv2dOptions, MolOps } from '../../model/ops';
import { MolConv2d, defaultConv2dBlock, type Conv2dBlock } from '../../model/kernels/conv2d';
import { measure, median, timeOnce } from './bench-timing';
import { flops } from './flop-count';

export interface ProfileRow {
  /** Position in the step's call order. */
  order: number;
  op: string;
  /** Input shape(s) -> output shape and the op's attributes. */
  label: string;
  flops: number;
  ms: number;
}

export interface ProfileReport {
  config: string;
  rows: ProfileRow[];
  /** Median wall time of reading back a one-element result (the fixed cost inside every row). */
  readbackFloorMs: number;
  /** With tuning: every conv2d call timed with every register block. */
  tune?: TuneRow[];
}

interface Recorded {
  op: string; label: string; flops: number; kept: tf.Tensor[]; replay: () => tf.Tensor;
  /** conv2d only: the call's tensors and options, for replays with other register blocks. */
  conv?: { x: tf.Tensor4D; w: tf.Tensor4D; o: Conv2dOptions; outW: number };
}

/** One conv2d call of the step timed with every register block (interleaved rounds, so load drifts hit all alike). */
export interface TuneRow { order: number; label: string; flops: number; defaultBlock: string; ms: Record<string, number> }

const shape = (t: tf.Tensor) => `[${t.shape.join(',')}]`;

/** Wraps `base`: every call runs normally and is also recorded with kept copies of its data (non-weight) inputs. */
function recordingOps(base: MolOps, log: Recorded[]): MolOps {
  const keep = <T extends tf.Tensor>(t: T): T => tf.keep(tf.clone(t));
  const rec = (op: string, y: tf.Tensor, label: string, f: number, kept: tf.Tensor[], replay: () => tf.Tensor) => {
    log.push({ op, label: `${label} -> ${shape(y)}`, flops: f, kept, replay });
    return y;
  };
  return {
    name: base.name,
    conv2d(x, w, o) {
      const y = base.conv2d(x, w, o); const k = keep(x);
      const pad = typeof o.pad === 'number' ? o.pad : `[${o.pad.join(',')}]`;
      rec('conv2d', y, `${shape(k)} k${w.shape[0]}x${w.shape[1]} s${o.stride} p${pad} ${o.activation}`, flops.conv2d(y, w), [k], () => base.conv2d(k, w, o));
      log[log.length - 1].conv = { x: k, w, o, outW: y.shape[2] };
      return y;
    },
    deconv(x, w, o) {
      const y = base.deconv(x, w, o); const k = keep(x);
      return rec('deconv', y, `${shape(k)} k4 s2 ${o.activation}`, flops.deconv(y, w), [k], () => base.deconv(k, w, o)) as tf.Tensor4D;
    },
    fcc(x, p) {
      const y = base.fcc(x, p); const k = keep(x);
      return rec('fcc', y, shape(k), flops.fcc(x), [k], () => base.fcc(k, p)) as tf.Tensor4D;
    },
    knn(u, kk) {
      const y = base.knn(u, kk); const k = keep(u);
      return rec('knn', y, `${shape(k)} k=${kk}`, flops.knn(u), [k], () => base.knn(k, kk)) as tf.Tensor3D;
    },
    cccEdge(u, nbr, p) {
      const y = base.cccEdge(u, nbr, p); const k = keep(u), n = keep(nbr);
      return rec('cccEdge', y, shape(k), flops.cccEdge(u, nbr.shape[2]), [k, n], () => base.cccEdge(k, n, p)) as tf.Tensor4D;
    },
    ccc(u, p, kk) {
      const y = base.ccc(u, p, kk); const k = keep(u);
      return rec('ccc', y, `${shape(k)} k=${kk} (knn + edge)`, flops.knn(u) + flops.cccEdge(u, kk), [k], () => base.ccc(k, p, kk)) as tf.Tensor4D;
    },
    conv3dPool(x, w, b) {
      const y = base.conv3dPool(x, w, b); const k = keep(x);
      return rec('conv3dPool', y, shape(k), flops.conv3dPool(x, w), [k], () => base.conv3dPool(k as tf.Tensor5D, w, b)) as tf.Tensor5D;
    },
    correlation(a, b) {
      const y = base.correlation(a, b); const ka = keep(a), kb = keep(b);
      return rec('correlation', y, shape(ka), flops.correlation(a), [ka, kb], () => base.correlation(ka, kb)) as tf.Tensor4D;
    },
    dense(x, w, b, act) {
      const y = base.dense(x, w, b, act); const k = keep(x);
      return rec('dense', y, `${shape(k)}x${shape(w)} ${act}`, flops.dense(x, w), [k], () => base.dense(k, w, b, act)) as tf.Tensor2D;
    },
    concatChannels(xs) {
      const y = base.concatChannels(xs); const ks = xs.map(keep);
      return rec('concatChannels', y, ks.map(shape).join('+'), 0, ks, () => base.concatChannels(ks)) as tf.Tensor4D;
    },
    shiftSlots(ring, adds) {
      const y = base.shiftSlots(ring, adds); const kr = keep(ring), ka = adds.map(keep);
      return rec('shiftSlots', y, `${shape(kr)}+${ka.map(shape).join('+')}`, 0, [kr, ...ka], () => base.shiftSlots(kr, ka)) as tf.Tensor4D;
    },
  };
}

function frame(i: number): tf.Tensor3D {
  return tf.tidy(() => tf.randomNormal([128, 128, 1], 0, 1, 'float32', 100 + i) as tf.Tensor3D);
}

const TUNE_BLOCKS: readonly Conv2dBlock[] = [1, 2, 4, 8].flatMap((pixels) => [1, 2].map((vec4s) => ({ pixels, vec4s })));
const blockName = (b: Conv2dBlock) => `${b.pixels}x${4 * b.vec4s}`;

/** conv2d with `block`; with `padC`, x and w get zero input channels up to a multiple of 4 first (timed too). */
function convWithBlock(c: NonNullable<Recorded['conv']>, block: Conv2dBlock, padC = false): tf.Tensor {
  if (padC) {
    const extra = (4 - (c.x.shape[3] % 4)) % 4;
    return tf.tidy(() => convWithBlock({
      ...c, x: tf.pad(c.x, [[0, 0], [0, 0], [0, 0], [0, extra]]), w: tf.pad(c.w, [[0, 0], [0, 0], [0, extra], [0, 0]]),
    }, block));
  }
  const { x, w, o } = c;
  const pad = typeof o.pad === 'number' ? [o.pad, o.pad, o.pad, o.pad] : [...o.pad];
  const inputs: tf.NamedTensorMap = { x, w };
  if (o.bias) inputs.bias = o.bias;
  if (o.bnScale && o.bnShift) { inputs.bnScale = o.bnScale; inputs.bnShift = o.bnShift; }
  return tf.engine().runKernel(MolConv2d, inputs, { stride: o.stride, pad, activation: o.activation, alpha: o.alpha ?? 0.1, block } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

async function tuneConvs(log: Recorded[], reps: number): Promise<TuneRow[]> {
  const rows: TuneRow[] = [];
  for (const [order, r] of log.entries()) {
    if (!r.conv) continue;
    // Inputs whose channel count is not a multiple of 4 also try zero-padding them to one (vec4 loads of x).
    const variants = [...TUNE_BLOCKS.map((b) => ({ name: blockName(b), b, pad: false })),
      ...(r.conv.x.shape[3] % 4 !== 0 ? TUNE_BLOCKS.filter((b) => b.pixels >= 4).map((b) => ({ name: `pad+${blockName(b)}`, b, pad: true })) : [])];
    const runs = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    for (const v of variants) await timeOnce(() => convWithBlock(r.conv!, v.b, v.pad)); // warm-up: compile every variant
    for (let i = 0; i < reps; i++) {
      for (const v of variants) runs.get(v.name)!.push(await timeOnce(() => convWithBlock(r.conv!, v.b, v.pad)));
    }
    rows.push({
      order, label: r.label, flops: r.flops, defaultBlock: blockName(defaultConv2dBlock(r.conv.w.shape[3], r.conv.outW)),
      ms: Object.fromEntries([...runs].map(([k, v]) => [k, median(v)])),
    });
  }
  return rows;
}

export async function profileStep(configName: 'rt' | 'paper', reps: number, capMs: number, tune = false): Promise<ProfileReport> {
  if (tf.getBackend() !== 'webgpu' && !(await tf.setBackend('webgpu'))) throw new Error('backend webgpu unavailable');
  const config = configName === 'rt' ? RT_CONFIG : PAPER_CONFIG;
  const weights = buildRecipeWeights(config, 1);
  const log: Recorded[] = [];
  let recording = false;
  const ops = new Proxy({} as MolOps, { get: (_t, key: keyof MolOps) => (recording ? recorder : kernelOps)[key] });
  const recorder = recordingOps(kernelOps, log);
  const stream = new MolGraph(weights, ops).createStream();
  try {
    for (let i = 0; i < config.clipLength; i++) {
      recording = i === config.clipLength - 1;
      const f = frame(i);
      const out = stream.push(f);
      f.dispose();
      if (out) tf.dispose([out.logits, out.flow, out.ldm]);
    }
    recording = false;
    const rows: ProfileRow[] = [];
    for (const [order, r] of log.entries()) {
      const t = await measure(() => r.replay(), reps, capMs);
      rows.push({ order, op: r.op, label: r.label, flops: r.flops, ms: t.ms });
    }
    const tuned = tune ? await tuneConvs(log, reps) : undefined;
    const one = tf.zeros([1]);
    const floor = await measure(() => tf.add(one, 1), reps, capMs);
    one.dispose();
    return { config: configName, rows, readbackFloorMs: floor.ms, tune: tuned };
  } finally {
    for (const r of log) tf.dispose(r.kept);
    stream.dispose();
    disposeMolWeights(weights);
  }
}
