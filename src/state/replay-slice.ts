import type { StateCreator } from 'zustand';
import type { AppState } from './store';

/** A session file opened for review (its events are on the timeline; its frames are in src/replay). */
export interface ReviewInfo {
  fileName: string;
  createdAt: string;
  model: { id: string; trained: boolean } | null;
  events: number;
  clips: number;
}

export interface ReplaySlice {
  /** The session file being reviewed, or null: replay and export work on the live session. */
  reviewing: ReviewInfo | null;
  /** Why the last session file could not be opened (a SessionFileError message), or null. */
  sessionFileError: string | null;
  setReviewing(info: ReviewInfo | null): void;
  setSessionFileError(message: string | null): void;
}

export const createReplaySlice: StateCreator<AppState, [], [], ReplaySlice> = (set) => ({
  reviewing: null,
  sessionFileError: null,
  setReviewing: (reviewing) => set({ reviewing, sessionFileError: null }),
  setSessionFileError: (sessionFileError) => set({ sessionFileError }),
});
