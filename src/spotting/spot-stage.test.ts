/**
 * The spot stage on synthetic FrameResults: planted landmark motion (the spotting fixtures' raised-cosine
 * expressions and blinks), one crop per frame that carries its own frame index, and a classifier that records
 * the clips it is given. Checks that events come out with the right kind and frames, and that MOL is asked
 * about exactly the resampled onset..offset frames of micro events.
 */
import { describe, expect, it } from 'vitest';
import type { FrameResult } from '../pipeline/types';
import { browRaise, smile, syntheticInputs, timing, type PlantedMotion, type TraceSpec } from './__fixtures__/synthetic-face';
import { CropRing } from './crop-ring';
import { pickClips } from './event-clip';
import { eventClips } from './resample';
import { SpotStage, type ClipClassifier } from './spot-stage';

const CLASSES = ['surprise', 'positive', 'negative'] as const;

function spec(over: Partial<TraceSpec>): TraceSpec {
  return { fps: 30, durationS: 8, noisePx: 0.1, seed: 1, motions: [], flowNoisePx: null, ...over };
}

/** A 128x128 crop whose first two bytes spell the frame index, so a clip tells which frames it holds. */
function taggedCrop(index: number): Uint8Array {
  const c = new Uint8Array(128 * 128).fill(100);
  c[0] = index & 255;
  c[1] = index >> 8;
  return c;
}
const cropIndex = (c: Uint8Array): number => c[0] + 256 * c[1];

function* frameResults(s: TraceSpec): Generator<FrameResult> {
  for (const input of syntheticInputs(s)) {
    const face = input.landmarks !== null;
    yield {
      index: input.index, timestampMs: input.timestampMs, width: 640, height: 480,
      faceFound: face, faceCount: face ? 1 : 0, faceBox: null, points478: null, landmarks68: null,
      // One alignment throughout: the event clip's re-alignment leaves the tagged crops untouched.
      alignment: face ? [0.5, 0, -40, 0, 0.5, -30] : null,
      landmarks68Crop: input.landmarks ? [...input.landmarks] : null,
      crop: face ? taggedCrop(input.index) : null,
      windowFill: 0, model: null, spot: null, timings: {},
    };
  }
}

class RecordingClassifier implements ClipClassifier {
  readonly classes = CLASSES;
  readonly clips: number[][] = [];
  constructor(private readonly probs: readonly number[]) {}
  async classifyClip(crops: Uint8Array[]): Promise<Float32Array> {
    expect(crops).toHaveLength(8);
    for (const c of crops) expect(c).toHaveLength(128 * 128);
    this.clips.push(crops.map(cropIndex));
    return Float32Array.from(this.probs);
  }
}

async function run(stage: SpotStage, s: TraceSpec) {
  const outputs = [];
  for (const r of frameResults(s)) outputs.push(await stage.push(r));
  const events = [...outputs.flatMap((o) => o.events), ...(await stage.flush())];
  return { outputs, events };
}

const expression = (onsetS: number, durationS: number, moves = browRaise(1.5)): PlantedMotion => ({ kind: 'expression', ...timing(onsetS, durationS), moves });

