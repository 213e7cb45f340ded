import { describe, expect, it } from 'vitest';
import { browRaise, smile, syntheticInputs, timing, type PlantedMotion } from './__fixtures__/synthetic-face';
import { eventRecord, eventsToJson, parseEventsJson, type EventRecord, type EventsDocument } from './event-export';
import { evaluateSpotting, EvaluationInputError, poolEvaluations } from './evaluate';
import { formatEvaluation, formatPooled } from './evaluate-format';
import { matchIntervals, MatchInputError, temporalIou } from './evaluate-match';
import { emptyTruth, parseTruthJson, TruthFileError, type TruthDocument, type TruthEvent } from './evaluate-truth';
import { REGION_NAMES } from './regions';
import { spotFrames } from './spotter';

const CLASSES = ['surprise', 'positive', 'negative'];
const FPS = 25;

/** A spotted event record with only what the evaluation reads set meaningfully. */
function spotted(kind: EventRecord['kind'], onset: number, offset: number, label: string | null = null): EventRecord {
  const zeros = Object.fromEntries(REGION_NAMES.map((r) => [r, 0])) as EventRecord['regionPeakPx'];
  const ms = (f: number): number => (1000 * f) / FPS;
  return {
    id: `ev-${onset}`, kind, onsetFrame: onset, apexFrame: onset, offsetFrame: offset,
    onsetMs: ms(onset), apexMs: ms(onset), offsetMs: ms(offset), durationMs: ms(offset - onset),
    peakScore: 10, dominantRegion: 'nose', regionPeakPx: zeros, rigidPeakPx: 0, earMinRatio: 1,
    label, confidence: null, probabilities: null,
  };
}

function truthEvent(kind: TruthEvent['kind'], onset: number, offset: number, class3: string | null = null): TruthEvent {
  return { kind, class3, onsetFrame: onset, apexFrame: Math.round((onset + offset) / 2), offsetFrame: offset };
}

describe('temporal IoU and one-to-one matching', () => {
  it('IoU counts inclusive frames', () => {
    expect(temporalIou({ onsetFrame: 0, offsetFrame: 9 }, { onsetFrame: 5, offsetFrame: 14 })).toBeCloseTo(5 / 15, 12);
    expect(temporalIou({ onsetFrame: 3, offsetFrame: 3 }, { onsetFrame: 3, offsetFrame: 3 })).toBe(1);
    expect(temporalIou({ onsetFrame: 0, offsetFrame: 4 }, { onsetFrame: 5, offsetFrame: 9 })).toBe(0);
    expect(() => temporalIou({ onsetFrame: 5, offsetFrame: 4 }, { onsetFrame: 0, offsetFrame: 1 })).toThrow(MatchInputError);
  });

  it('needs IoU >= 0.5 and onset within 3 frames, both inclusive', () => {
    const t = [{ onsetFrame: 100, offsetFrame: 109 }];
    expect(matchIntervals([{ onsetFrame: 103, offsetFrame: 106 }], t)).toHaveLength(0); // IoU 4/10
    expect(matchIntervals([{ onsetFrame: 103, offsetFrame: 109 }], t)).toEqual([{ spotted: 0, truth: 0, iou: 0.7, onsetDiff: 3 }]);
    expect(matchIntervals([{ onsetFrame: 96, offsetFrame: 108 }], t)).toEqual([]); // IoU 9/14 but onset 4 early
    expect(matchIntervals([{ onsetFrame: 100, offsetFrame: 119 }], t)).toEqual([{ spotted: 0, truth: 0, iou: 0.5, onsetDiff: 0 }]);
    expect(matchIntervals([{ onsetFrame: 100, offsetFrame: 120 }], t)).toEqual([]); // IoU 10/21
  });

  it('one spotted interval takes at most one truth and vice versa', () => {
    const t = [{ onsetFrame: 10, offsetFrame: 19 }];
    const pairs = matchIntervals([{ onsetFrame: 11, offsetFrame: 19 }, { onsetFrame: 10, offsetFrame: 19 }], t);
    expect(pairs).toEqual([{ spotted: 1, truth: 0, iou: 1, onsetDiff: 0 }]);
  });

  it('finds the largest matching where a greedy choice would block one', () => {
    // A fits X best (IoU 1) but also fits Y; B fits only X (Y's onset is 4 frames away): both must match.
    const truth = [{ onsetFrame: 10, offsetFrame: 19 }, { onsetFrame: 12, offsetFrame: 21 }];
    const pairs = matchIntervals([{ onsetFrame: 10, offsetFrame: 19 }, { onsetFrame: 8, offsetFrame: 17 }], truth);
    expect(pairs.map((p) => [p.spotted, p.truth])).toEqual([[1, 0], [0, 1]]);
  });

  it('rejects bad criteria', () => {
    expect(() => matchIntervals([], [], { minIou: 0, maxOnsetDiff: 3 })).toThrow(MatchInputError);
    expect(() => matchIntervals([], [], { minIou: 0.5, maxOnsetDiff: 1.5 })).toThrow(/maxOnsetDiff/);
  });
});

