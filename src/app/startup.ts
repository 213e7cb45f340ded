/**
 * Which source the app opens with: `?source=camera|demo` if given; otherwise the camera when the browser lists
 * one, else the demo clip (so a machine without a camera still shows the full app, and says why).
 */
import type { SourceKind } from '../ingest/types';
import { listCameras, type CameraDevice } from '../ingest/camera-devices';
import type { TfBackendName } from '../gpu/tf-backend';

const BACKENDS: readonly TfBackendName[] = ['webgpu', 'webgl', 'cpu'];

/**
 * `?backend=webgpu|webgl|cpu`: the tfjs backend to try first (default webgpu, falling back webgl -> cpu). Useful
 * where WebGPU runs on a software adapter (SwiftShader) and is slower than the CPU backend.
 */
export function preferredBackend(search: string): TfBackendName {
  const asked = new URLSearchParams(search).get('backend');
  return BACKENDS.find((b) => b === asked) ?? 'webgpu';
}

/** `?model-rest=N` (N >= 0): the live model lane's rest, a multiple of its job time; default: the pipeline's. */
export function laneRestFromSearch(search: string): number | undefined {
  const asked = new URLSearchParams(search).get('model-rest');
  if (asked === null || asked.trim() === '') return undefined;
  const n = Number(asked);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** `?frames=all` analyses every camera frame (falling behind live if need be); `?frames=live` drops; else unset. */
export function everyFrameFromSearch(search: string): boolean | undefined {
  const asked = new URLSearchParams(search).get('frames');
  return asked === 'all' ? true : asked === 'live' ? false : undefined;
}

export interface StartupChoice {
  kind: Extract<SourceKind, 'camera' | 'demo'>;
  cameras: CameraDevice[];
  /** Shown as a notice when the choice was made for the user. */
  note: string | null;
}

export async function chooseStartupSource(search: string): Promise<StartupChoice> {
  const asked = new URLSearchParams(search).get('source');
  const cameras = await listCameras().catch(() => []);
  if (asked === 'demo') return { kind: 'demo', cameras, note: null };
  if (asked === 'camera') return { kind: 'camera', cameras, note: null };
  if (cameras.length > 0) return { kind: 'camera', cameras, note: null };
  return { kind: 'demo', cameras, note: 'No camera was found, so the bundled demo clip is playing. Connect a camera or choose a video file.' };
}
