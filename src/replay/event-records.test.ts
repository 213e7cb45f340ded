import { describe, expect, it } from 'vitest';
import { eventId, eventsToJson, parseEventsJson } from '../spotting/event-export';
import { syntheticEvent, SYNTHETIC_CLASSES } from './__fixtures__/synthetic-session';
import { recordIdOf, recordToSpotted, spottedToRecord } from './event-records';

describe('event records', () => {
  it('a record survives the trip through the live event shape', () => {
    const rec = syntheticEvent();
    const live = recordToSpotted(rec, 7);
    expect(live.id).toBe(7);
    expect(spottedToRecord(live)).toEqual(rec);
    expect(recordIdOf(live)).toBe(eventId(rec));
  });

  it('a live event from an older producer exports its unknown fields as null, which the events parser names', () => {
    const live = recordToSpotted(syntheticEvent(), 1);
    delete live.peakScore; delete live.rigidPeakPx; delete live.earMinRatio; delete live.dominantRegion; delete live.durationMs;
    const rec = spottedToRecord(live);
    expect(rec.dominantRegion).toBe('mouthL'); // the largest peak (mouthL and mouthR tie: the first wins)
    expect(rec.durationMs).toBeCloseTo(live.offsetMs - live.onsetMs);
    const json = JSON.parse(eventsToJson([rec], SYNTHETIC_CLASSES));
    expect(json.events[0].peakScore).toBeNull();
    expect(() => parseEventsJson(JSON.stringify(json))).toThrow(/peakScore/);
  });

  it('a complete live event gives a record the events parser reads back', () => {
    const rec = spottedToRecord(recordToSpotted(syntheticEvent(), 3));
    expect(parseEventsJson(eventsToJson([rec], SYNTHETIC_CLASSES)).events).toEqual([rec]);
  });
});