describe('evaluateSpotting', () => {
  // 30 s at 25 fps: three MEs, a blink, a macro smile
  const truth: TruthDocument = {
    fps: FPS, frames: 750,
    events: [
      truthEvent('micro', 100, 110, 'surprise'), truthEvent('micro', 200, 209, 'positive'), truthEvent('micro', 300, 308, 'negative'),
      truthEvent('blink', 400, 405), truthEvent('macro', 500, 540, 'positive'),
    ],
  };
  const events: EventRecord[] = [
    spotted('micro', 101, 110, 'surprise'), // TP, right class
    spotted('micro', 204, 209, 'positive'), // onset 4 late: FP, and truth[1] is missed
    spotted('micro', 299, 308, 'uncertain'), // TP, abstained
    spotted('micro', 401, 404), // a blink called micro: FP
    spotted('macro', 498, 545), // the macro, rightly not micro
    spotted('head', 600, 640),
  ];
  const doc: EventsDocument = { format: 'me-analyzer-events', version: 1, classes: CLASSES, events };

  it('counts TP/FP/FN, the classification of the TPs, blinks/macros called micro and false MEs per minute', () => {
    const ev = evaluateSpotting(doc, truth);
    expect(ev.micro).toEqual({ truth: 3, spotted: 4, tp: 2, fp: 2, fn: 1, precision: 0.5, recall: 2 / 3, f1: 4 / 7 });
    expect(ev.pairs.map((p) => [p.spottedId, p.truthIndex, p.label])).toEqual([['ev-101', 0, 'surprise'], ['ev-299', 2, 'uncertain']]);
    expect(ev.microFoundAsAnyKind).toBe(2);
    const c = ev.classification!;
    expect([c.evaluated, c.correct, c.uncertain, c.unclassified]).toEqual([2, 1, 1, 0]);
    // per class over the classes among the TPs: surprise F1 1, negative F1 0 (its only ME abstained)
    expect(c.perClass.map((p) => [p.className, p.support, p.tp, p.fp, p.f1, p.recall])).toEqual([['surprise', 1, 1, 0, 1, 1], ['negative', 1, 0, 0, 0, 0]]);
    expect(c.uf1).toBe(0.5);
    expect(c.uar).toBe(0.5);
    expect(c.confusion).toEqual({ surprise: { surprise: 1 }, negative: { uncertain: 1 } });
    expect([ev.blinksCalledMicro, ev.blinks, ev.macrosCalledMicro, ev.macros]).toEqual([1, 1, 0, 1]);
    expect(ev.nonMicro.map((n) => n.spottedAs)).toEqual(['micro', 'macro']);
    expect(ev.falseMicroPerMinute).toBe(4); // 2 FP in 30 s
    expect(ev.falsePositives.map((p) => [p.spottedId, p.overlaps])).toEqual([['ev-204', 'micro'], ['ev-401', 'blink']]);
    expect(ev.missed.map((m) => [m.truthIndex, m.spottedAs])).toEqual([[1, 'micro']]);
    const text = formatEvaluation(ev);
    expect(text).toContain('TP 2, FP 2, FN 1, precision 0.500, recall 0.667, F1 0.571');
    expect(text).toContain('UF1 0.500, UAR 0.500');
    expect(text).toContain('blinks called micro: 1 of 1; macro-expressions called micro: 0 of 1');
  });

  it('a wrong class counts against both classes; an unlabelled event is wrong too', () => {
    const wrong: EventsDocument = { ...doc, events: [spotted('micro', 100, 110, 'negative'), spotted('micro', 200, 209, null), spotted('micro', 300, 308, 'negative')] };
    const c = evaluateSpotting(wrong, truth).classification!;
    expect([c.correct, c.uncertain, c.unclassified]).toEqual([1, 0, 1]);
    // surprise: 0/1; positive: 0/1; negative: TP 1, FP 1 -> F1 2/3
    expect(c.perClass.map((p) => p.f1)).toEqual([0, 0, 2 / 3]);
    expect(c.uf1).toBeCloseTo(2 / 9, 12);
    expect(c.uar).toBeCloseTo(1 / 3, 12);
  });

  it('counts MEs found but labelled as another kind (diagnostic)', () => {
    const ev = evaluateSpotting({ ...doc, events: [spotted('head', 100, 110), spotted('macro', 200, 209), spotted('micro', 300, 308, 'negative')] }, truth);
    expect(ev.micro.tp).toBe(1);
    expect(ev.microFoundAsAnyKind).toBe(3);
    expect(ev.missed.map((m) => m.spottedAs)).toEqual(['head', 'macro']);
    expect(formatEvaluation(ev)).toContain('(true MEs matched by a spotted interval of any kind: 3 of 3)');
  });

  it('without a model (classes null) spotting is scored and classification is not', () => {
    const ev = evaluateSpotting({ ...doc, classes: null, events: events.map((e) => ({ ...e, label: null })) }, truth);
    expect(ev.classification).toBeNull();
    expect(ev.micro.tp).toBe(2);
    expect(formatEvaluation(ev)).toContain('classification: not evaluated');
  });

  it('a video with nothing planted: every micro event is false', () => {
    const ev = evaluateSpotting(doc, emptyTruth(1500, 25));
    expect(ev.micro).toMatchObject({ truth: 0, spotted: 4, tp: 0, fp: 4, fn: 0, precision: 0, recall: null, f1: 0 });
    expect(ev.falseMicroPerMinute).toBe(4);
    expect(evaluateSpotting({ ...doc, events: [] }, emptyTruth(1500, 25)).micro.f1).toBeNull();
  });

  it('pools several videos: counts summed, classification over every correctly spotted ME', () => {
    const a = evaluateSpotting(doc, truth);
    const b = evaluateSpotting({ ...doc, events: [spotted('micro', 100, 110, 'negative'), spotted('micro', 300, 308, 'negative')] }, truth);
    const p = poolEvaluations([a, b]);
    expect(p.micro).toEqual({ truth: 6, spotted: 6, tp: 4, fp: 2, fn: 2, precision: 4 / 6, recall: 4 / 6, f1: 8 / 12 });
    // TPs: surprise->surprise, negative->uncertain, surprise->negative, negative->negative
    const c = p.classification!;
    expect([c.evaluated, c.correct, c.uncertain]).toEqual([4, 2, 1]);
    expect(c.perClass.map((x) => [x.className, x.support, x.tp, x.fp])).toEqual([['surprise', 2, 1, 0], ['negative', 2, 1, 1]]);
    expect(p.falseMicroPerMinute).toBe(2); // 2 FP in 60 s
    expect([p.blinksCalledMicro, p.blinks, p.macros]).toEqual([1, 2, 2]);
    expect(formatPooled(p)).toContain('pooled over 2 videos (60.0 s):\nME spotting: truth 6, spotted 6, TP 4, FP 2, FN 2');
    const unclassified = evaluateSpotting({ ...doc, classes: null }, truth);
    expect(() => poolEvaluations([a, unclassified])).toThrow(EvaluationInputError);
    expect(poolEvaluations([unclassified]).classification).toBeNull();
    expect(() => poolEvaluations([])).toThrow(EvaluationInputError);
  });

  it('names a truth class the model does not have', () => {
    const t = { ...truth, events: [truthEvent('micro', 10, 15, 'happiness')] };
    expect(() => evaluateSpotting(doc, t)).toThrow(EvaluationInputError);
    expect(() => evaluateSpotting(doc, t)).toThrow(/happiness/);
  });
});

