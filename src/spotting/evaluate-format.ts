/** The evaluation as the few lines `npm run spot-eval` prints. */
import type { ClassificationScores, PooledEvaluation, SpottingCounts, SpottingEvaluation } from './evaluate';

const f = (v: number | null, digits = 3): string => (v === null ? 'n/a' : v.toFixed(digits));

export function formatEvaluation(ev: SpottingEvaluation): string {
  const lines = [
    `video: ${ev.frames} frames at ${ev.fps} fps (${ev.durationS.toFixed(1)} s); match: IoU >= ${ev.criteria.minIou}, |onset diff| <= ${ev.criteria.maxOnsetDiff} frames`,
    spottingLine(ev.micro),
    `  (true MEs matched by a spotted interval of any kind: ${ev.microFoundAsAnyKind} of ${ev.micro.truth})`,
    ...summaryLines(ev),
  ];
  for (const p of ev.falsePositives) lines.push(`  FP ${p.spottedId}: frames ${p.onsetFrame}-${p.offsetFrame}${p.overlaps ? ` (overlaps a true ${p.overlaps})` : ''}`);
  for (const x of ev.missed) lines.push(`  missed truth[${x.truthIndex}] ${x.trueClass}: frames ${x.onsetFrame}-${x.offsetFrame}${x.spottedAs ? ` (spotted as ${x.spottedAs})` : ''}`);
  return lines.join('\n');
}

function spottingLine(m: SpottingCounts): string {
  return `ME spotting: truth ${m.truth}, spotted ${m.spotted}, TP ${m.tp}, FP ${m.fp}, FN ${m.fn}, precision ${f(m.precision)}, recall ${f(m.recall)}, F1 ${f(m.f1)}`;
}

/** Classification, blinks/macros called micro and the false-ME rate: the lines a single and a pooled report share. */
function summaryLines(ev: { micro: SpottingCounts; classification: ClassificationScores | null } & Omit<PooledEvaluation, 'videos' | 'durationS' | 'micro' | 'classification'>): string[] {
  const lines: string[] = [];
  const c = ev.classification;
  if (c) {
    lines.push(
      `classification of ${c.evaluated} correctly spotted MEs: correct ${c.correct}, uncertain ${c.uncertain}, unclassified ${c.unclassified}, ` +
        `accuracy ${f(c.accuracy)}, UF1 ${f(c.uf1)}, UAR ${f(c.uar)}`,
    );
    for (const p of c.perClass) lines.push(`  ${p.className}: support ${p.support}, TP ${p.tp}, FP ${p.fp}, F1 ${f(p.f1)}, recall ${f(p.recall)}`);
  } else {
    lines.push('classification: not evaluated (events.json has no classes: analysed without the model)');
  }
  lines.push(
    `blinks called micro: ${ev.blinksCalledMicro} of ${ev.blinks}; macro-expressions called micro: ${ev.macrosCalledMicro} of ${ev.macros}`,
    `false ME detections: ${ev.micro.fp} = ${ev.falseMicroPerMinute.toFixed(2)} per minute`,
  );
  return lines;
}

/** The pooled report `npm run spot-eval` prints after the per-video ones when given several videos. */
export function formatPooled(p: PooledEvaluation): string {
  return [`pooled over ${p.videos} videos (${p.durationS.toFixed(1)} s):`, spottingLine(p.micro), ...summaryLines(p)].join('\n');
}
