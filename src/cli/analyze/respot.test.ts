import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { browRaise, syntheticInputs, timing } from '../../spotting/__fixtures__/synthetic-face';
import { respot, RespotInputError } from './respot';

/** An analyze run dir holding only frames.jsonl: an 8 s, 30 fps synthetic face with a 300 ms brow raise at 5 s. */
function run(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'respot-'));
  const lines = [...syntheticInputs({ fps: 30, durationS: 8, noisePx: 0.1, seed: 1, flowNoisePx: null, motions: [{ kind: 'expression', ...timing(5, 0.3), moves: browRaise(1.5) }] })]
    .map((f) => JSON.stringify({ index: f.index, timestampMs: f.timestampMs, faceFound: true, landmarks68Crop: f.landmarks, alignment: null, model: null }));
  writeFileSync(path.join(dir, 'frames.jsonl'), lines.join('\n') + '\n');
  return dir;
}

describe('respot', () => {
  it('spots a run again, on every frame or on every K-th (frame numbers kept), and names a bad K', () => {
    const dir = run();
    for (const every of [1, 2]) {
      const out = path.join(dir, `r${every}`);
      expect(respot(dir, out, every).events).toEqual({ micro: 1 });
      const [ev] = (JSON.parse(readFileSync(path.join(out, 'events.json'), 'utf8')) as { events: { onsetFrame: number }[] }).events;
      expect(Math.abs(ev.onsetFrame - 150)).toBeLessThanOrEqual(2);
      if (every === 2) expect(ev.onsetFrame % 2).toBe(0);
    }
    expect(() => respot(dir, path.join(dir, 'bad'), 0)).toThrow(RespotInputError);
  });
});