describe('spot stage', { timeout: 60_000 }, () => {
  it('a 300 ms brow raise is one micro event, classified on the 8 resampled onset..offset crops', async () => {
    const stage = new SpotStage();
    const mol = new RecordingClassifier([0.7, 0.2, 0.1]);
    stage.setClassifier(mol);
    const { events } = await run(stage, spec({ motions: [expression(5, 0.3)] }));
    expect(events).toHaveLength(1);
    const [ev] = events;
    expect(ev.kind).toBe('micro');
    // Planted onset at frame 150 (5 s at 30 fps), offset at 159.
    expect(Math.abs(ev.onsetFrame - 150)).toBeLessThanOrEqual(1);
    expect(Math.abs(ev.offsetFrame - 159)).toBeLessThanOrEqual(3);
    expect(ev.onsetFrame).toBeLessThan(ev.apexFrame);
    expect(ev.apexFrame).toBeLessThan(ev.offsetFrame);
    expect(['browL', 'browR']).toContain(ev.dominantRegion);
    expect(mol.clips).toEqual(eventClips(ev.onsetFrame, ev.offsetFrame));
    expect(ev.label).toBe('surprise');
    expect(ev.confidence).toBeCloseTo(0.7, 6);
    expect(ev.probabilities).toEqual({ surprise: expect.closeTo(0.7, 6), positive: expect.closeTo(0.2, 6), negative: expect.closeTo(0.1, 6) });
  });

  it('abstains ("uncertain") when the pooled probability is under the threshold', async () => {
    const stage = new SpotStage({ minConfidence: 0.5 });
    stage.setClassifier(new RecordingClassifier([0.4, 0.35, 0.25]));
    const { events } = await run(stage, spec({ motions: [expression(5, 0.3, smile(1.5))] }));
    expect(events.map((e) => [e.kind, e.label])).toEqual([['micro', 'uncertain']]);
    expect(events[0].confidence).toBeCloseTo(0.4, 6);
  });

  it('a 600 ms smile is macro and a blink is a blink: neither is sent to MOL', async () => {
    const stage = new SpotStage();
    const mol = new RecordingClassifier([0.1, 0.8, 0.1]);
    stage.setClassifier(mol);
    const blink: PlantedMotion = { kind: 'blink', ...timing(3, 0.25), closure: 0.9 };
    const { events } = await run(stage, spec({ durationS: 9, motions: [blink, expression(6, 0.6, smile(1.5))] }));
    expect(events.map((e) => e.kind)).toEqual(['blink', 'macro']);
    // The onset follows the falling score back into the noise: within 2 frames (the evaluation allows 3).
    expect(Math.abs(events[0].onsetFrame - 90)).toBeLessThanOrEqual(2);
    expect(Math.abs(events[1].onsetFrame - 180)).toBeLessThanOrEqual(1);
    expect(events.every((e) => e.label === null && e.probabilities === null)).toBe(true);
    expect(mol.clips).toEqual([]);
    expect(events.map((e) => e.id)).toEqual([1, 2]);
  });

  it('an event still open at the last frame is closed by flush, classified and exported', async () => {
    const stage = new SpotStage();
    const mol = new RecordingClassifier([0.1, 0.8, 0.1]);
    stage.setClassifier(mol);
    // A 300 ms brow raise ending 1 frame before the source ends: nothing closes it but the flush.
    const outputs = [];
    for (const r of frameResults(spec({ durationS: 6, motions: [{ kind: 'expression', ...timing(5.64, 0.3), moves: browRaise(1.5) }] }))) {
      outputs.push(await stage.push(r));
    }
    expect(outputs.flatMap((o) => o.events)).toEqual([]);
    const tail = await stage.flush();
    expect(tail.map((e) => e.kind)).toEqual(['micro']);
    expect(Math.abs(tail[0].onsetFrame - 169)).toBeLessThanOrEqual(2);
    expect(tail[0].offsetFrame).toBeGreaterThanOrEqual(176);
    expect(tail[0].offsetFrame).toBeLessThanOrEqual(179);
    expect(tail[0].label).toBe('positive');
    expect(await stage.flush()).toEqual([]);
  });

  it('at 100 fps a long micro event has several clips; at most maxClipsPerEvent are classified and pooled', async () => {
    const stage = new SpotStage({ maxClipsPerEvent: 2 });
    const mol = new RecordingClassifier([0.2, 0.2, 0.6]);
    stage.setClassifier(mol);
    const { events } = await run(stage, spec({ fps: 100, durationS: 7, motions: [expression(5, 0.4, smile(1.5))] }));
    expect(events).toHaveLength(1);
    const [ev] = events;
    expect(ev.kind).toBe('micro');
    const all = eventClips(ev.onsetFrame, ev.offsetFrame);
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(mol.clips).toEqual(pickClips(all, 2));
    expect(ev.label).toBe('negative');
  });

  it('a classifier that throws leaves the event unclassified and spotting going', async () => {
    const stage = new SpotStage();
    const failing: ClipClassifier = { classes: CLASSES, classifyClip: () => { throw new Error('device lost'); } };
    stage.setClassifier(failing);
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => { errors.push(args[0]); };
    try {
      const { events } = await run(stage, spec({ durationS: 10, motions: [expression(5, 0.3), expression(8, 0.3, smile(1.5))] }));
      expect(events.map((e) => [e.kind, e.label])).toEqual([['micro', null], ['micro', null]]);
    } finally {
      console.error = original;
    }
    expect(errors).toHaveLength(2);
    expect(String(errors[0])).toMatch(/classifying event 1/);
  });

  it('without a classifier micro events are reported unclassified', async () => {
    const { events } = await run(new SpotStage(), spec({ motions: [expression(5, 0.3)] }));
    expect(events.map((e) => [e.kind, e.label, e.probabilities])).toEqual([['micro', null, null]]);
  });

  it('a face lost inside the span leaves the event unclassified (no clip of real frames)', async () => {
    const stage = new SpotStage();
    const mol = new RecordingClassifier([0.7, 0.2, 0.1]);
    stage.setClassifier(mol);
    // Crops of frames 153..154 missing, as if alignment failed there, while the landmarks still move.
    const outputs = [];
    for (const r of frameResults(spec({ motions: [expression(5, 0.3)] }))) {
      outputs.push(await stage.push(r.index === 153 || r.index === 154 ? { ...r, crop: null } : r));
    }
    const events = [...outputs.flatMap((o) => o.events), ...(await stage.flush())];
    expect(events.map((e) => [e.kind, e.label])).toEqual([['micro', null]]);
    expect(mol.clips).toEqual([]);
  });

  it('deferred (live model lane): push never waits for MOL; classified events come out later, in closing order', async () => {
    const stage = new SpotStage({ deferClassification: true });
    let open!: () => void;
    const gate = new Promise<void>((r) => { open = r; });
    stage.setClassifier({ classes: CLASSES, classifyClip: async () => { await gate; return Float32Array.from([0.7, 0.2, 0.1]); } });
    const blink: PlantedMotion = { kind: 'blink', ...timing(6.5, 0.25), closure: 0.9 };
    const results = [...frameResults(spec({ durationS: 9, motions: [expression(5, 0.3), blink] }))];
    const early = [];
    for (const r of results.slice(0, 240)) early.push(...(await stage.push(r)).events);
    // The micro event waits for MOL (the gate is shut), and the blink after it waits behind it.
    expect(early).toEqual([]);
    expect(stage.pendingEvents).toBe(2);
    open();
    await new Promise((r) => setTimeout(r, 0));
    const released = (await stage.push(results[240])).events;
    expect(released.map((e) => [e.id, e.kind, e.label])).toEqual([[1, 'micro', 'surprise'], [2, 'blink', null]]);
    expect(Math.abs(released[0].onsetFrame - 150)).toBeLessThanOrEqual(1);
    for (const r of results.slice(241)) expect((await stage.push(r)).events).toEqual([]);
    expect(await stage.flush()).toEqual([]);
    expect(stage.pendingEvents).toBe(0);
  });

  it('deferred: flush waits for the classifications still running; reset drops them', async () => {
    const stage = new SpotStage({ deferClassification: true });
    stage.setClassifier(new RecordingClassifier([0.1, 0.8, 0.1]));
    const results = [...frameResults(spec({ durationS: 7, motions: [expression(5, 0.3)] }))];
    const pushed = [];
    for (const r of results) pushed.push(...(await stage.push(r)).events);
    const tail = await stage.flush();
    expect([...pushed, ...tail].map((e) => [e.kind, e.label])).toEqual([['micro', 'positive']]);
    const again = new SpotStage({ deferClassification: true });
    again.setClassifier({ classes: CLASSES, classifyClip: () => new Promise<Float32Array>(() => {}) });
    for (const r of results) await again.push(r);
    expect(again.pendingEvents).toBe(1);
    again.reset();
    expect(again.pendingEvents).toBe(0);
    expect(await again.flush()).toEqual([]);
  });

  it('reports calibration, the score and the per-region motion every frame; reset calibrates again', async () => {
    const stage = new SpotStage();
    const { outputs } = await run(stage, spec({ durationS: 3 }));
    // 2 s calibration at 30 fps: frame 60 is 2000 ms after frame 0.
    expect(outputs[0]).toMatchObject({ calibrating: true, calibrationProgress: 0, score: 0 });
    expect(outputs[30].calibrationProgress).toBeCloseTo(0.5, 6);
    expect(outputs[59].calibrating).toBe(true);
    expect(outputs[60]).toMatchObject({ calibrating: false, calibrationProgress: 1 });
    expect(Object.keys(outputs[70].regions).sort()).toEqual(['browL', 'browR', 'chin', 'eyeL', 'eyeR', 'mouthL', 'mouthR', 'nose']);
    expect(Object.values(outputs[70].regions).every((v) => v >= 0 && v < 1)).toBe(true);
    expect(stage.crops.getCrops(0, 89).map((c) => c.index)).toEqual(Array.from({ length: 90 }, (_, i) => i));
    stage.reset();
    expect([stage.calibrating, stage.calibrationProgress]).toEqual([true, 0]);
    expect(stage.crops.newestIndex).toBe(-1);
  });

  it('leaves MOL flow out of spotting when told to (the live lane), so the trace depends on the frames alone', async () => {
    // Every 5th frame carries its own flow, a strong fake motion, as a lane window finishing on it would.
    const withFlow = (r: FrameResult): FrameResult => (r.index % 5 === 0 && r.faceFound ? {
      ...r, model: {
        probabilities: new Float32Array([1, 0, 0]), classes: CLASSES, flow: new Float32Array(128 * 128 * 2).fill(3),
        landmarks68Crop: [], weights: { id: 'fake', trained: false }, frameIndex: r.index,
      },
    } : r);
    const s = spec({ durationS: 4, motions: [expression(3, 0.3)] });
    const rows = async (stage: SpotStage, flow: boolean) => {
      const out = [];
      for (const r of frameResults(s)) out.push((await stage.push(flow ? withFlow(r) : r)).row);
      return out;
    };
    const landmarksOnly = await rows(new SpotStage(), false);
    expect(await rows(new SpotStage({ useModelFlow: false }), true)).toEqual(landmarksOnly);
    expect(await rows(new SpotStage(), true)).not.toEqual(landmarksOnly); // the default feeds it in
  });

  it('shares the crop ring it is given', async () => {
    const ring = new CropRing(16);
    const stage = new SpotStage({ cropRing: ring });
    await run(stage, spec({ durationS: 1 }));
    expect(ring.getCrops(0, 100).map((c) => c.index)).toEqual(Array.from({ length: 16 }, (_, i) => 14 + i));
  });
});
