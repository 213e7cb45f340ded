/**
 * What the app needs from the processing chain (src/pipeline, built by the tracking stage owner). Kept as a
 * structural interface so the controller depends on behaviour, not on the module layout.
 */
import type { Frame } from '../ingest/types';
import type { FrameResult, SpottedEvent } from '../pipeline/types';

export interface AppPipeline {
  /** tfjs backend in use ('webgpu', 'webgl', 'cpu'). */
  readonly backend: string;
  /** Why WebGPU is not in use, or null. */
  readonly fallbackReason: string | null;
  /** tfjs backend of the FaceMesh network ('wasm', or `backend` when wasm failed). */
  readonly meshBackend: string;
  /** Why FaceMesh is not on wasm, or null. */
  readonly meshFallbackReason: string | null;
  process(frame: Frame): Promise<FrameResult>;
  /** End of a source: spotted events still open at its last frame (closed and classified). */
  finishSpotting(): Promise<SpottedEvent[]>;
  /** Forget tracking and window state (new source). */
  reset(): void;
  dispose(): void;
}

export type PipelineFactory = () => Promise<AppPipeline>;
