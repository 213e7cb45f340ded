/**
 * The one app store, combined from typed slices (zustand slices pattern). It holds low-frequency state only:
 * per-frame results (landmarks, crops) travel over the frame bus (src/app/frame-bus.ts), never through here.
 */
import { create } from 'zustand';
import { createSourceSlice, type SourceSlice } from './source-slice';
import { createSettingsSlice, type SettingsSlice } from './settings-slice';
import { createStatsSlice, type StatsSlice } from './stats-slice';
import { createProblemSlice, type ProblemSlice } from './problem-slice';
import { createModelSlice, type ModelSlice } from './model-slice';
import { createEventsSlice, type EventsSlice } from './events-slice';
import { createPresenterSlice, type PresenterSlice } from './presenter-slice';
import { createReplaySlice, type ReplaySlice } from './replay-slice';

export type AppState = SourceSlice & SettingsSlice & StatsSlice & ProblemSlice & ModelSlice & EventsSlice & PresenterSlice & ReplaySlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createSourceSlice(...a),
  ...createSettingsSlice(...a),
  ...createStatsSlice(...a),
  ...createProblemSlice(...a),
  ...createModelSlice(...a),
  ...createEventsSlice(...a),
  ...createPresenterSlice(...a),
  ...createReplaySlice(...a),
}));

const INITIAL_STATE = useAppStore.getState();

/** Restores the initial state (tests, and a full app restart). */
export function resetAppStore(): void {
  useAppStore.setState(INITIAL_STATE, true);
}
