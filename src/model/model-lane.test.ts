/**
 * The live model lane with a model whose jobs finish when the test says: windows offered while busy are
 * dropped, classifications queue and run first, `latest` holds the newest finished window, a cleared lane
 * ignores a job still in flight, and a failing window job is reported once and stops the lane taking windows.
 */
import { describe, expect, it } from 'vitest';
import type { ModelFrameOutput } from '../pipeline/types';
import { ModelLane, type LaneModel } from './model-lane';

class GatedModel implements LaneModel {
  readonly log: string[] = [];
  private gates: (() => void)[] = [];
  failWindows = false;

  windowOutputs(_crops: readonly Uint8Array[], frameIndex: number): Promise<ModelFrameOutput> {
    this.log.push(`window ${frameIndex}`);
    return this.gated(() => {
      if (this.failWindows) throw new Error('device lost');
      return { probabilities: new Float32Array([1, 0, 0]), classes: ['a', 'b', 'c'], flow: new Float32Array(2), landmarks68Crop: [], weights: { id: 'w', trained: true }, frameIndex };
    });
  }

  classifyClip(crops: readonly Uint8Array[]): Promise<Float32Array> {
    this.log.push(`classify ${crops[0][0]}`);
    return this.gated(() => new Float32Array([0, crops[0][0], 0]));
  }

  /** Finishes the oldest job still running. */
  async finishOne(): Promise<void> {
    this.gates.shift()?.();
    await new Promise((r) => setTimeout(r, 0));
  }

  private gated<T>(value: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.gates.push(() => { try { resolve(value()); } catch (e) { reject(e); } });
    });
  }
}

const crops = (tag: number): Uint8Array[] => Array.from({ length: 8 }, () => new Uint8Array([tag]));

describe('ModelLane', () => {
  it('takes a window only when idle, queues classifications before the next window, keeps the newest output', async () => {
    const model = new GatedModel();
    const lane = new ModelLane(model, () => { throw new Error('no failure expected'); });
    expect(lane.offerWindow({ frameIndex: 10, crops: () => crops(0) })).toBe(true);
    // busy: dropped, and its crops are never built (re-aligning them costs a few ms a frame)
    expect(lane.offerWindow({ frameIndex: 11, crops: () => { throw new Error('crops of a dropped window built'); } })).toBe(false);
    const classified = lane.classify(crops(7));
    expect(lane.idle).toBe(false);
    expect(lane.latest).toBeNull();
    await model.finishOne();
    expect(lane.latest?.frameIndex).toBe(10);
    expect(lane.offerWindow({ frameIndex: 12, crops: () => crops(0) })).toBe(false); // the classification runs first
    await model.finishOne();
    expect(Array.from(await classified)).toEqual([0, 7, 0]);
    expect(lane.idle).toBe(true);
    expect(lane.lastJobDurationMs).not.toBeNull();
    expect(lane.offerWindow({ frameIndex: 13, crops: () => crops(0) })).toBe(true);
    lane.clear(); // face lost while frame 13's window runs: its result must not come back
    await model.finishOne();
    expect(lane.latest).toBeNull();
    expect(model.log).toEqual(['window 10', 'classify 7', 'window 13']);
  });

  it('a failing window job is reported once and the lane takes no more windows; classifications reject on their own', async () => {
    const model = new GatedModel();
    model.failWindows = true;
    const failures: unknown[] = [];
    const lane = new ModelLane(model, (e) => failures.push(e));
    lane.offerWindow({ frameIndex: 1, crops: () => crops(0) });
    await model.finishOne();
    expect(failures).toHaveLength(1);
    expect(String(failures[0])).toMatch(/device lost/);
    expect(lane.offerWindow({ frameIndex: 2, crops: () => crops(0) })).toBe(false);
    const failing: LaneModel = { windowOutputs: () => Promise.reject(new Error('x')), classifyClip: () => Promise.reject(new Error('clip failed')) };
    await expect(new ModelLane(failing, () => {}).classify(crops(1))).rejects.toThrow('clip failed');
  });

  it('rests restFactor x the last window job before taking another; classifications do not wait', async () => {
    const model = new GatedModel();
    const lane = new ModelLane(model, () => {}, 1e6);
    expect(lane.offerWindow({ frameIndex: 1, crops: () => crops(0) })).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    await model.finishOne();
    expect(lane.idle).toBe(true);
    expect(lane.offerWindow({ frameIndex: 2, crops: () => crops(0) })).toBe(false); // resting
    const p = lane.classify(crops(3));
    await model.finishOne();
    expect(Array.from(await p)).toEqual([0, 3, 0]);
    const eager = new ModelLane(model, () => {}, 0);
    expect(eager.offerWindow({ frameIndex: 1, crops: () => crops(0) })).toBe(true);
    await model.finishOne();
    expect(eager.offerWindow({ frameIndex: 2, crops: () => crops(0) })).toBe(true);
  });
});
