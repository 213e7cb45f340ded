/**
 * `npm run spot-eval -- --events events.json (--truth X.truth.json | --no-truth --frames N --fps F) [--json out.json]`
 * `npm run spot-eval -- --events A/events.json --truth A.truth.json --events B/events.json --truth B.truth.json ...`
 *
 * Scores the events `npm run analyze` spotted against a planted video's ground truth (src/spotting/evaluate.ts):
 * ME spotting TP/FP/FN and F1, UF1/UAR of the correctly spotted MEs, blinks/macros called micro, false MEs per
 * minute. `--no-truth` is for videos with nothing planted (a real talking face): every micro event is false.
 * Several --events/--truth pairs (in order) are scored one by one and then pooled (counts summed, UF1/UAR over
 * every correctly spotted ME).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseEventsJson } from '../spotting/event-export';
import { evaluateSpotting, poolEvaluations } from '../spotting/evaluate';
import { formatEvaluation, formatPooled } from '../spotting/evaluate-format';
import { emptyTruth, parseTruthJson, type TruthDocument } from '../spotting/evaluate-truth';
import { runCli } from './run-cli';

export class SpotEvalUsageError extends Error {
  override name = 'SpotEvalUsageError';
}

const USAGE = 'usage: npm run spot-eval -- --events events.json (--truth X.truth.json | --no-truth --frames N --fps F) [--json out.json]\n'
  + '       npm run spot-eval -- --events A.json --truth A.truth.json --events B.json --truth B.truth.json ... [--json out.json]';

interface Args { events: string[]; truth: string[]; frames: number | null; fps: number | null; json: string | null }

function parseArgs(argv: string[]): Args {
  const a: Args = { events: [], truth: [], frames: null, fps: null, json: null };
  let noTruth = false;
  const value = (i: number, name: string): string => {
    const v = argv[i];
    if (v === undefined || v.startsWith('--')) throw new SpotEvalUsageError(`${name} needs a value\n${USAGE}`);
    return v;
  };
  const number = (i: number, name: string): number => {
    const v = Number(value(i, name));
    if (!Number.isFinite(v) || v <= 0) throw new SpotEvalUsageError(`${name} must be a positive number, got ${argv[i]}\n${USAGE}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--events') a.events.push(value(++i, k));
    else if (k === '--truth') a.truth.push(value(++i, k));
    else if (k === '--json') a.json = value(++i, k);
    else if (k === '--frames') a.frames = number(++i, k);
    else if (k === '--fps') a.fps = number(++i, k);
    else if (k === '--no-truth') noTruth = true;
    else throw new SpotEvalUsageError(`unknown argument ${k}\n${USAGE}`);
  }
  if (a.events.length === 0) throw new SpotEvalUsageError(`no --events file given\n${USAGE}`);
  if (noTruth === (a.truth.length > 0)) throw new SpotEvalUsageError(`give exactly one of --truth and --no-truth\n${USAGE}`);
  if (noTruth && a.events.length > 1) throw new SpotEvalUsageError(`--no-truth scores one events file\n${USAGE}`);
  if (!noTruth && a.truth.length !== a.events.length) {
    throw new SpotEvalUsageError(`${a.events.length} --events files but ${a.truth.length} --truth files: give them in pairs\n${USAGE}`);
  }
  if (noTruth && (a.frames === null || a.fps === null)) throw new SpotEvalUsageError(`--no-truth needs --frames and --fps (the video's length)\n${USAGE}`);
  return a;
}

/** Reads and parses one input file; every failure names the file and the parser's error class. */
function parseFile<T>(file: string, what: string, parse: (text: string) => T): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read the ${what} (${err instanceof Error ? err.message : String(err)})`);
  }
  try {
    return parse(text);
  } catch (err) {
    throw new Error(`${file}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
  }
}

function main(args: Args): void {
  const reports = args.events.map((file, k) => {
    const doc = parseFile(file, 'events file', parseEventsJson);
    const truth: TruthDocument = args.truth.length === 0
      ? emptyTruth(args.frames as number, args.fps as number)
      : parseFile(args.truth[k], 'truth file', parseTruthJson);
    return { events: path.basename(file), truth: args.truth[k] ? path.basename(args.truth[k]) : null, ...evaluateSpotting(doc, truth) };
  });
  if (reports.length === 1) {
    console.log(formatEvaluation(reports[0]));
    if (args.json) writeFileSync(args.json, JSON.stringify(reports[0], null, 2) + '\n');
    return;
  }
  for (const r of reports) console.log(`${r.events} vs ${r.truth}\n${formatEvaluation(r)}\n`);
  const pooled = poolEvaluations(reports);
  console.log(formatPooled(pooled));
  if (args.json) writeFileSync(args.json, JSON.stringify({ videos: reports, pooled }, null, 2) + '\n');
}

void runCli(parseArgs, main, (err) =>
  `spot-eval failed: ${err instanceof Error ? (err.name === 'Error' ? err.message : `${err.name}: ${err.message}`) : String(err)}`);
