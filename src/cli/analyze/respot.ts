/**
 * `npx tsx src/cli/analyze/respot.ts <analyze-out-dir> [--out <dir>] [--every K]`
 *
 * Spots again, in Node, on what an analyze run recorded: the tracked landmarks68Crop of frames.jsonl and, when
 * the run had --flow, MOL's flow from flow.f16. It runs the spotting stage's own batch path (`spotFrames`, the
 * same intervals as the streaming Spotter) and writes events.json, events.csv and trace.csv (events
 * unclassified: classification needs MOL on the crops, in the browser). For runs made with --no-model, or to
 * try spotting settings on one tracking run; <dir> defaults to <analyze-out-dir>/respot. `--every K` spots on
 * every K-th frame only (frame numbers and times kept), as live mode does when it analyses 1 frame in K.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MotionInput } from '../../spotting/motion-signal';
import { spotFrames } from '../../spotting/spotter';
import { eventRecord, eventsToCsv, eventsToJson, traceToCsv } from '../../spotting/event-export';
import { fromFloat16Bits } from './float16';
import type { FrameRecord } from './frame-record';
import type { Affine2x3, Point } from '../../pipeline/types';

export class RespotInputError extends Error {
  override name = 'RespotInputError';
}

const FLOW_VALUES = 128 * 128 * 2;

/** frames.jsonl as records; every line must be a frame record in frame order. */
export function readFrames(file: string): FrameRecord[] {
  if (!existsSync(file)) throw new RespotInputError(`${file}: no such file`);
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  return lines.map((l, i) => {
    let rec: FrameRecord;
    try {
      rec = JSON.parse(l) as FrameRecord;
    } catch (e) {
      throw new RespotInputError(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
    }
    if (rec.index !== i) throw new RespotInputError(`${file}:${i + 1}: frame index ${rec.index}, expected ${i}`);
    return rec;
  });
}

/** The flow of frame i from flow.f16 (N x 128 x 128 x 2 float16), or null where the run had no model output. */
function flowReader(file: string, frames: number): (i: number, hasModel: boolean) => Float32Array | null {
  const fd = openSync(file, 'r');
  const bytes = FLOW_VALUES * 2;
  const buf = Buffer.alloc(bytes);
  return (i, hasModel) => {
    if (!hasModel) return null;
    if (i >= frames) throw new RespotInputError(`${file}: no flow for frame ${i}`);
    if (readSync(fd, buf, 0, bytes, i * bytes) !== bytes) {
      closeSync(fd);
      throw new RespotInputError(`${file}: truncated at frame ${i}`);
    }
    const out = new Float32Array(FLOW_VALUES);
    for (let k = 0; k < FLOW_VALUES; k++) out[k] = fromFloat16Bits(buf[2 * k] | (buf[2 * k + 1] << 8));
    return out;
  };
}

/** A recorded run as the spotter's inputs: every K-th frame of frames.jsonl (numbers and times kept), with
 *  MOL's flow where the run recorded it. `inputs()` can be iterated again, e.g. once per spotter setting. */
export function runInputs(dir: string, every = 1): { records: FrameRecord[]; inputs: () => Generator<MotionInput> } {
  if (!Number.isInteger(every) || every < 1) throw new RespotInputError(`--every must be a positive integer, got ${every}`);
  const records = readFrames(path.join(dir, 'frames.jsonl'));
  const flowFile = path.join(dir, 'flow.f16');
  const flow = existsSync(flowFile) ? flowReader(flowFile, records.length) : null;
  const inputs = function* (): Generator<MotionInput> {
    for (const r of records) {
      if (r.index % every !== 0) continue;
      yield {
        index: r.index, timestampMs: r.timestampMs,
        landmarks: r.faceFound && r.landmarks68Crop ? (r.landmarks68Crop as unknown as Point[]) : null,
        flow: flow ? flow(r.index, r.model !== null && r.model !== undefined) : null,
        alignment: r.alignment && r.alignment.length === 6 ? (r.alignment as unknown as Affine2x3) : null,
      };
    }
  };
  return { records, inputs };
}

export function respot(dir: string, outDir: string, every = 1): { frames: number; events: Record<string, number> } {
  const { records, inputs } = runInputs(dir, every);
  const { rows, intervals } = spotFrames(inputs());
  const events = intervals.map(eventRecord);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'events.json'), eventsToJson(events, null) + '\n');
  writeFileSync(path.join(outDir, 'events.csv'), eventsToCsv(events, null));
  writeFileSync(path.join(outDir, 'trace.csv'), traceToCsv(rows));
  return { frames: records.length, events: events.reduce<Record<string, number>>((a, e) => ({ ...a, [e.kind]: (a[e.kind] ?? 0) + 1 }), {}) };
}

function main(): void {
  const argv = process.argv.slice(2);
  const dir = argv[0];
  const o = argv.indexOf('--out');
  const e = argv.indexOf('--every');
  if (!dir || dir.startsWith('--') || (o >= 0 && !argv[o + 1]) || (e >= 0 && !argv[e + 1])) {
    console.error('usage: npx tsx src/cli/analyze/respot.ts <analyze-out-dir> [--out <dir>] [--every K]');
    process.exit(2);
  }
  const outDir = o >= 0 ? argv[o + 1] : path.join(dir, 'respot');
  try {
    const r = respot(dir, outDir, e >= 0 ? Number(argv[e + 1]) : 1);
    console.log(`${r.frames} frames, events ${Object.entries(r.events).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'} -> ${outDir}`);
  } catch (err) {
    console.error(`respot failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    process.exit(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) main();
