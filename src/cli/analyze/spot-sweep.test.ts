import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { browRaise, syntheticInputs, timing } from '../../spotting/__fixtures__/synthetic-face';
import { expandGrid, formatSweep, settingOverrides, loadRun, parseSweepArgs, SpotSweepUsageError, sweep } from './spot-sweep';

/** An analyze run dir (frames.jsonl only): 8 s at 30 fps, a 300 ms brow raise of `px` at 5 s unless 0. */
function run(name: string, px: number): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'sweep-')), name);
  const motions = px > 0 ? [{ kind: 'expression' as const, ...timing(5, 0.3), moves: browRaise(px) }] : [];
  const lines = [...syntheticInputs({ fps: 30, durationS: 8, noisePx: 0.1, seed: 3, flowNoisePx: null, motions })]
    .map((f) => JSON.stringify({ index: f.index, timestampMs: f.timestampMs, faceFound: true, landmarks68Crop: f.landmarks, alignment: null, model: null }));
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'frames.jsonl'), lines.join('\n') + '\n');
  return dir;
}

function truthFile(dir: string): string {
  const file = `${dir}.truth.json`;
  writeFileSync(file, JSON.stringify({
    format: 'me-analyzer-truth', version: 1, fps: 30, frames: 240,
    events: [{ kind: 'micro', class3: 'surprise', onsetFrame: 150, apexFrame: 154, offsetFrame: 159 }],
  }));
  return file;
}

describe('spot-sweep', () => {
  it('expands a grid into every combination, first key slowest', () => {
    const grid = new Map([['highZ', [4, 5]], ['lowZ', [2.5, 3]]] as const);
    expect(expandGrid(grid)).toEqual([{ highZ: 4, lowZ: 2.5 }, { highZ: 4, lowZ: 3 }, { highZ: 5, lowZ: 2.5 }, { highZ: 5, lowZ: 3 }]);
    expect(expandGrid(new Map())).toEqual([{}]);
    expect(settingOverrides({ highZ: 4, 'restPlateau.ms': 0 })).toEqual({ detector: { highZ: 4 }, scorer: { restPlateau: { ms: 0 } } });
  });

  it('scores each setting pooled over planted runs and counts false MEs per minute on runs without truth', () => {
    const planted = run('raise', 1.5);
    const still = run('still', 0);
    const runs = [loadRun(planted, truthFile(planted), 1), loadRun(still, null, 1)];
    expect(runs[1].truth.fps).toBeCloseTo(30, 6);
    const rows = sweep(runs, [{}, { highZ: 1000 }]);
    expect(rows[0]).toMatchObject({ isDefault: true, tp: 1, fp: 0, fn: 0, f1: 1, falseMicroPerMinute: 0 });
    expect(rows[1]).toMatchObject({ isDefault: false, tp: 0, fn: 1, f1: 0 });
    const table = formatSweep(rows, runs.map((r) => r.name)).split('\n');
    expect(table[0]).toMatch(/highZ\s+TP\s+FP\s+FN\s+F1\s+raise tp\/fp\/fn\s+still tp\/fp\/fn/);
    expect(table[1].startsWith('*')).toBe(true);
  });

  it('names a run whose truth has another length, and bad arguments', () => {
    const planted = run('short', 1.5);
    const file = `${planted}.truth.json`;
    writeFileSync(file, JSON.stringify({ format: 'me-analyzer-truth', version: 1, fps: 30, frames: 100, events: [] }));
    expect(() => loadRun(planted, file, 1)).toThrow(/100 frames, but .* recorded 240/);
    expect(() => parseSweepArgs([])).toThrow(SpotSweepUsageError);
    expect(() => parseSweepArgs(['--run', 'x', '--grid', 'nope=1'])).toThrow(/nope is not a spotting option/);
    expect(() => parseSweepArgs(['--run', 'x', '--grid', 'highZ=4,x'])).toThrow(/numbers/);
    expect(parseSweepArgs(['--run', 'a=t.json', '--run', 'b', '--grid', 'highZ=4,5']).runs).toEqual([{ dir: 'a', truth: 't.json' }, { dir: 'b', truth: null }]);
  });
});
