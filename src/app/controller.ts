/**
 * Runs one source at a time through the pipeline: starts/stops sources, publishes each analysed frame on the
 * view bus, keeps the status bar's store slice fresh a few times per second, and converts every failure into
 * an on-screen problem. A generation counter (re-checked after each await) makes switching sources safe.
 */
import type { Frame, FrameSource, LivePixelPath, SourceKind } from '../ingest/types';
import type { FrameResult } from '../pipeline/types';
import { FpsMeter } from '../ingest/fps-meter';
import { useAppStore } from '../state/store';
import type { AppPipeline, PipelineFactory } from './pipeline-port';
import { publishFrameView } from './view-bus';
import { GpuLostError, problemFromError } from './problems';

const STATS_INTERVAL_MS = 250;
/** Consecutive face-less frames before "no face" is shown (one miss while re-detecting is normal). */
const NO_FACE_FRAMES = 2;

function backendNotice(backend: string, fallbackReason: string | null, preferred: string): string | null {
  if (backend === 'webgpu') return null;
  if (backend === preferred) return `Tracking runs on the tfjs "${backend}" backend, as chosen (?backend=${preferred}).`;
  return `WebGPU is unavailable: tracking runs on the tfjs "${backend}" backend instead${fallbackReason ? ` (${fallbackReason})` : ''}.`;
}

function meshNotice(meshBackend: string, meshFallbackReason: string | null): string | null {
  if (meshFallbackReason === null) return null;
  return `Face landmarks run on the slower tfjs "${meshBackend}" backend: ${meshFallbackReason}.`;
}

export type SourceFactory = (kind: SourceKind, file?: File) => FrameSource;

export class AppController {
  private pipelinePromise: Promise<AppPipeline> | null = null;
  private source: FrameSource | null = null;
  private generation = 0;
  // Long window: on a CPU-only machine a frame can take seconds to analyse.
  private readonly processedMeter = new FpsMeter(10_000);
  private last: FrameResult | null = null;
  private processedCount = 0;
  private noFaceRun = 0;
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private gpuLost = false;

  constructor(
    private readonly createPipeline: PipelineFactory,
    private readonly createSource: SourceFactory,
    /** The backend the user asked for first; a different one in use is a fallback worth telling. */
    private readonly preferredBackend: string = 'webgpu',
  ) {}

  get lastResult(): FrameResult | null {
    return this.last;
  }

  get framesProcessed(): number {
    return this.processedCount;
  }

  /** How the running source reads its frames (FrameSource.pixelPath), null when it does not say. */
  get sourcePixelPath(): LivePixelPath | null {
    return this.source?.pixelPath?.() ?? null;
  }

  /** Called by the GPU watcher: stops analysis and tells the user. */
  reportGpuFailure(message: string): void {
    if (this.gpuLost) return;
    this.gpuLost = true;
    console.error(`GPU failure, analysis stopped: ${message}`);
    this.stop();
    const store = useAppStore.getState();
    store.setGpuStatus('lost');
    store.setSourceStatus('failed');
    store.setProblem(problemFromError(new GpuLostError(message), store.sourceKind ?? 'demo'));
  }

