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
  /** Camera: analyse every frame in order (falling behind live when the machine is slow) instead of dropping. */
  cameraEveryFrame: boolean;
  setCameraEveryFrame(on: boolean): void;
  /** MOL's flow of the newest pair drawn on the video. */
  flowOverlay: boolean;
  /** MOL's 68 predicted landmarks drawn next to MediaPipe's. */
  molLandmarks: boolean;
  /** Flow amplification: full colour at FLOW_FULL_SCALE_PX / flowGain crop pixels (src/render/flow-image.ts). */
  flowGain: number;
  setFlowOverlay(on: boolean): void;
  setMolLandmarks(on: boolean): void;
  setFlowGain(gain: number): void;
}

export const FLOW_GAIN_MIN = 1;
export const FLOW_GAIN_MAX = 32;

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => ({
  overlayMode: '68',
  cameraId: null,
  setOverlayMode: (overlayMode) => set({ overlayMode }),
  setCameraId: (cameraId) => set({ cameraId }),
  cameraEveryFrame: false,
  setCameraEveryFrame: (cameraEveryFrame) => set({ cameraEveryFrame }),
  flowOverlay: true,
  molLandmarks: true,
  flowGain: 4,
  setFlowOverlay: (flowOverlay) => set({ flowOverlay }),
  setMolLandmarks: (molLandmarks) => set({ molLandmarks }),
  setFlowGain: (gain) => set({ flowGain: Math.min(FLOW_GAIN_MAX, Math.max(FLOW_GAIN_MIN, Number.isFinite(gain) ? gain : FLOW_GAIN_MIN)) }),
});
