/**
 * `npx tsx src/cli/analyze/classify-events.ts <analyze-out-dir> --events <events.json> [--out <events.json>]
 *   [--backend webgpu|webgl|cpu]`
 *
 * Classifies the micro events of an events file afterwards, from the aligned crops an analyze run saved
 * (--crops) and the alignments in its frames.jsonl, exactly as the spot stage does when an event closes: MOL's
 * clips resampled from onset to offset in the onset's alignment (`eventClipCrops`), at most 2 spread over the
 * event, one full forward each in headless Chromium
 * (the app's model stage and shipped weights), probabilities averaged, "uncertain" below the confidence
 * threshold. For events re-spotted in Node (respot.ts) from a tracking-only run, where MOL never ran per frame.
 * Writes the events (JSON and CSV) with labels, probabilities and the model's classes; default output
 * <events dir>/classified/.
 * `--oracle-truth X.truth.json` instead of --events classifies the TRUE micro-expression intervals (a diagnostic of
 * the classifier alone, as if spotting were perfect; their spotting fields are zero): spot-eval on the result
 * against the same truth gives the classifier's UF1/UAR.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openBrowserSession } from '../browser-session';
import { classifyEvent, DEFAULT_MIN_CONFIDENCE, poolProbabilities } from '../../spotting/classify-event';
import { eventsToCsv, eventsToJson, parseEventsJson, type EventRecord } from '../../spotting/event-export';
import { parseTruthJson } from '../../spotting/evaluate-truth';
import { REGION_NAMES } from '../../spotting/regions';
import { eventClipCrops, type AlignedCrop } from '../../spotting/event-clip';
import type { Affine2x3 } from '../../pipeline/types';
import type { TfBackendName } from '../../gpu/tf-backend';
import type { ClassifyRequest, ClassifyResponse } from './classify-page';
import { runCli } from '../run-cli';

export class ClassifyEventsInputError extends Error {
  override name = 'ClassifyEventsInputError';
}

const CROP_BYTES = 128 * 128;
/** The spot stage's default (SpotStageOptions.maxClipsPerEvent). */
const MAX_CLIPS_PER_EVENT = 2;

interface Args { dir: string; events: string; oracle: boolean; out: string; backend: TfBackendName }

function parseArgs(argv: string[]): Args {
  const usage = 'usage: npx tsx src/cli/analyze/classify-events.ts <analyze-out-dir> (--events <events.json> | --oracle-truth <X.truth.json>) [--out <dir>] [--backend webgpu|webgl|cpu]';
  let oracle = false;
  let dir: string | undefined;
  let events: string | undefined;
  let out: string | undefined;
  let backend: TfBackendName = 'cpu';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--events') events = argv[++i];
    else if (a === '--oracle-truth') { events = argv[++i]; oracle = true; }
    else if (a === '--out') out = argv[++i];
    else if (a === '--backend') {
      const b = argv[++i];
      if (b !== 'webgpu' && b !== 'webgl' && b !== 'cpu') throw new ClassifyEventsInputError(`--backend must be webgpu, webgl or cpu\n${usage}`);
      backend = b;
    } else if (!a.startsWith('--') && dir === undefined) dir = a;
    else throw new ClassifyEventsInputError(`unexpected argument ${a}\n${usage}`);
  }
  if (!dir || !events) throw new ClassifyEventsInputError(usage);
  return { dir, events, oracle, out: out ?? path.join(path.dirname(events), oracle ? 'oracle-classified' : 'classified'), backend };
}

/** The true micro intervals as unclassified micro events (spotting fields zero), for the oracle diagnostic. */
function oracleEvents(truthText: string): { classes: null; events: EventRecord[] } {
  const t = parseTruthJson(truthText);
  const ms = (f: number): number => (1000 * f) / t.fps;
  const zeros = Object.fromEntries(REGION_NAMES.map((r) => [r, 0])) as EventRecord['regionPeakPx'];
  const events = t.events.filter((e) => e.kind === 'micro').map((e): EventRecord => ({
    id: `ev-${e.onsetFrame}`, kind: 'micro', onsetFrame: e.onsetFrame, apexFrame: e.apexFrame, offsetFrame: e.offsetFrame,
    onsetMs: ms(e.onsetFrame), apexMs: ms(e.apexFrame), offsetMs: ms(e.offsetFrame), durationMs: ms(e.offsetFrame - e.onsetFrame),
    peakScore: 0, dominantRegion: 'nose', regionPeakPx: zeros, rigidPeakPx: 0, earMinRatio: 1, label: null, confidence: null, probabilities: null,
  }));
  return { classes: null, events };
}