  /** Stops the current source (if any) and starts `kind`. Resolves when that source ends or fails. */
  async start(kind: SourceKind, file?: File): Promise<void> {
    const gen = ++this.generation;
    this.stopSource();
    const store = useAppStore.getState();
    store.setProblem(null);
    store.setNotice('noface', null);
    store.setNotice('faces', null);
    store.setNotice('capture', null);
    store.resetStats();
    this.resetCounters();
    if (this.gpuLost) {
      store.setProblem(problemFromError(new GpuLostError('The GPU device was lost earlier in this session.'), kind));
      return;
    }

    let source: FrameSource;
    try {
      source = this.createSource(kind, file);
    } catch (err) {
      store.setSource(kind, kind, 'failed');
      store.setProblem(problemFromError(err, kind));
      return;
    }
    this.source = source;
    store.setSource(kind, source.info.label, 'starting');

    let pipeline: AppPipeline;
    try {
      pipeline = await this.pipeline();
    } catch (err) {
      if (gen !== this.generation) return;
      store.setSourceStatus('failed');
      store.setProblem(problemFromError(err, kind));
      return;
    }
    if (gen !== this.generation) return;
    pipeline.reset();
    this.startStatsTimer();

    try {
      let announced = false;
      await source.start(async (frame) => {
        if (gen !== this.generation) return;
        if (!announced) {
          announced = true;
          useAppStore.getState().setSource(kind, source.info.label, 'running');
          useAppStore.getState().setNotice('capture', source.captureNote?.() ?? null);
        }
        await this.analyse(gen, pipeline, frame);
      });
      if (gen !== this.generation) return;
      // A file that ended mid-expression: the event still open at its last frame is closed, not lost.
      const tail = await pipeline.finishSpotting();
      if (gen !== this.generation) return;
      if (tail.length > 0) useAppStore.getState().addEvents(tail);
      useAppStore.getState().setSourceStatus('ended');
    } catch (err) {
      if (gen !== this.generation) return;
      const s = useAppStore.getState();
      s.setSourceStatus('failed');
      s.setProblem(problemFromError(err, kind));
    } finally {
      if (gen === this.generation) {
        this.source = null;
        this.publishStats();
        this.stopStatsTimer();
      }
    }
  }

  /** Stops the running source; the pipeline (and its loaded models) stays warm for the next one. */
  stop(): void {
    this.generation++;
    this.stopSource();
    this.stopStatsTimer();
  }

  private async analyse(gen: number, pipeline: AppPipeline, frame: Frame): Promise<void> {
    const result = await pipeline.process(frame);
    if (gen !== this.generation) return;
    this.processedMeter.tick(performance.now());
    this.processedCount++;
    this.last = result;
    publishFrameView({ frame, result });
    const store = useAppStore.getState();
    this.noFaceRun = result.faceFound ? 0 : this.noFaceRun + 1;
    store.setNotice(
      'noface',
      this.noFaceRun >= NO_FACE_FRAMES ? 'No face found. Face the camera in good light, or analyse the demo clip or a video file.' : null,
    );
    store.setNotice('faces', result.faceCount > 1 ? `${result.faceCount} faces in view: tracking the largest one.` : null);
  }

  private pipeline(): Promise<AppPipeline> {
    this.pipelinePromise ??= this.createPipeline().then((p) => {
      const store = useAppStore.getState();
      store.setBackend(p.backend, p.fallbackReason);
      store.setNotice('gpu', backendNotice(p.backend, p.fallbackReason, this.preferredBackend));
      store.setNotice('mesh', meshNotice(p.meshBackend, p.meshFallbackReason));
      return p;
    });
    // A failed load may succeed later (e.g. after a reload of assets); do not cache the rejection.
    this.pipelinePromise.catch(() => { this.pipelinePromise = null; });
    return this.pipelinePromise;
  }

  private stopSource(): void {
    this.source?.stop();
    this.source = null;
  }

  private resetCounters(): void {
    this.processedMeter.reset();
    this.last = null;
    this.processedCount = 0;
    this.noFaceRun = 0;
  }

  private publishStats(): void {
    const now = performance.now();
    const last = this.last;
    const fpsProcessed = this.processedMeter.fps(now);
    useAppStore.getState().setStats({
      fpsIn: this.source?.measuredFps?.() ?? fpsProcessed,
      timingIn: this.source?.measuredTiming?.() ?? null,
      fpsProcessed,
      stageMs: last?.timings ?? {},
      faceFound: last?.faceFound ?? false,
      faceCount: last?.faceCount ?? 0,
      framesProcessed: this.processedCount,
      backlog: this.source?.backlog?.() ?? null,
    });
  }

  private startStatsTimer(): void {
    this.stopStatsTimer();
    this.statsTimer = setInterval(() => this.publishStats(), STATS_INTERVAL_MS);
  }

  private stopStatsTimer(): void {
    if (this.statsTimer !== null) clearInterval(this.statsTimer);
    this.statsTimer = null;
  }
}
