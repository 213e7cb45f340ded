/**
 * The model stage on the tfjs CPU backend with the real shipped weights (models/mol/rt-synth-3cls, loaded through
 * the checksum-verifying loader): what it reports about itself, streaming outputs equal to a whole-clip
 * classification of the same 8 crops, named errors for bad input and for a weights file with one flipped byte.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelStage, ModelStageInputError, THREE_CLASSES } from './model-stage';
import { modelFailure } from './model-status';
import { SHIPPED_WEIGHTS_ID, SHIPPED_WEIGHTS_URL } from './shipped-weights';
import { WeightsChecksumError } from './weights/errors';
import { fileFetch } from './weights/file-fetch';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MODEL_JSON = pathToFileURL(path.join(REPO, SHIPPED_WEIGHTS_URL)).href;

function crop(t: number): Uint8Array {
  const c = new Uint8Array(128 * 128);
  for (let y = 0; y < 128; y++) for (let x = 0; x < 128; x++) c[y * 128 + x] = Math.round(127.5 + 90 * Math.sin(0.09 * x + 0.04 * y + 0.3 * t));
  return c;
}

describe('ModelStage (shipped weights, tfjs CPU backend)', () => {
  let stage: ModelStage;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    if (!existsSync(path.join(REPO, SHIPPED_WEIGHTS_URL))) throw new Error(`the shipped weights ${SHIPPED_WEIGHTS_URL} are missing`);
    stage = await ModelStage.create({ backend: 'cpu', weightsUrl: MODEL_JSON, fetchFn: fileFetch() });
  }, 120_000);

  afterAll(() => stage?.dispose());

  it('describes itself from model.json: classes, rt config, reference ops without WebGPU, trained-on-synthetic notice', () => {
    const meta = JSON.parse(readFileSync(path.join(REPO, SHIPPED_WEIGHTS_URL), 'utf8')) as { classes: string[]; modelId: string; classBias?: { logOffsets: number[] } };
    expect(stage.info.classes).toEqual(meta.classes);
    // the val-fitted class offsets travel with the weights and apply to every probability the stage returns
    expect(stage.info.classBias).toEqual(meta.classBias?.logOffsets ?? null);
    expect(stage.info.configName).toBe('rt');
    expect(stage.info.ops).toBe('reference');
    expect(stage.info.weights.id).toBe(meta.modelId);
    expect(stage.info.weights.trained).toBe(true);
    expect(stage.info.weights.syntheticOnly).toBe(true);
    expect(stage.info.weights.notice).toMatch(/trained on synthetic micro-expressions only/);
    expect(SHIPPED_WEIGHTS_URL).toContain(SHIPPED_WEIGHTS_ID);
  });

  it('push: outputs from the 8th crop on; classifyClip of the same 8 crops gives the same probabilities', async () => {
    const crops = Array.from({ length: 8 }, (_, t) => crop(t));
    for (let t = 0; t < 7; t++) expect(await stage.push(crops[t], t)).toBeNull();
    expect(stage.fill).toBe(7);
    const out = await stage.push(crops[7], 7);
    expect(out).not.toBeNull();
    expect(out!.classes).toEqual(stage.info.classes);
    expect(out!.weights).toEqual({ id: stage.info.weights.id, trained: true });
    expect(out!.frameIndex).toBe(7);
    expect(out!.flow).toHaveLength(128 * 128 * 2);
    expect(out!.landmarks68Crop).toHaveLength(68);
    const sum = Array.from(out!.probabilities).reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - 1)).toBeLessThan(1e-5);

    const whole = await stage.classifyClip(crops);
    expect(whole).toHaveLength(out!.probabilities.length);
    for (let i = 0; i < whole.length; i++) expect(Math.abs(whole[i] - out!.probabilities[i])).toBeLessThan(1e-4);

    // The live model lane's whole forward over the same window gives what the stream gave for its newest frame.
    const lane = await stage.windowOutputs(crops, 7);
    expect(lane.frameIndex).toBe(7);
    for (let i = 0; i < whole.length; i++) expect(Math.abs(lane.probabilities[i] - out!.probabilities[i])).toBeLessThan(1e-4);
    expect(lane.flow).toHaveLength(out!.flow.length);
    let flowErr = 0;
    for (let i = 0; i < lane.flow.length; i++) flowErr = Math.max(flowErr, Math.abs(lane.flow[i] - out!.flow[i]));
    expect(flowErr).toBeLessThan(1e-3);
    lane.landmarks68Crop.forEach((p, i) => {
      expect(Math.abs(p[0] - out!.landmarks68Crop[i][0])).toBeLessThan(1e-3);
      expect(Math.abs(p[1] - out!.landmarks68Crop[i][1])).toBeLessThan(1e-3);
    });
    await expect(stage.windowOutputs(crops.slice(1), 7)).rejects.toThrow(ModelStageInputError);

    // A lost face restarts the window.
    expect(await stage.push(null, 8)).toBeNull();
    expect(stage.fill).toBe(0);
  }, 300_000);

  it('bad input gives named errors', async () => {
    await expect(stage.classifyClip([crop(0)])).rejects.toThrow(ModelStageInputError);
    await expect(stage.classifyClip(Array.from({ length: 8 }, () => new Uint8Array(5)))).rejects.toThrow(ModelStageInputError);
    await expect(ModelStage.create({ backend: 'cpu', weightsUrl: MODEL_JSON, recipeSeed: 1 })).rejects.toThrow(ModelStageInputError);
  });

  it('one flipped byte in a shard: WeightsChecksumError, reported as a checksum failure with tracking going on', async () => {
    const flip = fileFetch((name, bytes) => {
      if (name.endsWith('.bin') && name.includes('shard2')) bytes[1000] ^= 0x01;
      return bytes;
    });
    const err = await ModelStage.create({ backend: 'cpu', weightsUrl: MODEL_JSON, fetchFn: flip }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WeightsChecksumError);
    const status = modelFailure(err, 'load');
    expect(status.code).toBe('weights-checksum');
    expect(status.message).toMatch(/checksum/);
    expect(status.message).toMatch(/Face tracking continues/);
    expect(status.message).toContain('WeightsChecksumError');
  }, 120_000);
});

describe('ModelStage with the untrained recipe weights', () => {
  it('builds the rt recipe of the given seed with the 3 classes and says the weights are untrained', async () => {
    await tf.setBackend('cpu');
    const stage = await ModelStage.create({ backend: 'cpu', recipeSeed: 3 });
    try {
      expect(stage.info.classes).toEqual([...THREE_CLASSES]);
      expect(stage.info.weights).toMatchObject({ id: 'recipe-seed3-rt', trained: false });
      expect(stage.info.weights.notice).toMatch(/untrained/);
    } finally {
      stage.dispose();
    }
  }, 120_000);
});
