/**
 * `npm run analyze -- <video> --out <dir> [--crops] [--flow] [--no-model | --weights shipped|recipe[:seed]]
 *   [--events-only] [--backend webgpu|webgl|cpu] [--mesh-backend wasm|main] [--no-smoothing]`
 *
 * Runs the app's own pipeline (tracking, alignment, MOL, spotting) in headless Chromium over every frame of a
 * WebM/MP4 (what Chromium decodes) or Y4M file and writes into <dir> (formats in README.md "Headless analysis"):
 * frames.jsonl (one JSON object per frame), events.json / events.csv (spotted events), trace.csv (the spotting
 * trace), summary.json, and optionally crops.u8 (--crops) and flow.f16 (--flow). --no-model: tracking only.
 * --events-only: MOL classifies the spotted micro events and nothing else (no per-frame model outputs, spotting
 * without the flow term), about as fast as tracking alone.
 */
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openBrowserSession } from './browser-session';
import { ANALYZE_INPUT_ENV } from './vite-plugin-assets';
import type { AnalyzeOutcome, AnalyzeRequest, AnalyzeSummary } from './analyze/analyze-page';
import { latencySummary } from './analyze/latency';
import { eventsToCsv, eventsToJson, traceToCsv } from '../spotting/event-export';
import type { ModelChoice } from '../model/shipped-weights';
import { FRAMES_FORMAT_VERSION } from './analyze/frame-record';
import { runCli } from './run-cli';

export class AnalyzeUsageError extends Error {
  override name = 'AnalyzeUsageError';
}
export class AnalyzeInputError extends Error {
  override name = 'AnalyzeInputError';
}

interface Args {
  input: string; out: string; crops: boolean; flow: boolean; model: ModelChoice; eventsOnly: boolean;
  backend: AnalyzeRequest['backend']; meshBackend: AnalyzeRequest['meshBackend']; noSmoothing: boolean; verbose: boolean;
}

const USAGE = 'usage: npm run analyze -- <video.webm|.mp4|.y4m> --out <dir> [--crops] [--flow] [--no-model | --weights shipped|recipe[:seed]] ' +
  '[--events-only] [--backend webgpu|webgl|cpu] [--mesh-backend wasm|main] [--no-smoothing] [--verbose]';

function parseWeights(v: string | undefined): ModelChoice {
  if (v === 'shipped') return {};
  const m = /^recipe(?::(\d+))?$/.exec(v ?? '');
  if (m) return { recipeSeed: m[1] === undefined ? 1 : Number(m[1]) };
  throw new AnalyzeUsageError(`--weights must be shipped, recipe or recipe:<seed> (got ${v})\n${USAGE}`);
}

function parseArgs(argv: string[]): Args {
  let input: string | undefined;
  let out: string | undefined;
  let crops = false;
  let flow = false;
  let model: ModelChoice | undefined;
  let noModel = false;
  let eventsOnly = false;
  let noSmoothing = false;
  let verbose = false;
  let backend: Args['backend'] = 'webgpu';
  let meshBackend: Args['meshBackend'] = 'wasm';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') out = argv[++i];
    else if (a === '--crops') crops = true;
    else if (a === '--flow') flow = true;
    else if (a === '--no-model') noModel = true;
    else if (a === '--events-only') eventsOnly = true;
    else if (a === '--weights') model = parseWeights(argv[++i]);
    else if (a === '--no-smoothing') noSmoothing = true;
    else if (a === '--verbose') verbose = true;
    else if (a === '--backend') {
      const b = argv[++i];
      if (b !== 'webgpu' && b !== 'webgl' && b !== 'cpu') throw new AnalyzeUsageError(`--backend must be webgpu, webgl or cpu (got ${b})\n${USAGE}`);
      backend = b;
    } else if (a === '--mesh-backend') {
      const b = argv[++i];
      if (b !== 'wasm' && b !== 'main') throw new AnalyzeUsageError(`--mesh-backend must be wasm or main (got ${b})\n${USAGE}`);
      meshBackend = b;
    } else if (a.startsWith('--')) throw new AnalyzeUsageError(`unknown option ${a}\n${USAGE}`);
    else if (input === undefined) input = a;
    else throw new AnalyzeUsageError(`unexpected argument ${a}\n${USAGE}`);
  }
  if (!input) throw new AnalyzeUsageError(`no input video given\n${USAGE}`);
  if (!out) throw new AnalyzeUsageError(`no --out directory given\n${USAGE}`);
  if (noModel && (model !== undefined || flow || eventsOnly)) throw new AnalyzeUsageError(`--no-model cannot be combined with --weights, --flow or --events-only\n${USAGE}`);
  if (eventsOnly && flow) throw new AnalyzeUsageError(`--events-only gives no per-frame flow: drop --flow\n${USAGE}`);
  return { input: path.resolve(input), out: path.resolve(out), crops, flow, model: noModel ? false : (model ?? {}), eventsOnly, backend, meshBackend, noSmoothing, verbose };
}

function checkInput(file: string): void {
  if (!existsSync(file)) throw new AnalyzeInputError(`${file}: no such file`);
  const st = statSync(file);
  if (!st.isFile()) throw new AnalyzeInputError(`${file}: not a regular file`);
  if (st.size === 0) throw new AnalyzeInputError(`${file}: the file is empty`);
  try {
    const fd = openSync(file, 'r');
    readSync(fd, Buffer.alloc(1), 0, 1, 0);
    closeSync(fd);
  } catch (err) {
    throw new AnalyzeInputError(`${file}: cannot be read (${err instanceof Error ? err.message : String(err)})`);
  }
}

