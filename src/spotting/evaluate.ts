/**
 * Spotting evaluation of one video: the spotted events (events.json of `npm run analyze`) against its ground
 * truth (X.truth.json). What it measures, per the targets:
 *  - ME spotting: spotted `micro` events vs true micro-expressions, matched one to one (evaluate-match.ts:
 *    temporal IoU >= 0.5 and onset within 3 frames); TP, FP, FN, precision, recall, F1.
 *  - Classification of the correctly spotted MEs (the TPs): UF1 and UAR over the classes that occur among
 *    them (MEGC's unweighted F1 / average recall). "uncertain" (abstention) and unclassified events count as
 *    wrong (a miss for the true class, no false positive for any class) and are also counted separately.
 *  - Blinks and macro-expressions called micro: a true blink/macro is "called micro" when a spotted micro
 *    event that matched no true ME shares at least one frame with it.
 *  - False ME detections per minute of video: FP / (frames / fps / 60).
 */
import type { EventsDocument, EventRecord } from './event-export';
import { DEFAULT_MATCH, matchIntervals, overlapFrames, type MatchCriteria } from './evaluate-match';
import type { TruthDocument, TruthEvent, TruthKind } from './evaluate-truth';
import { UNCERTAIN } from './classify-event';

export class EvaluationInputError extends Error {
  override readonly name = 'EvaluationInputError';
}

export interface SpottingCounts {
  truth: number;
  spotted: number;
  tp: number;
  fp: number;
  fn: number;
  /** null when nothing was spotted (precision) / nothing was planted (recall) / neither (F1). */
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface ClassScore {
  className: string;
  /** Correctly spotted MEs of this class. */
  support: number;
  tp: number;
  /** Correctly spotted MEs of another class labelled as this one. */
  fp: number;
  f1: number;
  recall: number;
}

export interface ClassificationScores {
  classes: string[];
  /** Correctly spotted MEs (= spotting TPs). */
  evaluated: number;
  correct: number;
  /** Labelled "uncertain" (abstained): counted as wrong. */
  uncertain: number;
  /** No label at all: counted as wrong. */
  unclassified: number;
  accuracy: number | null;
  uf1: number | null;
  uar: number | null;
  perClass: ClassScore[];
  /** confusion[trueClass][label] = count, labels including "uncertain" and "none". */
  confusion: Record<string, Record<string, number>>;
}

export interface NonMicroOutcome {
  truthIndex: number;
  kind: Exclude<TruthKind, 'micro'>;
  onsetFrame: number;
  offsetFrame: number;
  calledMicro: boolean;
  /** Kind of the spotted event overlapping it most, or null when nothing overlaps. */
  spottedAs: EventRecord['kind'] | null;
}

export interface SpottingEvaluation {
  criteria: MatchCriteria;
  frames: number;
  fps: number;
  durationS: number;
  micro: SpottingCounts;
  /** Diagnostic: true MEs matched (same criterion, one to one) by a spotted interval of any kind; more than
   *  micro.tp means the spotter found the motion but labelled it macro, blink or head. */
  microFoundAsAnyKind: number;
  /** null when the events were not classified (no model: `classes` is null). */
  classification: ClassificationScores | null;
  blinksCalledMicro: number;
  blinks: number;
  macrosCalledMicro: number;
  macros: number;
  falseMicroPerMinute: number;
  pairs: { spottedId: string; truthIndex: number; iou: number; onsetDiff: number; trueClass: string | null; label: string | null }[];
  falsePositives: { spottedId: string; onsetFrame: number; offsetFrame: number; overlaps: TruthKind | null }[];
  missed: { truthIndex: number; onsetFrame: number; offsetFrame: number; trueClass: string | null; spottedAs: EventRecord['kind'] | null }[];
  nonMicro: NonMicroOutcome[];
}

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

/** The spotted event sharing the most frames with `span`, or null. */
function mostOverlapping(events: readonly EventRecord[], span: TruthEvent): EventRecord | null {
  let best: EventRecord | null = null;
  let bestOverlap = 0;
  for (const e of events) {
    const o = overlapFrames(e, span);
    if (o > bestOverlap) { best = e; bestOverlap = o; }
  }
  return best;
}

function classificationScores(classes: readonly string[], matched: { trueClass: string; label: string | null }[]): ClassificationScores {
  const confusion: Record<string, Record<string, number>> = {};
  let correct = 0;
  let uncertain = 0;
  let unclassified = 0;
  for (const m of matched) {
    const label = m.label ?? 'none';
    confusion[m.trueClass] ??= {};
    confusion[m.trueClass][label] = (confusion[m.trueClass][label] ?? 0) + 1;
    if (m.label === m.trueClass) correct++;
    else if (m.label === UNCERTAIN) uncertain++;
    else if (m.label === null) unclassified++;
  }
  const perClass: ClassScore[] = [];
  for (const c of classes) {
    const support = matched.filter((m) => m.trueClass === c).length;
    if (support === 0) continue;
    const tp = matched.filter((m) => m.trueClass === c && m.label === c).length;
    const fp = matched.filter((m) => m.trueClass !== c && m.label === c).length;
    const fn = support - tp;
    perClass.push({ className: c, support, tp, fp, f1: (2 * tp) / (2 * tp + fp + fn), recall: tp / support });
  }
  const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  return {
    classes: [...classes], evaluated: matched.length, correct, uncertain, unclassified,
    accuracy: ratio(correct, matched.length),
    uf1: mean(perClass.map((p) => p.f1)), uar: mean(perClass.map((p) => p.recall)),
    perClass, confusion,
  };
}

export function evaluateSpotting(doc: EventsDocument, truth: TruthDocument, criteria: MatchCriteria = DEFAULT_MATCH): SpottingEvaluation {
  const spottedMicro = doc.events.filter((e) => e.kind === 'micro');
  const trueMicro = truth.events.map((e, i) => ({ e, i })).filter(({ e }) => e.kind === 'micro');
  if (doc.classes) {
    for (const { e, i } of trueMicro) {
      if (!doc.classes.includes(e.class3 as string)) {
        throw new EvaluationInputError(`truth.events[${i}].class3 "${e.class3}" is not one of the model's classes ${doc.classes.join(', ')}`);
      }
    }
  }
  const pairs = matchIntervals(spottedMicro, trueMicro.map(({ e }) => e), criteria);
  const tp = pairs.length;
  const fp = spottedMicro.length - tp;
  const fn = trueMicro.length - tp;
  const micro: SpottingCounts = {
    truth: trueMicro.length, spotted: spottedMicro.length, tp, fp, fn,
    precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), f1: ratio(2 * tp, 2 * tp + fp + fn),
  };

