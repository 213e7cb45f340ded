/**
 * The session replay and export work on: the live one (recorded from the view bus while a source runs) or a
 * session file opened for review. Frames stay here, outside React; the store only learns which file is under
 * review, and the events slice gets the file's events so the timeline shows them and a click replays them.
 */
import { subscribeFrameView } from '../app/view-bus';
import type { SpottedEvent } from '../pipeline/types';
import { useAppStore } from '../state/store';
import { recordIdOf, recordToSpotted, spottedToRecord } from './event-records';
import { parseSessionJson, SessionFileError } from './session-file';
import { SessionRecorder } from './session-recorder';
import type { ReplayClip, SessionData } from './types';

/** Reviewed events get ids from here on, so they never collide with live ones (which count from 1). */
export const REVIEW_ID_BASE = 1_000_000;

const recorder = new SessionRecorder();
let reviewed: SessionData | null = null;
/** The live events on the timeline when the review began, put back when it ends. */
let liveEventsBeforeReview: SpottedEvent[] = [];
let lastIndex = -1;

function endReview(): void {
  if (!reviewed) return;
  reviewed = null;
  useAppStore.getState().setReviewing(null);
}

/** Records every analysed frame and closed event; a new source starts a new session (and ends a review). */
export function connectSessionRecording(): () => void {
  const offFrames = subscribeFrameView(({ result }) => {
    if (result.index <= lastIndex) recorder.reset(); // frame numbers restart: a new source
    lastIndex = result.index;
    recorder.record(result);
    if (result.spot?.row) recorder.pushTrace(result.spot.row);
    for (const e of result.spot?.events ?? []) recorder.addEvent(spottedToRecord(e), result.model?.classes ?? null);
  });
  const offSource = useAppStore.subscribe((s, prev) => {
    if (s.sourceStatus === 'starting' && prev.sourceStatus !== 'starting') {
      recorder.reset();
      lastIndex = -1;
      endReview();
    }
  });
  return () => {
    offFrames();
    offSource();
  };
}

/** Opens a session file for review; throws SessionFileError (also put in the store) when it is malformed. */
export async function openSessionFile(file: File): Promise<SessionData> {
  const store = useAppStore.getState();
  let data: SessionData;
  try {
    data = parseSessionJson(await file.text());
  } catch (e) {
    const message = e instanceof SessionFileError ? e.message : `could not read the file: ${(e as Error).message}`;
    store.setSessionFileError(`${file.name}: ${message}`);
    throw e instanceof SessionFileError ? e : new SessionFileError(message);
  }
  if (!reviewed) liveEventsBeforeReview = store.events.filter((e) => e.id < REVIEW_ID_BASE);
  reviewed = data;
  store.clearEvents();
  store.addEvents(data.events.map((r, i) => recordToSpotted(r, REVIEW_ID_BASE + i)));
  store.setReviewing({ fileName: file.name, createdAt: data.createdAt, model: data.model, events: data.events.length, clips: data.clips.length });
  return data;
}

/** Back to the live session: its events (also those spotted during the review) return to the timeline. */
export function closeReview(): void {
  if (!reviewed) return;
  const store = useAppStore.getState();
  const liveSince = store.events.filter((e) => e.id < REVIEW_ID_BASE);
  store.clearEvents();
  store.addEvents([...liveEventsBeforeReview, ...liveSince]);
  liveEventsBeforeReview = [];
  endReview();
}

/** What the exports write: the reviewed file, or the live session so far. */
export function currentSession(): SessionData {
  return reviewed ?? recorder.snapshot();
}

/** The recorded frames around an event of the timeline, or null when none were kept. */
export function clipForEvent(e: SpottedEvent): ReplayClip | null {
  const id = recordIdOf(e);
  if (reviewed) return reviewed.clips.find((c) => c.eventId === id) ?? null;
  return recorder.clip(id);
}
