import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PAPER_CONFIG, withClasses } from './config';
import { hash32, recipeEntryValues, recipeInputClip, uniform } from './recipe';
import { stateDictEntries } from './state-dict';
import { readGoldenParams, readGoldenTensor } from '../cli/golden-fixtures';

const sha = (a: ArrayBufferView): string => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');

describe('recipe (RECIPE.md)', () => {
  it('matches the published test vectors', () => {
    expect(hash32(0)).toBe(0);
    expect(hash32(1)).toBe(1753845952);
    expect(hash32(2)).toBe(3507691905);
    expect(hash32(100000)).toBe(727286121);
    expect(hash32(0xffffffff)).toBe(1734902346);
    expect(uniform(1, 0, 0)).toBe(-0.7187313525937498);
    expect(uniform(1, 100000, 0)).toBe(0.2812269050627947);
    expect(uniform(2, 0, 0)).toBe(-0.31362434197217226);
  });

  for (const cls of [5, 3] as const) {
    it(`derives the ${cls}-class state_dict entry list and seed-1 values bit-exactly`, () => {
      const golden = readGoldenParams(cls).entries;
      const ours = stateDictEntries(withClasses(PAPER_CONFIG, cls));
      expect(ours.map((e) => [e.k, e.name, e.shape, e.role, e.used])).toEqual(
        golden.map((g) => [g.k, g.name, g.shape, g.role, g.used_in_forward !== 'no']));
      for (const e of ours) {
        if (e.role === 'bn_num_batches_tracked') continue; // int64 zeros; not part of the web format
        expect(sha(recipeEntryValues(1, e)), e.name).toBe(golden[e.k].seed1.sha256_le);
      }
    });
  }

  it('reproduces the seed-1 input clip bit-exactly', () => {
    const golden = readGoldenTensor(1, 'input').data;
    expect(sha(recipeInputClip(1))).toBe(sha(golden));
  });
});
