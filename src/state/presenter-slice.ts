import type { StateCreator } from 'zustand';
import type { AppState } from './store';

/** How the live view is laid out: presenter mode enlarges the readouts for a projected demo. */
export interface PresenterSlice {
  presenterMode: boolean;
  setPresenterMode(on: boolean): void;
}

export const createPresenterSlice: StateCreator<AppState, [], [], PresenterSlice> = (set) => ({
  presenterMode: false,
  setPresenterMode: (presenterMode) => set({ presenterMode }),
});
