import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publishFrameView } from '../app/view-bus';
import type { Frame } from '../ingest/types';
import type { FrameResult } from '../pipeline/types';
import { resetAppStore, useAppStore } from '../state/store';
import { recordToSpotted } from './event-records';
import { syntheticEvent, syntheticFrames, syntheticTrace, SYNTHETIC_CLASSES } from './__fixtures__/synthetic-session';
import { clipForEvent, connectSessionRecording, currentSession } from './replay-session';

const frame = {} as Frame;

/** Pipeline results of the synthetic session, the event closing 3 frames after its offset (as the spotter does). */
function results(): FrameResult[] {
  const frames = syntheticFrames();
  const trace = syntheticTrace();
  const ev = recordToSpotted(syntheticEvent(), 42);
  return frames.map((f, i) => ({
    index: f.index, timestampMs: f.timestampMs, width: 640, height: 480, faceFound: true, faceCount: 1, faceBox: null,
    points478: null, landmarks68: null, alignment: null, landmarks68Crop: f.landmarks, crop: f.crop, windowFill: 8,
    model: f.flow ? {
      probabilities: new Float32Array([0.2, 0.5, 0.3]), classes: SYNTHETIC_CLASSES, flow: f.flow,
      landmarks68Crop: f.molLandmarks!, weights: { id: 'live-test', trained: true }, frameIndex: f.index,
    } : null,
    spot: { calibrating: false, calibrationProgress: 1, score: trace[i].score, regions: {}, events: f.index === ev.offsetFrame + 3 ? [ev] : [], row: trace[i] },
    timings: {},
  }));
}

describe('live session recording', { timeout: 30_000 }, () => {
  let off: () => void = () => undefined;
  beforeEach(() => { resetAppStore(); off = connectSessionRecording(); });
  afterEach(() => off());

  it('records frames, trace and closed events from the view bus, with the model identity', () => {
    for (const result of results()) publishFrameView({ frame, result });
    const s = currentSession();
    expect(s.events).toEqual([syntheticEvent()]);
    expect(s.classes).toEqual(SYNTHETIC_CLASSES);
    expect(s.model).toEqual({ id: 'live-test', trained: true });
    expect(s.trace).toEqual(syntheticTrace());
    const clip = clipForEvent(recordToSpotted(syntheticEvent(), 42))!;
    // 6 frames of margin each side of onset 12 .. offset 22
    expect(clip.frames.map((f) => f.index)).toEqual(Array.from({ length: 23 }, (_, k) => 6 + k));
    expect(clip.frames[10].flow).not.toBeNull();
  });

  it('a new source starts a new session', () => {
    for (const result of results()) publishFrameView({ frame, result });
    useAppStore.getState().setSource('demo', 'Demo clip', 'starting');
    expect(currentSession().events).toEqual([]);
    expect(currentSession().trace).toEqual([]);
  });
});
