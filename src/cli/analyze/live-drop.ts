/**
 * `npx tsx src/cli/analyze/live-drop.ts [--seconds 90] [--backend cpu|webgl|webgpu] [--weights none|recipe|...]
 *   [--y4m <file>] [--json out.json] [--model-rest N] [--source camera|demo] [--frames live|all]`
 *
 * Live mode on this machine: the app (dev server, the full pipeline: tracking, MOL with the shipped weights,
 * spotting; `--weights` is the app's ?weights=, e.g. none for tracking only) fed by Chromium's fake camera playing a Y4M file in a loop, observed through `window.__meAnalyzer`
 * for --seconds after the first analysed frame. A live source drops the frames that arrive while the pipeline is
 * busy (src/ingest/video-element-pump.ts), so
 *   dropped-frame rate = 1 - (frames analysed per second) / (frames the camera delivered per second, `fpsIn`),
 * and the processing latency per frame is the sum of its stage timings (p50/p95 over the analysed frames).
 * `--frames all` (the app's ?frames=all) analyses every camera frame instead (camera-frame-queue.ts): nothing is
 * dropped until the backlog is full, and the report says how far behind live the analysis fell.
 * MOL runs beside the frames (the app's model lane): reported as the windows it finished per second, its job
 * time, and how many frames behind the frame on show its newest window is.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openBrowserSession, REPO_ROOT } from '../browser-session';
import { fakeCameraFlags } from '../chromium';
import { latencySummary, percentile } from './latency';

interface Args { seconds: number; backend: string; weights: string | null; y4m: string; json: string | null; modelRest: string | null; source: 'camera' | 'demo'; frames: 'live' | 'all' }

function parseArgs(argv: string[]): Args {
  const a: Args = { seconds: 90, backend: 'cpu', weights: null, y4m: path.join(REPO_ROOT, 'e2e', '.cache', 'cap12.y4m'), json: null, modelRest: null, source: 'camera', frames: 'live' };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = argv[++i];
    if (v === undefined) throw new Error(`${k} needs a value`);
    if (k === '--seconds') a.seconds = Number(v);
    else if (k === '--backend') a.backend = v;
    else if (k === '--weights') a.weights = v;
    else if (k === '--y4m') a.y4m = path.resolve(v);
    else if (k === '--json') a.json = v;
    else if (k === '--model-rest') a.modelRest = v;
    else if (k === '--frames') {
      if (v !== 'live' && v !== 'all') throw new Error(`--frames is live or all, not ${v}`);
      a.frames = v;
    }
    else if (k === '--source') {
      if (v !== 'camera' && v !== 'demo') throw new Error(`--source is camera or demo, not ${v}`);
      a.source = v;
    }
    else throw new Error(`unknown option ${k}`);
  }
  if (!(a.seconds > 0)) throw new Error('--seconds must be positive');
  return a;
}

interface Probe {
  processed: number; fpsIn: number; index: number | null; modelFrame: number | null; timings: Record<string, number> | null;
  backlog: { frames: number; lagMs: number; dropped: number; received: number } | null;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const session = await openBrowserSession(`/index.html?source=${args.source}&backend=${args.backend}${args.weights === null ? '' : `&weights=${encodeURIComponent(args.weights)}`}${args.modelRest === null ? '' : `&model-rest=${encodeURIComponent(args.modelRest)}`}&frames=${args.frames}`, { extraArgs: fakeCameraFlags(args.y4m) });
  try {
    const probe = (): Promise<Probe> => session.page.evaluate(() => {
      const d = window.__meAnalyzer;
      const r = d?.lastResult() ?? null;
      return { processed: d?.framesProcessed() ?? 0, fpsIn: d?.state().fpsIn ?? 0, index: r?.index ?? null, modelFrame: r?.model?.frameIndex ?? null, timings: r?.timings ?? null, backlog: d?.state().backlog ?? null };
    });
    const timings = new Map<number, Record<string, number>>();
    const deadline = Date.now() + 600_000;
    let first: { t: number; processed: number } | null = null;
    let last: Probe = await probe();
    let fpsSum = 0;
    let fpsN = 0;
    // The live model lane (pipeline modelMode 'lane'): which windows MOL finished, and how far behind the frame on show.
    const modelFrames = new Set<number>();
    const modelLag: number[] = [];
    for (;;) {
      last = await probe();
      if (last.index !== null && last.timings) timings.set(last.index, last.timings);
      if (first && last.index !== null && last.modelFrame !== null) {
        modelFrames.add(last.modelFrame);
        modelLag.push(last.index - last.modelFrame);
      }
      if (!first && last.processed >= 1) first = { t: Date.now(), processed: last.processed };
      if (first && last.fpsIn > 0) { fpsSum += last.fpsIn; fpsN++; }
      if (first && Date.now() - first.t >= args.seconds * 1000) break;
      if (!first && Date.now() > deadline) throw new Error('no frame was analysed within 10 minutes');
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!first) throw new Error('no frame analysed');
    if (session.errors.length) throw new Error(`WebGPU/page errors:\n${session.errors.join('\n')}`);
    const elapsedS = (Date.now() - first.t) / 1000;
    const processedPerS = (last.processed - first.processed) / elapsedS;
    const fpsIn = fpsSum / Math.max(1, fpsN);
    // the first analysed frame pays for warm-up (shader/graph compilation): leave it out of the latency
    const lat = latencySummary([...timings.entries()].filter(([i]) => i > 0).map(([, t]) => t), []);
    const b = last.backlog;
    const report = {
      frames: args.frames,
      source: args.source, backend: args.backend, weights: args.weights ?? 'shipped', modelRest: args.modelRest ?? 'default', y4m: path.basename(args.y4m), seconds: elapsedS, fpsIn, processedPerS,
      // every frame kept: only what a full backlog turned away is dropped; the rest is lag
      droppedFrameRate: b ? (b.received > 0 ? b.dropped / b.received : 0) : fpsIn > 0 ? 1 - processedPerS / fpsIn : null,
      behindLiveS: b ? b.lagMs / 1000 : null,
      latencyMs: { stages: lat.stages, total: lat.total },
      model: { windowsPerS: modelFrames.size / elapsedS, lagFrames: modelLag.length ? { p50: percentile(modelLag, 0.5), p95: percentile(modelLag, 0.95) } : null },
    };
    console.log(
      `live (${args.backend}, weights ${args.weights ?? 'shipped'}, ${args.source === 'demo' ? 'demo clip' : `fake camera ${report.y4m}`}): source ${fpsIn.toFixed(1)} fps, analysed ${processedPerS.toFixed(3)} fps over ${elapsedS.toFixed(0)} s, ` +
        `dropped ${report.droppedFrameRate === null ? 'n/a' : (100 * report.droppedFrameRate).toFixed(1) + ' %'} of frames` +
        `${report.behindLiveS === null ? '' : ` (every frame kept: ${report.behindLiveS.toFixed(1)} s behind live at the end)`}; ` +
        `latency per frame p50 ${lat.total?.p50 ?? 'n/a'} ms, p95 ${lat.total?.p95 ?? 'n/a'} ms (${lat.total?.frames ?? 0} frames); ` +
        `MOL beside it: ${report.model.windowsPerS.toFixed(3)} windows/s, job p50 ${lat.stages.modelLane?.p50 ?? 'n/a'} ms, ` +
        `on show ${report.model.lagFrames ? `${report.model.lagFrames.p50} (p95 ${report.model.lagFrames.p95})` : 'n/a'} frames behind`,
    );
    if (args.json) writeFileSync(args.json, JSON.stringify(report, null, 2) + '\n');
  } finally {
    await session.close();
  }
}

main().catch((err: unknown) => {
  console.error(`live-drop failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
