import type { StateCreator } from 'zustand';
import type { ModelStageStatus } from '../model/model-status';
import type { AppState } from './store';

/** The MOL stage's state (loading, ready with its weights and ops path, failed with a message); low frequency. */
export interface ModelSlice {
  modelStatus: ModelStageStatus;
  setModelStatus(status: ModelStageStatus): void;
}

export const createModelSlice: StateCreator<AppState, [], [], ModelSlice> = (set) => ({
  modelStatus: { state: 'loading' },
  setModelStatus: (modelStatus) => set({ modelStatus }),
});
