import { beforeEach, describe, expect, it } from 'vitest';
import type { FrameResult, SpottedEvent } from '../pipeline/types';
import type { Frame } from '../ingest/types';
import { publishFrameView } from '../app/view-bus';
import { MAX_EVENTS } from './events-slice';
import { connectSpotEvents, onEventSelected } from './spot-events-feed';
import { resetAppStore, useAppStore } from './store';

const s = () => useAppStore.getState();

function event(id: number, kind: SpottedEvent['kind'] = 'micro'): SpottedEvent {
  return {
    id, kind, onsetFrame: 10 * id, apexFrame: 10 * id + 3, offsetFrame: 10 * id + 6, onsetMs: 400 * id, apexMs: 400 * id + 120, offsetMs: 400 * id + 240,
    label: kind === 'micro' ? 'surprise' : null, probabilities: null, regionPeaks: { browL: 1.2 },
  };
}

function publish(events: SpottedEvent[]): void {
  const result = { index: 0, timestampMs: 0, spot: { calibrating: false, calibrationProgress: 1, score: 0, regions: {}, events } } as unknown as FrameResult;
  publishFrameView({ frame: {} as Frame, result });
}

describe('events slice and its feed', () => {
  beforeEach(resetAppStore);

  it('adds events in order, keeps the newest MAX_EVENTS and drops a selection that fell out', () => {
    s().addEvents([event(1), event(2, 'macro')]);
    s().selectEvent(1);
    expect(s().selectedEventId).toBe(1);
    s().addEvents(Array.from({ length: MAX_EVENTS - 1 }, (_, i) => event(i + 3)));
    expect(s().events).toHaveLength(MAX_EVENTS);
    expect(s().events[0].id).toBe(2);
    expect(s().selectedEventId).toBeNull();
  });

  it('only selects events it holds; clearing empties list and selection', () => {
    s().addEvents([event(1)]);
    s().selectEvent(7);
    expect(s().selectedEventId).toBeNull();
    s().selectEvent(1);
    s().clearEvents();
    expect([s().events, s().selectedEventId]).toEqual([[], null]);
  });

  it('the feed takes events from the view bus, empties on a new source, and onEventSelected reports picks', () => {
    const off = connectSpotEvents();
    const picked: (number | null)[] = [];
    const offPick = onEventSelected((e) => picked.push(e?.id ?? null));
    try {
      publish([]);
      publish([event(1)]);
      publish([event(2, 'blink')]);
      expect(s().events.map((e) => [e.id, e.kind])).toEqual([[1, 'micro'], [2, 'blink']]);
      s().selectEvent(2);
      s().selectEvent(null);
      expect(picked).toEqual([2, null]);
      s().setSource('camera', 'Camera', 'starting');
      expect(s().events).toEqual([]);
    } finally {
      off();
      offPick();
    }
    publish([event(3)]);
    expect(s().events).toEqual([]); // disconnected
  });
});