export interface AnalyzeResult extends AnalyzeSummary {
  latencyMs: ReturnType<typeof latencySummary>;
  /** Events by kind (null with --no-model). */
  events: Record<string, number> | null;
  /** Where events and trace came from: the pipeline's spot stage, or spotted by analyze itself (no stage). */
  spotSource: 'stage' | 'recorder' | null;
}

export async function analyze(args: Args): Promise<AnalyzeResult> {
  checkInput(args.input);
  mkdirSync(args.out, { recursive: true });
  process.env[ANALYZE_INPUT_ENV] = args.input;
  const file = (name: string): string => path.join(args.out, name);
  const jsonl = createWriteStream(file('frames.jsonl'));
  const crops = args.crops ? createWriteStream(file('crops.u8')) : null;
  const flows = args.flow ? createWriteStream(file('flow.f16')) : null;
  const session = await openBrowserSession('/src/cli/analyze/analyze.html', { verbose: args.verbose });
  const t0 = Date.now();
  const timings: Record<string, number>[] = [];
  const wallMs: number[] = [];
  let last = 0;
  try {
    let n = 0;
    await session.page.exposeFunction('__emitFrame', (record: string, cropB64: string | null, flowB64: string | null) => {
      jsonl.write(record + '\n');
      if (crops && cropB64 !== null) crops.write(Buffer.from(cropB64, 'base64'));
      if (flows && flowB64 !== null) flows.write(Buffer.from(flowB64, 'base64'));
      const now = performance.now();
      if (n > 0) wallMs.push(now - last);
      last = now;
      n++;
      const rec = JSON.parse(record) as { faceFound: boolean; timings: Record<string, number>; spot: { score: number; closed: string[] } | null };
      timings.push(rec.timings);
      if (n === 1 || n % 25 === 0 || (rec.spot?.closed.length ?? 0) > 0) {
        const ms = Object.entries(rec.timings).map(([k, v]) => `${k} ${v.toFixed(0)}ms`).join(', ');
        const spot = rec.spot ? `  score ${rec.spot.score.toFixed(1)}${rec.spot.closed.length ? `  closed ${rec.spot.closed.join(' ')}` : ''}` : '';
        process.stderr.write(`frame ${n}  face ${rec.faceFound ? 'yes' : 'no'}  ${ms}${spot}  (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
      }
    });
    await session.page.waitForFunction(() => typeof window.__analyze === 'function', undefined, { timeout: 120_000 });
    const req: AnalyzeRequest = { name: path.basename(args.input), backend: args.backend, meshBackend: args.meshBackend, crops: args.crops, noSmoothing: args.noSmoothing, model: args.model, flow: args.flow, eventsOnly: args.eventsOnly };
    const outcome: AnalyzeOutcome = await session.page.evaluate((r) => window.__analyze(r), req);
    if (session.errors.length) throw new Error(`WebGPU/page errors during analysis:\n${session.errors.join('\n')}`);
    if (session.foreignRequests.length) throw new Error(`requests left the origin: ${session.foreignRequests.join(', ')}`);
    const sp = outcome.spotting;
    if (sp) {
      const classes = outcome.summary.classes;
      writeFileSync(file('events.json'), eventsToJson(sp.events, classes) + '\n');
      writeFileSync(file('events.csv'), eventsToCsv(sp.events, classes));
      writeFileSync(file('trace.csv'), traceToCsv(sp.rows));
    }
    const events = sp ? sp.events.reduce<Record<string, number>>((acc, e) => ({ ...acc, [e.kind]: (acc[e.kind] ?? 0) + 1 }), {}) : null;
    return {
      ...outcome.summary, latencyMs: latencySummary(timings, wallMs), events,
      spotSource: sp ? sp.source : null,
    };
  } finally {
    await new Promise<void>((res) => jsonl.end(res));
    if (crops) await new Promise<void>((res) => crops.end(res));
    if (flows) await new Promise<void>((res) => flows.end(res));
    await session.close();
  }
}

async function main(args: Args): Promise<void> {
  const t0 = Date.now();
  const s = await analyze(args);
  const wallS = (Date.now() - t0) / 1000;
  writeFileSync(path.join(args.out, 'summary.json'), JSON.stringify({ input: path.basename(args.input), format: 'me-analyzer-frames', version: FRAMES_FORMAT_VERSION, wallS, ...s }, null, 2) + '\n');
  const lat = s.latencyMs.total;
  const extra = [args.crops && 'crops.u8', args.flow && 'flow.f16', s.events && 'events.json, events.csv, trace.csv'].filter(Boolean).join(', ');
  console.log(
    `${s.frames} frames (${s.width}x${s.height}), face in ${s.facesFound} (${((100 * s.facesFound) / Math.max(1, s.frames)).toFixed(1)}%), ` +
      `decoded via ${s.decodePath}, skipped ${s.droppedFrames}, backend ${s.backend}${s.fallbackReason ? ` (${s.fallbackReason})` : ''}, ` +
      `mesh on ${s.meshBackend}${s.meshFallbackReason ? ` (${s.meshFallbackReason})` : ''}, ` +
      `${s.weights ? `model ${s.weights.id} on ${s.modelFrames} frames, ` : ''}` +
      `${s.events ? `events ${Object.entries(s.events).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}, ` : ''}` +
      `${lat ? `per frame p50 ${lat.p50} ms p95 ${lat.p95} ms, ` : ''}` +
      `${wallS.toFixed(1)} s -> ${path.join(args.out, 'frames.jsonl')}${extra ? ` + ${extra}` : ''}`,
  );
}

void runCli(parseArgs, main, (err) => `analyze failed: ${err instanceof Error ? err.message.replace(/^page\.evaluate: /, '') : String(err)}`);
