/**
 * `npx tsx src/cli/analyze/spot-sweep.ts --run <analyze-out-dir>[=<truth.json>] ... [--grid KEY=V1,V2,...] ...
 *   [--every K] [--json out.json]`
 *
 * Chooses spotting settings on recorded tracking runs: spots each run again (as respot.ts does) under every
 * combination of the --grid values (KEY: a detector option of src/spotting/interval-detector.ts, or the
 * scorer's rest plateau as restPlateau.ms, restPlateau.z, restPlateau.afterMs) and scores it
 * against the run's truth, pooled over the runs: ME TP/FP/FN and F1 at the evaluation's criterion, blinks and
 * macro-expressions called micro, and false MEs per minute on runs given without truth (nothing planted, e.g.
 * a real talking face). The defaults' row is marked `*`. Tune on val identities (planted_video.py --val-set),
 * then score the chosen setting once on the test set.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { eventRecord, type EventsDocument } from '../../spotting/event-export';
import { evaluateSpotting } from '../../spotting/evaluate';
import { emptyTruth, parseTruthJson, type TruthDocument } from '../../spotting/evaluate-truth';
import { DEFAULT_REST_PLATEAU } from '../../spotting/frame-scorer';
import { DEFAULT_DETECTOR, type DetectorOptions } from '../../spotting/interval-detector';
import { spotFrames, type SpotterOverrides } from '../../spotting/spotter';
import type { MotionInput } from '../../spotting/motion-signal';
import { runCli } from '../run-cli';
import { runInputs } from './respot';

export class SpotSweepUsageError extends Error {
  override name = 'SpotSweepUsageError';
}

const USAGE = 'usage: npx tsx src/cli/analyze/spot-sweep.ts --run <analyze-out-dir>[=<truth.json>] ... '
  + '[--grid KEY=V1,V2,...] ... [--every K] [--json out.json]';

const PLATEAU_PREFIX = 'restPlateau.';
/** Every sweepable option with its default. */
const DEFAULTS: Readonly<Record<string, number>> = {
  ...DEFAULT_DETECTOR,
  ...Object.fromEntries(Object.entries(DEFAULT_REST_PLATEAU).map(([k, v]) => [PLATEAU_PREFIX + k, v])),
};

/** One point of the grid: option name -> value. */
export type Setting = Record<string, number>;

export function settingOverrides(setting: Setting): SpotterOverrides {
  const detector: Record<string, number> = {};
  const restPlateau: Record<string, number> = {};
  for (const [k, v] of Object.entries(setting)) {
    if (k.startsWith(PLATEAU_PREFIX)) restPlateau[k.slice(PLATEAU_PREFIX.length)] = v;
    else detector[k] = v;
  }
  return { detector: detector as Partial<DetectorOptions>, scorer: { restPlateau } };
}

function isDefault(setting: Setting): boolean {
  return Object.entries(setting).every(([k, v]) => DEFAULTS[k] === v);
}

export interface SweepRun {
  name: string;
  inputs: () => Iterable<MotionInput>;
  /** Planted truth; with `planted: false` it is empty (every micro event is false). */
  truth: TruthDocument;
  planted: boolean;
}

export interface SweepRow {
  setting: Setting;
  isDefault: boolean;
  tp: number;
  fp: number;
  fn: number;
  f1: number | null;
  perRun: Record<string, { tp: number; fp: number; fn: number }>;
  blinksCalledMicro: number;
  macrosCalledMicro: number;
  /** Over the runs without truth; null when every run was planted. */
  falseMicroPerMinute: number | null;
}

/** Every combination of the grid's values (the first key varies slowest). */
export function expandGrid(grid: ReadonlyMap<string, readonly number[]>): Setting[] {
  let out: Setting[] = [{}];
  for (const [key, values] of grid) out = out.flatMap((s) => values.map((v) => ({ ...s, [key]: v })));
  return out;
}

export function sweep(runs: readonly SweepRun[], settings: readonly Setting[]): SweepRow[] {
  return settings.map((setting) => {
    const row: SweepRow = {
      setting, isDefault: isDefault(setting),
      tp: 0, fp: 0, fn: 0, f1: null, perRun: {}, blinksCalledMicro: 0, macrosCalledMicro: 0, falseMicroPerMinute: null,
    };
    let unplantedFp = 0;
    let unplantedMin = 0;
    for (const run of runs) {
      const { intervals } = spotFrames(run.inputs(), settingOverrides(setting));
      const doc: EventsDocument = { format: 'me-analyzer-events', version: 1, classes: null, events: intervals.map(eventRecord) };
      const ev = evaluateSpotting(doc, run.truth);
      row.perRun[run.name] = { tp: ev.micro.tp, fp: ev.micro.fp, fn: ev.micro.fn };
      row.tp += ev.micro.tp;
      row.fp += ev.micro.fp;
      row.fn += ev.micro.fn;
      row.blinksCalledMicro += ev.blinksCalledMicro;
      row.macrosCalledMicro += ev.macrosCalledMicro;
      if (!run.planted) {
        unplantedFp += ev.micro.fp;
        unplantedMin += ev.durationS / 60;
      }
    }
    const den = 2 * row.tp + row.fp + row.fn;
    row.f1 = den > 0 ? (2 * row.tp) / den : null;
    row.falseMicroPerMinute = unplantedMin > 0 ? unplantedFp / unplantedMin : null;
    return row;
  });
}