/** Each frame's alignment (video px -> crop px) from an analyze run's frames.jsonl, null where no face. */
function readAlignments(file: string, frames: number): (Affine2x3 | null)[] {
  if (!existsSync(file)) throw new ClassifyEventsInputError(`${file}: no such file (the analyze run's per-frame output)`);
  const out: (Affine2x3 | null)[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((line, n) => {
    if (!line.trim()) return;
    let a: unknown;
    try {
      a = (JSON.parse(line) as { alignment?: unknown }).alignment;
    } catch {
      throw new ClassifyEventsInputError(`${file}:${n + 1}: not JSON`);
    }
    const ok = Array.isArray(a) && a.length === 6 && a.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (a !== null && !ok) throw new ClassifyEventsInputError(`${file}:${n + 1}: alignment must be 6 finite numbers or null`);
    out.push(ok ? (a as unknown as Affine2x3) : null);
  });
  if (out.length !== frames) throw new ClassifyEventsInputError(`${file} describes ${out.length} frames but crops.u8 holds ${frames}`);
  return out;
}

export async function classifyEvents(args: Args): Promise<{ events: EventRecord[]; classes: string[]; weights: ClassifyResponse['weights'] }> {
  const cropsFile = path.join(args.dir, 'crops.u8');
  if (!existsSync(cropsFile)) throw new ClassifyEventsInputError(`${cropsFile}: no such file (run analyze with --crops)`);
  const crops = readFileSync(cropsFile);
  const frames = statSync(cropsFile).size / CROP_BYTES;
  if (!Number.isInteger(frames)) throw new ClassifyEventsInputError(`${cropsFile}: size is not a multiple of 128x128`);
  const doc = args.oracle ? oracleEvents(readFileSync(args.events, 'utf8')) : parseEventsJson(readFileSync(args.events, 'utf8'));
  const alignments = readAlignments(path.join(args.dir, 'frames.jsonl'), frames);
  const frameAt = (i: number): AlignedCrop | undefined => {
    if (i < 0 || i >= frames) throw new ClassifyEventsInputError(`frame ${i} is outside crops.u8 (${frames} frames)`);
    const crop = crops.subarray(i * CROP_BYTES, (i + 1) * CROP_BYTES);
    const alignment = alignments[i];
    // an all-zero crop is a frame without a face: the stage leaves such an event unclassified
    return alignment && crop.some((b) => b !== 0) ? { crop, alignment } : undefined;
  };
  const plan = doc.events.map((e) => (e.kind === 'micro' ? eventClipCrops(e.onsetFrame, e.offsetFrame, MAX_CLIPS_PER_EVENT, frameAt) : null));
  const usable = plan.map((clips) => clips !== null && clips.length > 0);
  const b64 = (c: Uint8Array): string => Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('base64');
  const req: ClassifyRequest = { backend: args.backend, clips: plan.flatMap((clips) => (clips ? clips.map((clip) => clip.map(b64)) : [])) };
  const session = await openBrowserSession('/src/cli/analyze/classify.html');
  let res: ClassifyResponse;
  try {
    await session.page.waitForFunction(() => typeof window.__classify === 'function', undefined, { timeout: 120_000 });
    res = await session.page.evaluate((r) => window.__classify(r), req);
    if (session.errors.length) throw new Error(`WebGPU/page errors during classification:\n${session.errors.join('\n')}`);
  } finally {
    await session.close();
  }
  let k = 0;
  const events = doc.events.map((e, i) => {
    if (!usable[i]) return { ...e, label: null, confidence: null, probabilities: null };
    const probs = plan[i]!.map(() => res.probabilities[k++]);
    const c = classifyEvent(poolProbabilities(probs), res.classes, DEFAULT_MIN_CONFIDENCE);
    return { ...e, label: c.label, confidence: c.confidence, probabilities: c.probabilities };
  });
  return { events, classes: res.classes, weights: res.weights };
}

async function main(args: Args): Promise<void> {
  const r = await classifyEvents(args);
  mkdirSync(args.out, { recursive: true });
  writeFileSync(path.join(args.out, 'events.json'), eventsToJson(r.events, r.classes) + '\n');
  writeFileSync(path.join(args.out, 'events.csv'), eventsToCsv(r.events, r.classes));
  const micro = r.events.filter((e) => e.kind === 'micro');
  console.log(`${micro.length} micro events classified with ${r.weights.id}: ${micro.map((e) => `${e.id} ${e.label}`).join(', ') || 'none'} -> ${args.out}`);
}

void runCli(parseArgs, main, (err) => `classify-events failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
