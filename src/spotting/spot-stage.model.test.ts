/**
 * The spot stage with the real model stage as its classifier (MOL on the golden-recipe weights, seed 1, tfjs
 * CPU backend): a planted 300 ms brow raise is spotted as micro and classified by MOL on the resampled clip,
 * with MOL's probabilities (one full 8-frame forward, about 1 min of a loaded 2-core CPU).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelStage } from '../model/model-stage';
import type { FrameResult } from '../pipeline/types';
import { browRaise, syntheticInputs, timing } from './__fixtures__/synthetic-face';
import { eventClips } from './resample';
import { SpotStage } from './spot-stage';

/** A textured crop that differs per frame (MOL sees motion between frames). */
function crop(index: number): Uint8Array {
  const c = new Uint8Array(128 * 128);
  for (let y = 0; y < 128; y++) for (let x = 0; x < 128; x++) c[y * 128 + x] = Math.round(127.5 + 90 * Math.sin(0.09 * x + 0.05 * y + 0.2 * index));
  return c;
}

describe('SpotStage with MOL (recipe weights, CPU)', { timeout: 400_000 }, () => {
  let model: ModelStage;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    model = await ModelStage.create({ backend: 'cpu', recipeSeed: 1 });
  });
  afterAll(() => model?.dispose());

  it('classifies a spotted micro event on its resampled onset..offset crops', async () => {
    const stage = new SpotStage();
    stage.setClassifier({ classes: model.info.classes, classifyClip: (c) => model.classifyClip(c) });
    const crops = new Map<number, Uint8Array>();
    const events = [];
    for (const input of syntheticInputs({ fps: 30, durationS: 7, noisePx: 0.1, seed: 3, flowNoisePx: null, motions: [{ kind: 'expression', ...timing(5, 0.3), moves: browRaise(1.5) }] })) {
      const c = crop(input.index);
      crops.set(input.index, c);
      const r: FrameResult = {
        index: input.index, timestampMs: input.timestampMs, width: 640, height: 480, faceFound: true, faceCount: 1, faceBox: null,
        points478: null, landmarks68: null, alignment: [0.5, 0, -40, 0, 0.5, -30], landmarks68Crop: input.landmarks ? [...input.landmarks] : null, crop: c,
        windowFill: 0, model: null, spot: null, timings: {},
      };
      events.push(...(await stage.push(r)).events);
    }
    events.push(...(await stage.flush()));
    expect(events).toHaveLength(1);
    const [ev] = events;
    expect(ev.kind).toBe('micro');
    // Which crops MOL gets is pinned by spot-stage.test.ts; here the probabilities are the real model's.
    expect(ev.onsetFrame).toBeLessThan(ev.offsetFrame);
    expect(eventClips(ev.onsetFrame, ev.offsetFrame)).toHaveLength(1);
    const classes = model.info.classes;
    expect(Object.keys(ev.probabilities!)).toEqual([...classes]);
    const p = classes.map((k) => ev.probabilities![k]);
    expect(p.every((v) => v > 0 && v < 1)).toBe(true);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const best = Math.max(...p);
    expect(ev.confidence).toBe(best);
    expect(ev.label).toBe(best >= 0.5 ? classes[p.indexOf(best)] : 'uncertain');
  });
});
