import type { StateCreator } from 'zustand';
import type { SourceKind } from '../ingest/types';
import type { CameraDevice } from '../ingest/camera-devices';
import type { AppState } from './store';

export type SourceStatus = 'idle' | 'starting' | 'running' | 'ended' | 'failed';

/** Which source runs and how it is doing (low frequency: changes on start/stop/failure only). */
export interface SourceSlice {
  sourceKind: SourceKind | null;
  sourceLabel: string;
  sourceStatus: SourceStatus;
  cameras: CameraDevice[];
  setSource(kind: SourceKind, label: string, status: SourceStatus): void;
  setSourceStatus(status: SourceStatus): void;
  setCameras(cameras: CameraDevice[]): void;
}

export const createSourceSlice: StateCreator<AppState, [], [], SourceSlice> = (set) => ({
  sourceKind: null,
  sourceLabel: '',
  sourceStatus: 'idle',
  cameras: [],
  setSource: (sourceKind, sourceLabel, sourceStatus) => set({ sourceKind, sourceLabel, sourceStatus }),
  setSourceStatus: (sourceStatus) => set({ sourceStatus }),
  setCameras: (cameras) => set({ cameras }),
});
