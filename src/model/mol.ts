/**
 * Public API of the model stage: MOL as a tfjs graph (whole clip or streaming), its weights (recipe or
 * web weight format) and the two MolOps implementations' shared contract.
 */
import * as tf from '@tensorflow/tfjs';
import type { MolConfig } from './config';
import { checkClip, MolGraphCore, type MolOutputs } from './graph';
import { MOL_FIXED } from './config';
import type { MolOps } from './ops';
import { recipeStateDict } from './recipe';
import { MolStreamImpl, type MolStream } from './streaming';
import { molWeightsFromStateDict } from './weights/from-state-dict';
import type { MolWeights } from './weights/types';

export type { MolOutputs } from './graph';
export type { MolStream, MolStepOutputs } from './streaming';
export type { MolWeights } from './weights/types';
export type { MolConfig } from './config';
export { PAPER_CONFIG, RT_CONFIG, withClasses, parseMolConfig, MolConfigError } from './config';
export { MolClipShapeError } from './graph';
export { MolStreamDisposedError } from './streaming';
export { disposeMolWeights } from './weights/types';
export { loadMolWeights, type ModelMeta } from './weights/loader';
export { referenceOps } from './layers/reference-ops';
export * from './weights/errors';

const CROP = MOL_FIXED.crop;

export interface ForwardOptions {
  capture?: boolean;
  flowPairs?: readonly number[];
}

export class MolGraph {
  private readonly core: MolGraphCore;

  constructor(readonly weights: MolWeights, readonly ops: MolOps) {
    this.core = new MolGraphCore(weights, ops);
  }

  get config(): MolConfig { return this.weights.config; }

  /**
   * Whole-clip forward: clip [8,128,128,1] (normalised) -> logits, flow and landmarks for the 7 pairs.
   * With `capture`, also returns the golden intermediates (names of shared/golden, NHWC layouts; see
   * src/model/golden-layout.ts). `flowPairs` restricts the (expensive) flow head to some pairs, in that order;
   * `flow` then has one entry per listed pair (none: the flow head is skipped). The caller owns and disposes every returned tensor.
   */
  forwardClip(clip: tf.Tensor4D, opts: ForwardOptions = {}): MolOutputs & { intermediates?: Record<string, tf.Tensor> } {
    const T = this.config.clipLength;
    checkClip(clip, T);
    const c = this.core;
    const ops = this.ops;
    const k = this.config.neighborNum;
    const P = T - 1;
    const flowPairs = opts.flowPairs;
    if (flowPairs && flowPairs.some((p) => !Number.isInteger(p) || p < 0 || p >= P)) {
      throw new RangeError(`flowPairs must list pair indices in 0..${P - 1}, got [${flowPairs}]`);
    }
    return tf.tidy(() => {
      const cap: Record<string, tf.Tensor> = {};
      const first = <R extends tf.Tensor>(t: R, n = 1): R => tf.slice(t, 0, n) as R;
      const pairsA = <R extends tf.Tensor>(t: R): R => tf.slice(t, 0, P) as R;
      const pairsB = <R extends tf.Tensor>(t: R): R => tf.slice(t, 1, P) as R;
      // Stem weights are shared, so one stem call per frame is exact (the official code runs it 14 times).
      const stem = c.stem(clip);
      let f1: tf.Tensor4D, f2: tf.Tensor4D;
      if (opts.capture) {
        const w = this.weights;
        const u1 = ops.fcc(pairsA(stem), w.fcc1), u2 = ops.fcc(pairsB(stem), w.fcc2);
        const n1 = ops.knn(u1, k), n2 = ops.knn(u2, k);
        const e1 = ops.cccEdge(u1, n1, w.ccc1), e2 = ops.cccEdge(u2, n2, w.ccc2);
        f1 = tf.add(u1, e1);
        f2 = tf.add(u2, e2);
        Object.assign(cap, {
          stem_f0: first(stem), fcc1_f0: first(u1), ccc1_edge_f0: first(e1), f5c1_f0: first(f1),
          fcc2_f1: first(u2), ccc2_edge_f1: first(e2), f5c2_f1: first(f2),
          // CALL c = 2p: block 1 on frame p; c = 2p + 1: block 2 on frame p + 1.
          fcc_out_all: c.merInput(u1, u2),
          knn_idx_all: tf.reshape(tf.stack([n1, n2], 1), [2 * P, n1.shape[1], k]),
        });
      } else {
        f1 = c.f5c1(pairsA(stem));
        f2 = c.f5c2(pairsB(stem));
      }
      const merInput = c.merInput(f1, f2);
      const logits = c.merHead(merInput);
      const ldm = c.ldmHead(f2);
      if (flowPairs && flowPairs.length === 0) {
        // Flow head skipped (MER and landmarks only).
        const flow = tf.zeros([0, CROP, CROP, 2]) as tf.Tensor4D;
        if (!opts.capture) return { logits, flow, ldm };
        Object.assign(cap, { mer_input: merInput, mer_logits: logits, ldm });
        return { logits, flow, ldm, intermediates: cap };
      }
      // FlowNet's encoder weights are shared by both frames of a pair: run it once per needed frame.
      let xa: tf.Tensor4D, e1a: tf.Tensor4D, e2a: tf.Tensor4D, e3a: tf.Tensor4D, e3b: tf.Tensor4D;
      if (flowPairs) {
        xa = tf.gather(clip, flowPairs, 0);
        const ea = c.encoder(xa);
        const eb = c.encoder(tf.gather(clip, flowPairs.map((p) => p + 1), 0));
        [e1a, e2a, e3a, e3b] = [ea.enc1, ea.enc2, ea.enc3, eb.enc3];
      } else {
        const e = c.encoder(clip);
        [xa, e1a, e2a, e3a, e3b] = [pairsA(clip), pairsA(e.enc1), pairsA(e.enc2), pairsA(e.enc3), pairsB(e.enc3)];
      }
      const sel = (t: tf.Tensor4D): tf.Tensor4D => (flowPairs ? tf.gather(t, flowPairs, 0) : t);
      const pair0 = flowPairs ? flowPairs.indexOf(0) : 0;
      const flow = c.flowHead(xa, e1a, e2a, e3a, e3b, sel(f1), sel(f2),
        opts.capture && pair0 >= 0 ? (name, t) => { if (name === 'corr') cap.corr_pair0 = tf.slice(t, pair0, 1); } : undefined);
      if (opts.capture && pair0 >= 0) {
        Object.assign(cap, { flow_conv3a_pair0: tf.slice(e3a, pair0, 1), flow_conv3b_pair0: tf.slice(e3b, pair0, 1) });
      }
      if (!opts.capture) return { logits, flow, ldm };
      Object.assign(cap, {
        mer_input: merInput, mer_logits: logits, ldm, flow,
      });
      return { logits, flow, ldm, intermediates: cap };
    });
  }

  /** Streaming state for the live window (src/model/streaming.ts). */
  createStream(): MolStream {
    return new MolStreamImpl(this.core);
  }
}

/** The golden recipe's weights (shared/golden/RECIPE.md) for any config and seed, in tfjs layouts. */
export function buildRecipeWeights(config: MolConfig, seed: number): MolWeights {
  return molWeightsFromStateDict(config, recipeStateDict(config, seed));
}
