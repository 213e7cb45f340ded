import type { StateCreator } from 'zustand';
import type { AppState } from './store';

export type OverlayMode = '68' | '478' | 'off';

/** User choices. */
export interface SettingsSlice {
  overlayMode: OverlayMode;
  /** deviceId picked in the camera picker; null = browser default. */
  cameraId: string | null;
  setOverlayMode(mode: OverlayMode): void;
  setCameraId(id: string | null): void;
}

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => ({
  overlayMode: '68',
  cameraId: null,
  setOverlayMode: (overlayMode) => set({ overlayMode }),
  setCameraId: (cameraId) => set({ cameraId }),
});