describe('truth files', () => {
  const good = { format: 'me-analyzer-truth', version: 1, fps: 25, frames: 600, face: 'franck', events: [
    { kind: 'micro', class3: 'surprise', emotion: 'surprise', aus: [1, 2], onsetFrame: 80, apexFrame: 84, offsetFrame: 90, amplitudePx: 2 },
    { kind: 'blink', class3: null, onsetFrame: 200, apexFrame: 203, offsetFrame: 206 },
  ] };

  it('reads what the planted-video generator writes', () => {
    expect(parseTruthJson(JSON.stringify(good))).toEqual({ fps: 25, frames: 600, events: [
      { kind: 'micro', class3: 'surprise', onsetFrame: 80, apexFrame: 84, offsetFrame: 90 },
      { kind: 'blink', class3: null, onsetFrame: 200, apexFrame: 203, offsetFrame: 206 },
    ] });
  });

  it('names every malformed field', () => {
    const bad = (patch: object, ev: object = {}): string => JSON.stringify({ ...good, ...patch, events: [{ ...good.events[0], ...ev }] });
    expect(() => parseTruthJson('{')).toThrow(TruthFileError);
    expect(() => parseTruthJson(bad({ format: 'me-analyzer-events' }))).toThrow(/truth.format/);
    expect(() => parseTruthJson(bad({ version: 2 }))).toThrow(/version 1/);
    expect(() => parseTruthJson(bad({ fps: 0 }))).toThrow(/truth.fps/);
    expect(() => parseTruthJson(bad({}, { kind: 'smirk' }))).toThrow(/events\[0\].kind/);
    expect(() => parseTruthJson(bad({}, { class3: null }))).toThrow(/needs its class/);
    expect(() => parseTruthJson(bad({}, { apexFrame: 95 }))).toThrow(/onset <= apex <= offset/);
    expect(() => parseTruthJson(bad({}, { offsetFrame: 600 }))).toThrow(/past the video's last frame 599/);
    expect(() => parseTruthJson(bad({}, { onsetFrame: 1.5 }))).toThrow(/frame index/);
  });
});

describe('the spotter scored by the evaluation (same frame numbering end to end)', { timeout: 120_000 }, () => {
  it('planted MEs are matched, the blink and the macro are not called micro', () => {
    const fps = 30;
    // onsets on frame times so the truth frames are exact
    const plan: { m: PlantedMotion; kind: TruthEvent['kind']; class3: string | null }[] = [
      { m: { kind: 'expression', ...timing(3, 0.3), moves: browRaise(2) }, kind: 'micro', class3: 'surprise' },
      { m: { kind: 'blink', ...timing(5, 0.2), closure: 0.9 }, kind: 'blink', class3: null },
      { m: { kind: 'expression', ...timing(7, 0.4), moves: smile(2) }, kind: 'micro', class3: 'positive' },
      { m: { kind: 'expression', ...timing(9, 1.5), moves: smile(2) }, kind: 'macro', class3: 'positive' },
    ];
    const { intervals } = spotFrames(syntheticInputs({ fps, durationS: 12, noisePx: 0.1, seed: 11, flowNoisePx: null, motions: plan.map((p) => p.m) }));
    const doc = parseEventsJson(eventsToJson(intervals.map(eventRecord), null));
    const truth: TruthDocument = {
      fps, frames: 12 * fps,
      events: plan.map((p) => ({ kind: p.kind, class3: p.class3, onsetFrame: Math.round(p.m.onsetS * fps), apexFrame: Math.round(p.m.apexS * fps), offsetFrame: Math.round(p.m.offsetS * fps) })),
    };
    const ev = evaluateSpotting(doc, truth);
    expect(ev.micro, formatEvaluation(ev)).toMatchObject({ truth: 2, tp: 2, fp: 0, fn: 0, f1: 1 });
    expect(ev.blinksCalledMicro + ev.macrosCalledMicro).toBe(0);
    for (const p of ev.pairs) expect(Math.abs(p.onsetDiff)).toBeLessThanOrEqual(3);
  });
});
