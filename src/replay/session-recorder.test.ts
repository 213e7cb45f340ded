import { describe, expect, it } from 'vitest';
import type { FrameResult } from '../pipeline/types';
import { syntheticEvent, syntheticFrames, SYNTHETIC_SESSION } from './__fixtures__/synthetic-session';
import { frameBytes, RecorderInputError, SessionRecorder } from './session-recorder';
import { CROP_SIZE } from './types';

const frames = syntheticFrames({ ...SYNTHETIC_SESSION, frames: 40 });
const withFlowBytes = frameBytes(frames[1]);

function event(onset: number, apex: number, offset: number) {
  return { ...syntheticEvent(), id: `ev-${onset}`, onsetFrame: onset, apexFrame: apex, offsetFrame: offset };
}

describe('SessionRecorder', () => {
  it('keeps the ring under its byte cap, dropping the oldest frames', () => {
    const rec = new SessionRecorder({ ringBytes: 10 * withFlowBytes, keptBytes: 1e9, padFrames: 2, traceRows: 100 });
    frames.forEach((f) => rec.pushFrame(f));
    expect(rec.bytes.ring).toBeLessThanOrEqual(10 * withFlowBytes);
    expect(rec.framesBetween(0, 100).map((f) => f.index)).toEqual([30, 31, 32, 33, 34, 35, 36, 37, 38, 39]);
  });

  it('keeps the frames around a closed event, from onset - pad to offset + pad', () => {
    const rec = new SessionRecorder({ ringBytes: 20 * withFlowBytes, keptBytes: 1e9, padFrames: 2, traceRows: 100 });
    frames.slice(0, 30).forEach((f) => rec.pushFrame(f));
    expect(rec.addEvent(event(12, 17, 22))).toBe(true);
    frames.slice(30).forEach((f) => rec.pushFrame(f)); // the ring moves on; the kept clip stays
    expect(rec.clip('ev-12')!.frames.map((f) => f.index)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
    expect(rec.snapshot().clips.map((c) => c.eventId)).toEqual(['ev-12']);
    expect(rec.bytes.kept).toBe(rec.clip('ev-12')!.frames.reduce((s, f) => s + frameBytes(f), 0));
  });

  it('a clip closed before offset + pad takes the margin frames as they arrive, then stops', () => {
    const rec = new SessionRecorder({ ringBytes: 1e9, keptBytes: 1e9, padFrames: 3, traceRows: 100 });
    frames.slice(0, 24).forEach((f) => rec.pushFrame(f)); // newest frame 23: the event closed one frame after its offset
    expect(rec.addEvent(event(12, 17, 22))).toBe(true);
    const early = rec.clip('ev-12')!;
    expect(early.frames.map((f) => f.index)).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
    frames.slice(24).forEach((f) => rec.pushFrame(f));
    expect(early.frames).toHaveLength(15); // a copy: what a player holds does not change under it
    expect(rec.clip('ev-12')!.frames.map((f) => f.index)).toEqual([9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    expect(rec.bytes.kept).toBe(17 * withFlowBytes);
  });

  it('lists but cannot keep an event whose onset has left the ring', () => {
    const rec = new SessionRecorder({ ringBytes: 5 * withFlowBytes, keptBytes: 1e9, padFrames: 2, traceRows: 100 });
    frames.forEach((f) => rec.pushFrame(f));
    expect(rec.addEvent(event(12, 17, 22))).toBe(false);
    expect(rec.events.map((e) => e.id)).toEqual(['ev-12']);
    expect(rec.clip('ev-12')).toBeNull();
  });

  it('evicts the oldest kept clips past the kept-bytes cap', () => {
    const rec = new SessionRecorder({ ringBytes: 1e9, keptBytes: 12 * withFlowBytes, padFrames: 0, traceRows: 100 });
    frames.forEach((f) => rec.pushFrame(f));
    expect(rec.addEvent(event(2, 3, 6))).toBe(true); // 5 frames
    expect(rec.addEvent(event(10, 12, 14))).toBe(true); // 5 frames
    expect(rec.addEvent(event(20, 22, 24))).toBe(true); // 5 more: over 12 frames, the first goes
    expect(rec.clip('ev-2')).toBeNull();
    expect(rec.clip('ev-10')).not.toBeNull();
    expect(rec.clip('ev-20')).not.toBeNull();
    expect(rec.bytes.kept).toBeLessThanOrEqual(12 * withFlowBytes);
  });

  it('bounds the trace by rows', () => {
    const rec = new SessionRecorder({ ringBytes: 1e9, keptBytes: 1e9, padFrames: 0, traceRows: 3 });
    for (let i = 0; i < 5; i++) rec.pushTrace({ index: i } as never);
    expect(rec.snapshot().trace.map((r) => r.index)).toEqual([2, 3, 4]);
  });

  it('live model lane: an earlier window shown on a later frame is recorded on its own frame, once, in kept clips too', () => {
    const rec = new SessionRecorder({ ringBytes: 1e9, keptBytes: 1e9, padFrames: 0, traceRows: 10 });
    const crop = new Uint8Array(CROP_SIZE * CROP_SIZE).fill(7);
    const lane = { flow: new Float32Array(CROP_SIZE * CROP_SIZE * 2).fill(0.25), landmarks68Crop: [[5, 6]], classes: ['a', 'b'],
      probabilities: new Float32Array(2), weights: { id: 'w1', trained: true }, frameIndex: 4 };
    const at = (index: number, model: unknown) => ({ index, timestampMs: 40 * index, crop, landmarks68Crop: [[1, 2]], model }) as unknown as FrameResult;
    for (const i of [3, 4, 5]) rec.record(at(i, null));
    rec.addEvent({ ...syntheticEvent(), id: 'e1', onsetFrame: 4, apexFrame: 4, offsetFrame: 5 } as never);
    const before = rec.bytes;
    rec.record(at(6, lane)); // frame 4's window finished while frame 6 was analysed
    rec.record(at(7, lane)); // still on show: not attached twice
    const byIndex = new Map(rec.framesBetween(0, 10).map((f) => [f.index, f]));
    expect(byIndex.get(4)!.flow![0]).toBe(0.25);
    expect(byIndex.get(4)!.molLandmarks).toEqual([[5, 6]]);
    expect([3, 5, 6, 7].map((i) => byIndex.get(i)!.flow)).toEqual([null, null, null, null]);
    expect(rec.clip('e1')!.frames.find((f) => f.index === 4)!.flow![0]).toBe(0.25);
    expect(rec.bytes.kept - before.kept).toBe(CROP_SIZE * CROP_SIZE * 2 * 4 + 16);
    expect(rec.attachModel({ ...lane, frameIndex: 99 } as never)).toBe(false);
  });

  it('records pipeline results as copies, with the model identity and classes', () => {
    const rec = new SessionRecorder();
    const crop = new Uint8Array(CROP_SIZE * CROP_SIZE).fill(7);
    const flow = new Float32Array(CROP_SIZE * CROP_SIZE * 2).fill(0.5);
    const result = {
      index: 3, timestampMs: 100, crop, landmarks68Crop: [[1, 2]],
      model: { flow, landmarks68Crop: [[3, 4]], classes: ['a', 'b'], probabilities: new Float32Array(2), weights: { id: 'w1', trained: true }, frameIndex: 3 },
    } as unknown as FrameResult;
    rec.record(result);
    rec.record({ ...result, index: 4, crop: null, model: null } as unknown as FrameResult); // no face: nothing to replay
    crop.fill(0);
    flow.fill(0);
    const [f] = rec.framesBetween(0, 10);
    expect(rec.framesBetween(0, 10)).toHaveLength(1);
    expect(f.crop[0]).toBe(7);
    expect(f.flow![0]).toBe(0.5);
    expect(f.molLandmarks).toEqual([[3, 4]]);
    expect(f.landmarks).toEqual([[1, 2]]);
    expect(rec.snapshot()).toMatchObject({ model: { id: 'w1', trained: true }, classes: ['a', 'b'] });
  });

  it('names out-of-order frames, wrong crop sizes and duplicate events', () => {
    const rec = new SessionRecorder();
    rec.pushFrame(frames[5]);
    expect(() => rec.pushFrame(frames[5])).toThrow(RecorderInputError);
    expect(() => rec.record({ index: 9, crop: new Uint8Array(3), model: null } as unknown as FrameResult)).toThrow(/crop has 3 bytes/);
    rec.addEvent(event(5, 5, 5));
    expect(() => rec.addEvent(event(5, 5, 5))).toThrow(/added twice/);
  });
});
