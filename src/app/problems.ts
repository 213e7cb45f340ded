/**
 * Turns any failure into the on-screen problem the user sees: a title, a plain explanation and the ways
 * forward (buttons). One place, so every error path ends in a message, never a blank page or a hang.
 */
import { IngestError } from '../ingest/errors';
import type { Problem, RecoveryAction } from '../state/problem-slice';
import type { SourceKind } from '../ingest/types';

const ELSEWHERE: Record<SourceKind, RecoveryAction[]> = {
  camera: ['use-demo', 'choose-file', 'retry'],
  demo: ['choose-file', 'use-camera'],
  file: ['choose-file', 'use-demo', 'use-camera'],
};

const TITLES: Record<string, string> = {
  'camera-permission-denied': 'Camera access was denied',
  'no-camera': 'No camera found',
  'camera-in-use': 'The camera could not be started',
  'camera-unplugged': 'The camera was disconnected',
  'camera-failed': 'The camera failed',
  'unreadable-video': 'This video file cannot be read',
  'demo-unavailable': 'The demo clip could not be played',
  'gpu-lost': 'The GPU stopped working',
  'pipeline-failed': 'Face tracking failed',
};

const HINTS: Record<string, string> = {
  'camera-permission-denied': "Allow camera access in the browser's site settings and retry, or analyse the demo clip or a video file instead.",
  'no-camera': 'Connect a camera and retry, or analyse the demo clip or a video file instead.',
  'camera-in-use': 'Close other applications that use the camera and retry.',
  'camera-unplugged': 'Reconnect the camera and retry, or switch to the demo clip or a video file.',
  'unreadable-video': 'Choose a WebM, MP4 or Y4M file that this browser can decode.',
  'gpu-lost': 'The WebGPU device was lost (driver reset or out of memory). Reload the page to start again.',
};

export function problemFromError(err: unknown, sourceKind: SourceKind): Problem {
  const code = err instanceof IngestError ? err.code : typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : 'pipeline-failed';
  const detail = err instanceof Error ? err.message : String(err);
  const hint = HINTS[code];
  const actions: RecoveryAction[] = code === 'gpu-lost' ? ['reload'] : ELSEWHERE[sourceKind];
  return {
    code,
    title: TITLES[code] ?? 'Something went wrong',
    message: hint ? `${detail} ${hint}` : detail,
    actions,
  };
}

/** A GPU failure reported by src/gpu/tf-backend.ts (device lost, uncaptured validation error). */
export class GpuLostError extends Error {
  override name = 'GpuLostError';
  readonly code = 'gpu-lost';
}
