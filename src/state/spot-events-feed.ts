/**
 * Moves spotted events from the per-frame view bus into the store (events are rare; frames are not), and
 * empties the list when a new source starts (its frame numbers start again at 0). Also the selection hook
 * that replay and export use: `onEventSelected(cb)` fires with the picked event, or null when cleared.
 */
import type { SpottedEvent } from '../pipeline/types';
import { subscribeFrameView } from '../app/view-bus';
import { useAppStore } from './store';

export function connectSpotEvents(): () => void {
  const offFrames = subscribeFrameView(({ result }) => {
    const events = result.spot?.events;
    if (events && events.length > 0) useAppStore.getState().addEvents(events);
  });
  const offSource = useAppStore.subscribe((s, prev) => {
    if (s.sourceStatus === 'starting' && prev.sourceStatus !== 'starting') s.clearEvents();
  });
  return () => {
    offFrames();
    offSource();
  };
}

export function selectedEvent(): SpottedEvent | null {
  const s = useAppStore.getState();
  return s.events.find((e) => e.id === s.selectedEventId) ?? null;
}

/** Calls `cb` whenever the selected event changes (null: none selected). Returns the unsubscribe. */
export function onEventSelected(cb: (event: SpottedEvent | null) => void): () => void {
  return useAppStore.subscribe((s, prev) => {
    if (s.selectedEventId !== prev.selectedEventId) cb(selectedEvent());
  });
}
