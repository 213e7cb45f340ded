/**
 * `npm run analyze -- <video> --out <dir> [--crops] [--backend webgpu|webgl|cpu] [--no-smoothing]`
 *
 * Runs the app's own pipeline in headless Chromium over every frame of a WebM/MP4 (what Chromium decodes) or
 * Y4M file and writes <dir>/frames.jsonl (one JSON object per frame, format in README.md) and, with --crops,
 * <dir>/crops.u8 (N x 128 x 128 uint8 aligned grayscale crops in frame order, zeros where no face).
 */
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openBrowserSession } from './browser-session';
import { ANALYZE_INPUT_ENV } from './vite-plugin-assets';
import type { AnalyzeRequest, AnalyzeSummary } from './analyze/analyze-page';

export class AnalyzeUsageError extends Error {
  override name = 'AnalyzeUsageError';
}
export class AnalyzeInputError extends Error {
  override name = 'AnalyzeInputError';
}

interface Args { input: string; out: string; crops: boolean; backend: AnalyzeRequest['backend']; noSmoothing: boolean; verbose: boolean }

const USAGE = 'usage: npm run analyze -- <video.webm|.mp4|.y4m> --out <dir> [--crops] [--backend webgpu|webgl|cpu] [--no-smoothing] [--verbose]';

function parseArgs(argv: string[]): Args {
  let input: string | undefined;
  let out: string | undefined;
  let crops = false;
  let noSmoothing = false;
  let verbose = false;
  let backend: Args['backend'] = 'webgpu';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') out = argv[++i];
    else if (a === '--crops') crops = true;
    else if (a === '--no-smoothing') noSmoothing = true;
    else if (a === '--verbose') verbose = true;
    else if (a === '--backend') {
      const b = argv[++i];
      if (b !== 'webgpu' && b !== 'webgl' && b !== 'cpu') throw new AnalyzeUsageError(`--backend must be webgpu, webgl or cpu (got ${b})\n${USAGE}`);
      backend = b;
    } else if (a.startsWith('--')) throw new AnalyzeUsageError(`unknown option ${a}\n${USAGE}`);
    else if (input === undefined) input = a;
    else throw new AnalyzeUsageError(`unexpected argument ${a}\n${USAGE}`);
  }
  if (!input) throw new AnalyzeUsageError(`no input video given\n${USAGE}`);
  if (!out) throw new AnalyzeUsageError(`no --out directory given\n${USAGE}`);
  return { input: path.resolve(input), out: path.resolve(out), crops, backend, noSmoothing, verbose };
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

export async function analyze(args: Args): Promise<AnalyzeSummary> {
  checkInput(args.input);
  mkdirSync(args.out, { recursive: true });
  process.env[ANALYZE_INPUT_ENV] = args.input;
  const jsonlPath = path.join(args.out, 'frames.jsonl');
  const cropsPath = path.join(args.out, 'crops.u8');
  const jsonl = createWriteStream(jsonlPath);
  const crops = args.crops ? createWriteStream(cropsPath) : null;
  const session = await openBrowserSession('/src/cli/analyze/analyze.html', { verbose: args.verbose });
  const t0 = Date.now();
  try {
    let n = 0;
    await session.page.exposeFunction('__emitFrame', (record: string, cropB64: string | null) => {
      jsonl.write(record + '\n');
      if (crops && cropB64 !== null) crops.write(Buffer.from(cropB64, 'base64'));
      n++;
      if (n === 1 || n % 25 === 0) {
        const rec = JSON.parse(record) as { faceFound: boolean; timings: Record<string, number> };
        const ms = Object.entries(rec.timings).map(([k, v]) => `${k} ${v.toFixed(0)}ms`).join(', ');
        process.stderr.write(`frame ${n}  face ${rec.faceFound ? 'yes' : 'no'}  ${ms}  (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
      }
    });
    await session.page.waitForFunction(() => typeof window.__analyze === 'function', undefined, { timeout: 120_000 });
    const req: AnalyzeRequest = { name: path.basename(args.input), backend: args.backend, crops: args.crops, noSmoothing: args.noSmoothing };
    const summary = await session.page.evaluate((r) => window.__analyze(r), req);
    if (session.errors.length) throw new Error(`WebGPU/page errors during analysis:\n${session.errors.join('\n')}`);
    if (session.foreignRequests.length) throw new Error(`requests left the origin: ${session.foreignRequests.join(', ')}`);
    return summary;
  } finally {
    await new Promise<void>((res) => jsonl.end(res));
    if (crops) await new Promise<void>((res) => crops.end(res));
    await session.close();
  }
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  }
  try {
    const t0 = Date.now();
    const s = await analyze(args);
    writeFileSync(path.join(args.out, 'summary.json'), JSON.stringify({ input: path.basename(args.input), ...s }, null, 2) + '\n');
    console.log(
      `${s.frames} frames (${s.width}x${s.height}), face in ${s.facesFound} (${((100 * s.facesFound) / Math.max(1, s.frames)).toFixed(1)}%), ` +
        `decoded via ${s.decodePath}, skipped ${s.droppedFrames}, backend ${s.backend}${s.fallbackReason ? ` (${s.fallbackReason})` : ''}, ` +
        `${((Date.now() - t0) / 1000).toFixed(1)} s -> ${path.join(args.out, 'frames.jsonl')}${args.crops ? ' + crops.u8' : ''}`,
    );
  } catch (err) {
    const msg = err instanceof Error ? err.message.replace(/^page\.evaluate: /, '') : String(err);
    console.error(`analyze failed: ${msg}`);
    process.exit(1);
  }
}

void main();
