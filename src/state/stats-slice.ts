import type { StateCreator } from 'zustand';
import type { ClockEstimate } from '../ingest/frame-clock';
import type { FrameBacklogStats } from '../ingest/frame-backlog';
import type { StageTimings } from '../pipeline/types';
import type { AppState } from './store';

export type GpuStatus = 'unknown' | 'webgpu' | 'fallback' | 'lost';

/**
 * What the status bar shows. Updated at a few Hz by the app controller from the frame bus, never per frame,
 * so React re-renders stay cheap.
 */
export interface StatsSlice {
  fpsIn: number;
  /** Frame time and interval jitter of the live source's delivered frames (null when unknown). */
  timingIn: ClockEstimate | null;
  fpsProcessed: number;
  stageMs: StageTimings;
  faceFound: boolean;
  faceCount: number;
  framesProcessed: number;
  /** Camera frames waiting when every frame is analysed (how far analysis is behind live), else null. */
  backlog: FrameBacklogStats | null;
  backend: string;
  /** Why the preferred (WebGPU) backend is not used, or null. */
  fallbackReason: string | null;
  gpuStatus: GpuStatus;
  setStats(stats: Pick<StatsSlice, 'fpsIn' | 'timingIn' | 'fpsProcessed' | 'stageMs' | 'faceFound' | 'faceCount' | 'framesProcessed' | 'backlog'>): void;
  setBackend(backend: string, fallbackReason: string | null): void;
  setGpuStatus(status: GpuStatus): void;
  resetStats(): void;
}

const EMPTY_STATS = { fpsIn: 0, timingIn: null, fpsProcessed: 0, stageMs: {}, faceFound: false, faceCount: 0, framesProcessed: 0, backlog: null };

export const createStatsSlice: StateCreator<AppState, [], [], StatsSlice> = (set) => ({
  ...EMPTY_STATS,
  backend: 'none',
  fallbackReason: null,
  gpuStatus: 'unknown',
  setStats: (stats) => set(stats),
  setBackend: (backend, fallbackReason) => set({ backend, fallbackReason, gpuStatus: backend === 'webgpu' ? 'webgpu' : 'fallback' }),
  setGpuStatus: (gpuStatus) => set({ gpuStatus }),
  resetStats: () => set(EMPTY_STATS),
});
