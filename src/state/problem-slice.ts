import type { StateCreator } from 'zustand';
import type { AppState } from './store';

/** What the user can do next; the UI renders one button per action. */
export type RecoveryAction = 'use-demo' | 'choose-file' | 'use-camera' | 'retry' | 'reload';

export interface Problem {
  /** Stable identifier (an IngestErrorCode, 'gpu-lost', 'pipeline-failed', ...); tests key on it. */
  code: string;
  title: string;
  message: string;
  actions: RecoveryAction[];
}

/** A blocking problem (the source stopped) plus non-blocking notices (several faces, no WebGPU). */
export interface ProblemSlice {
  problem: Problem | null;
  notices: Record<string, string>;
  setProblem(problem: Problem | null): void;
  setNotice(key: string, text: string | null): void;
}

export const createProblemSlice: StateCreator<AppState, [], [], ProblemSlice> = (set) => ({
  problem: null,
  notices: {},
  setProblem: (problem) => set({ problem }),
  setNotice: (key, text) =>
    set((s) => {
      if ((s.notices[key] ?? null) === text) return s;
      const notices = { ...s.notices };
      if (text === null) delete notices[key];
      else notices[key] = text;
      return { notices };
    }),
});
