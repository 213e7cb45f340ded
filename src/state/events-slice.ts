import type { StateCreator } from 'zustand';
import type { SpottedEvent } from '../pipeline/types';
import type { AppState } from './store';

/** Events are rare (a few per minute), so the list lives in the store; 500 covers a long session. */
export const MAX_EVENTS = 500;

/**
 * Spotted events of the current source, oldest first, and the one the user picked (timeline click): replay
 * and export read both from here. Fed by `connectSpotEvents` (spot-events-feed.ts) from the view bus.
 */
export interface EventsSlice {
  events: SpottedEvent[];
  selectedEventId: number | null;
  addEvents(events: readonly SpottedEvent[]): void;
  selectEvent(id: number | null): void;
  clearEvents(): void;
}

export const createEventsSlice: StateCreator<AppState, [], [], EventsSlice> = (set) => ({
  events: [],
  selectedEventId: null,
  addEvents: (added) => {
    if (added.length === 0) return;
    set((s) => {
      const events = [...s.events, ...added];
      const dropped = events.length > MAX_EVENTS ? events.splice(0, events.length - MAX_EVENTS) : [];
      const lostSelection = dropped.some((e) => e.id === s.selectedEventId);
      return { events, selectedEventId: lostSelection ? null : s.selectedEventId };
    });
  },
  selectEvent: (id) => set((s) => ({ selectedEventId: id !== null && s.events.some((e) => e.id === id) ? id : null })),
  clearEvents: () => set({ events: [], selectedEventId: null }),
});
