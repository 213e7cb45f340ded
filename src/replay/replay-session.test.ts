import { beforeEach, describe, expect, it } from 'vitest';
import { resetAppStore, useAppStore } from '../state/store';
import { recordToSpotted } from './event-records';
import { syntheticSession } from './__fixtures__/synthetic-session';
import { clipForEvent, closeReview, currentSession, openSessionFile, REVIEW_ID_BASE } from './replay-session';
import { SessionFileError, sessionToJson } from './session-file';

const s = () => useAppStore.getState();

describe('reviewing a session file', { timeout: 30_000 }, () => {
  beforeEach(resetAppStore);

  it('puts its events on the timeline, serves its clips and exports it; Back to live restores the live events', async () => {
    const live = recordToSpotted({ ...syntheticSession().events[0], id: 'ev-3', onsetFrame: 3, apexFrame: 4, offsetFrame: 5 }, 1);
    s().addEvents([live]);
    const session = syntheticSession();
    await openSessionFile(new File([sessionToJson(session)], 'a.mesession.json'));
    expect(s().reviewing).toMatchObject({ fileName: 'a.mesession.json', events: 1, clips: 1 });
    expect(s().events.map((e) => [e.id, e.onsetFrame])).toEqual([[REVIEW_ID_BASE, 12]]);
    const clip = clipForEvent(s().events[0]);
    expect(clip?.frames.map((f) => f.index)).toEqual(session.clips[0].frames.map((f) => f.index));
    expect(currentSession().events).toEqual(session.events);
    closeReview();
    expect(s().reviewing).toBeNull();
    expect(s().events.map((e) => e.id)).toEqual([1]);
  });

  it('a malformed file is refused with a named error in the store, and nothing changes', async () => {
    s().addEvents([recordToSpotted(syntheticSession().events[0], 1)]);
    await expect(openSessionFile(new File(['{"format":"me-analyzer-session","version":9}'], 'bad.json'))).rejects.toThrow(SessionFileError);
    expect(s().sessionFileError).toMatch(/^bad.json: session.version: this app reads version 1, got 9/);
    expect(s().reviewing).toBeNull();
    expect(s().events.map((e) => e.id)).toEqual([1]);
  });
});