  const matchedSpotted = new Set(pairs.map((p) => p.spotted));
  const matchedTruth = new Set(pairs.map((p) => p.truth));
  const unmatchedMicro = spottedMicro.filter((_, i) => !matchedSpotted.has(i));

  const nonMicro: NonMicroOutcome[] = [];
  truth.events.forEach((e, i) => {
    if (e.kind === 'micro') return;
    nonMicro.push({
      truthIndex: i, kind: e.kind, onsetFrame: e.onsetFrame, offsetFrame: e.offsetFrame,
      calledMicro: unmatchedMicro.some((s) => overlapFrames(s, e) > 0),
      spottedAs: mostOverlapping(doc.events, e)?.kind ?? null,
    });
  });

  const anyKind = matchIntervals(doc.events, trueMicro.map(({ e }) => e), criteria).length;
  const matchedLabels = pairs.map((p) => ({ trueClass: trueMicro[p.truth].e.class3 as string, label: spottedMicro[p.spotted].label }));
  const durationS = truth.frames / truth.fps;
  return {
    criteria: { ...criteria },
    frames: truth.frames,
    fps: truth.fps,
    durationS,
    micro,
    microFoundAsAnyKind: anyKind,
    classification: doc.classes ? classificationScores(doc.classes, matchedLabels) : null,
    blinks: nonMicro.filter((n) => n.kind === 'blink').length,
    blinksCalledMicro: nonMicro.filter((n) => n.kind === 'blink' && n.calledMicro).length,
    macros: nonMicro.filter((n) => n.kind === 'macro').length,
    macrosCalledMicro: nonMicro.filter((n) => n.kind === 'macro' && n.calledMicro).length,
    falseMicroPerMinute: fp / (durationS / 60),
    pairs: pairs.map((p) => ({
      spottedId: spottedMicro[p.spotted].id, truthIndex: trueMicro[p.truth].i, iou: p.iou, onsetDiff: p.onsetDiff,
      trueClass: trueMicro[p.truth].e.class3, label: spottedMicro[p.spotted].label,
    })),
    falsePositives: unmatchedMicro.map((s) => ({
      spottedId: s.id, onsetFrame: s.onsetFrame, offsetFrame: s.offsetFrame,
      overlaps: truth.events.find((t) => overlapFrames(s, t) > 0)?.kind ?? null,
    })),
    missed: trueMicro.filter((_, k) => !matchedTruth.has(k)).map(({ e, i }) => ({
      truthIndex: i, onsetFrame: e.onsetFrame, offsetFrame: e.offsetFrame, trueClass: e.class3,
      spottedAs: mostOverlapping(doc.events, e)?.kind ?? null,
    })),
    nonMicro,
  };
}

/** Several videos' evaluations as one: counts summed, classification over every correctly spotted ME. */
export interface PooledEvaluation {
  videos: number;
  durationS: number;
  micro: SpottingCounts;
  classification: ClassificationScores | null;
  blinks: number;
  blinksCalledMicro: number;
  macros: number;
  macrosCalledMicro: number;
  falseMicroPerMinute: number;
}

export function poolEvaluations(evs: readonly SpottingEvaluation[]): PooledEvaluation {
  if (evs.length === 0) throw new EvaluationInputError('nothing to pool');
  const sum = (f: (e: SpottingEvaluation) => number): number => evs.reduce((a, e) => a + f(e), 0);
  const tp = sum((e) => e.micro.tp), fp = sum((e) => e.micro.fp), fn = sum((e) => e.micro.fn);
  const durationS = sum((e) => e.durationS);
  const classified = evs.filter((e) => e.classification !== null);
  if (classified.length !== 0 && classified.length !== evs.length) {
    throw new EvaluationInputError('some events files have classes and some do not: pool classified runs only');
  }
  const classes = [...new Set(classified.flatMap((e) => e.classification!.classes))];
  const matched = evs.flatMap((e) => e.pairs.map((p) => ({ trueClass: p.trueClass as string, label: p.label })));
  return {
    videos: evs.length, durationS,
    micro: {
      truth: sum((e) => e.micro.truth), spotted: sum((e) => e.micro.spotted), tp, fp, fn,
      precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), f1: ratio(2 * tp, 2 * tp + fp + fn),
    },
    classification: classified.length ? classificationScores(classes, matched) : null,
    blinks: sum((e) => e.blinks), blinksCalledMicro: sum((e) => e.blinksCalledMicro),
    macros: sum((e) => e.macros), macrosCalledMicro: sum((e) => e.macrosCalledMicro),
    falseMicroPerMinute: fp / (durationS / 60),
  };
}