export function formatSweep(rows: readonly SweepRow[], runNames: readonly string[]): string {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.setting)))];
  const head = [' ', ...keys, 'TP', 'FP', 'FN', 'F1', ...runNames.map((n) => `${n} tp/fp/fn`), 'blink->micro', 'macro->micro', 'false/min'];
  const body = rows.map((r) => [
    r.isDefault ? '*' : ' ', ...keys.map((k) => String(r.setting[k] ?? DEFAULTS[k])),
    String(r.tp), String(r.fp), String(r.fn), r.f1 === null ? '-' : r.f1.toFixed(3),
    ...runNames.map((n) => { const p = r.perRun[n]; return `${p.tp}/${p.fp}/${p.fn}`; }),
    String(r.blinksCalledMicro), String(r.macrosCalledMicro), r.falseMicroPerMinute === null ? '-' : r.falseMicroPerMinute.toFixed(2),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  return [head, ...body].map((cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

interface Args { runs: { dir: string; truth: string | null }[]; grid: Map<string, number[]>; every: number; json: string | null }

export function parseSweepArgs(argv: string[]): Args {
  const a: Args = { runs: [], grid: new Map(), every: 1, json: null };
  const value = (i: number, name: string): string => {
    const v = argv[i];
    if (v === undefined || v.startsWith('--')) throw new SpotSweepUsageError(`${name} needs a value\n${USAGE}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--run') {
      const [dir, truth] = value(++i, k).split('=');
      a.runs.push({ dir, truth: truth ?? null });
    } else if (k === '--grid') {
      const spec = value(++i, k);
      const [key, list] = spec.split('=');
      if (!(key in DEFAULTS)) {
        throw new SpotSweepUsageError(`--grid ${spec}: ${key} is not a spotting option (${Object.keys(DEFAULTS).join(', ')})`);
      }
      const values = (list ?? '').split(',').map(Number);
      if (values.length === 0 || values.some((v) => !Number.isFinite(v))) {
        throw new SpotSweepUsageError(`--grid ${spec}: expected KEY=V1,V2,... with numbers`);
      }
      a.grid.set(key, values);
    } else if (k === '--every') {
      a.every = Number(value(++i, k));
      if (!Number.isInteger(a.every) || a.every < 1) throw new SpotSweepUsageError(`--every must be a positive integer, got ${argv[i]}`);
    } else if (k === '--json') a.json = value(++i, k);
    else throw new SpotSweepUsageError(`unknown argument ${k}\n${USAGE}`);
  }
  if (a.runs.length === 0) throw new SpotSweepUsageError(`no --run given\n${USAGE}`);
  return a;
}

/** The run's frame rate from its timestamps (median step), for a run without truth. */
function runFps(timestampsMs: readonly number[]): number {
  const steps = timestampsMs.slice(1).map((t, i) => t - timestampsMs[i]).sort((x, y) => x - y);
  if (steps.length === 0 || !(steps[steps.length >> 1] > 0)) throw new Error('too few frames to measure the frame rate');
  return 1000 / steps[steps.length >> 1];
}

export function loadRun(dir: string, truthFile: string | null, every: number): SweepRun {
  const { records, inputs } = runInputs(dir, every);
  let truth: TruthDocument;
  if (truthFile === null) truth = emptyTruth(records.length, runFps(records.map((r) => r.timestampMs)));
  else {
    try {
      truth = parseTruthJson(readFileSync(truthFile, 'utf8'));
    } catch (err) {
      throw new Error(`${truthFile}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (truth.frames !== records.length) throw new Error(`${truthFile}: ${truth.frames} frames, but ${dir} recorded ${records.length}`);
  }
  const name = dir.replace(/\/+$/, '').split('/').pop() ?? dir;
  return { name, inputs, truth, planted: truthFile !== null };
}

function main(args: Args): void {
  const runs = args.runs.map((r) => loadRun(r.dir, r.truth, args.every));
  const settings = expandGrid(args.grid);
  if (!settings.some(isDefault)) settings.unshift({});
  const rows = sweep(runs, settings);
  console.log(formatSweep(rows, runs.map((r) => r.name)));
  if (args.json) writeFileSync(args.json, JSON.stringify({ runs: args.runs, every: args.every, rows }, null, 2) + '\n');
}

if (process.argv[1]?.endsWith('spot-sweep.ts')) {
  void runCli(parseSweepArgs, main, (err) => `spot-sweep failed: ${err instanceof Error ? err.message : String(err)}`);
}
