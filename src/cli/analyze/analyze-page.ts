/**
 * The page `npm run analyze` drives: fetches the input file from the dev server, runs every frame through the
 * app's pipeline (tracking, alignment, MOL, spotting) and hands each frame's record (and optionally its crop and
 * its flow field) to the Node side; at the end it returns the summary, the spotting trace and the events.
 */
import { VideoFileSource } from '../../ingest/video-file-source';
import { createFrameBus } from '../../pipeline/frame-bus';
import { createPipeline, type PipelineOptions } from '../../pipeline/pipeline';
import type { TfBackendName } from '../../gpu/tf-backend';
import type { ModelChoice } from '../../model/shipped-weights';
import { encodeFloat16 } from './float16';
import { spotRecord, toFrameRecord } from './frame-record';
import { SpotRecorder, type SpotRecorderResult } from './spot-recorder';

export interface AnalyzeRequest {
  name: string;
  backend: TfBackendName;
  /** Where FaceMesh runs (PipelineOptions.meshBackend). */
  meshBackend: 'wasm' | 'main';
  crops: boolean;
  /** Official per-frame alignment instead of the smoothed one (for comparisons). */
  noSmoothing: boolean;
  /** MOL's weights (default: the shipped ones), or false: tracking only (frames.jsonl's model and spot are null). */
  model: ModelChoice;
  /** Hand over each frame's full flow field as float16 (flow.f16). */
  flow: boolean;
  /** MOL classifies the spotted micro events only (PipelineOptions.modelMode 'events'): no per-frame outputs. */
  eventsOnly: boolean;
}

/** What the page hands back besides the per-frame records. */
export interface AnalyzeOutcome {
  summary: AnalyzeSummary;
  /** null with --no-model. */
  spotting: SpotRecorderResult | null;
}

export interface AnalyzeSummary {
  frames: number;
  facesFound: number;
  droppedFrames: number;
  /** 'y4m' | 'webcodecs' | 'video-element' */
  decodePath: string | null;
  backend: string;
  fallbackReason: string | null;
  /** The tfjs backend FaceMesh ran on, and why not wasm (null when it was, or when 'main' was asked for). */
  meshBackend: string;
  meshFallbackReason: string | null;
  width: number;
  height: number;
  /** The model's class order (probabilities in frames.jsonl and events), or null when MOL produced nothing. */
  classes: string[] | null;
  /** Which weights produced the model outputs, or null. */
  weights: { id: string; trained: boolean } | null;
  /** Frames with a model output. */
  modelFrames: number;
  /** Status messages of the pipeline (backend, models, model weights and their failures). */
  status: string[];
}

declare global {
  interface Window {
    __analyze(req: AnalyzeRequest): Promise<AnalyzeOutcome>;
    /** Provided by the Node side (page.exposeFunction). */
    __emitFrame(record: string, cropBase64: string | null, flowBase64: string | null): Promise<void>;
  }
}

const statusEl = document.getElementById('status');

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

const FLOW_VALUES = 128 * 128 * 2;

export class AnalyzeModelError extends Error {
  override name = 'AnalyzeModelError';
}

window.__analyze = async (req: AnalyzeRequest): Promise<AnalyzeOutcome> => {
  const res = await fetch(new URL('/@analyze-input', location.origin));
  if (!res.ok) throw new Error(`the dev server did not serve the input file (HTTP ${res.status})`);
  const blob = await res.blob();
  const status: string[] = [];
  let modelFailure: string | null = null;
  const options: PipelineOptions = {
    backend: req.backend, meshBackend: req.meshBackend, bus: createFrameBus(), smoothAlignment: !req.noSmoothing, model: req.model,
    modelMode: req.eventsOnly ? 'events' : 'inline',
    onStatus: (s) => {
      if ('message' in s) status.push(`${s.stage}: ${s.message}`);
      else {
        status.push(`model: ${s.model.state}${s.model.state === 'failed' ? ` (${s.model.message})` : ''}`);
        if (s.model.state === 'failed') modelFailure = s.model.message;
      }
    },
  };
  const pipeline = await createPipeline(options);
  // The app keeps tracking when MOL fails; a batch run asked for the model's outputs, so it stops instead.
  const checkModel = (): void => {
    if (modelFailure !== null) throw new AnalyzeModelError(modelFailure);
  };
  checkModel();
  const source = new VideoFileSource(blob, req.name);
  const recorder = req.model !== false ? new SpotRecorder() : null;
  let frames = 0;
  let facesFound = 0;
  let modelFrames = 0;
  let width = 0;
  let height = 0;
  let classes: string[] | null = null;
  let weights: AnalyzeSummary['weights'] = null;
  const zeroFlow = req.flow ? base64(new Uint8Array(FLOW_VALUES * 2)) : null;
  await source.start(async (frame) => {
    const result = await pipeline.process(frame);
    checkModel();
    frames++;
    if (result.faceFound) facesFound++;
    if (result.model) {
      modelFrames++;
      classes ??= [...result.model.classes];
      weights ??= { ...result.model.weights };
    }
    width = frame.width;
    height = frame.height;
    const step = recorder?.push(result);
    const crop = req.crops ? base64(result.crop ?? new Uint8Array(128 * 128)) : null;
    const flow = req.flow ? (result.model ? base64(encodeFloat16(result.model.flow)) : zeroFlow) : null;
    const record = toFrameRecord(result, step ? spotRecord(step.row, step.closed.map((e) => e.id)) : null);
    await window.__emitFrame(JSON.stringify(record), crop, flow);
    if (statusEl) statusEl.textContent = `frame ${frames}`;
  });
  // An event still open at the last frame is closed by the stage's flush, not lost.
  const spotting = recorder ? recorder.finish(await pipeline.finishSpotting()) : null;
  checkModel();
  // Events only: no frame carries model outputs, but the events' probabilities are in the model's class order.
  const m = pipeline.model;
  if (req.eventsOnly && m) {
    classes ??= [...m.info.classes];
    weights ??= { id: m.info.weights.id, trained: m.info.weights.trained };
  }
  pipeline.dispose();
  return {
    summary: {
      frames, facesFound, droppedFrames: source.droppedFrames, decodePath: source.decodePath, backend: pipeline.backend,
      fallbackReason: pipeline.fallbackReason, meshBackend: pipeline.meshBackend, meshFallbackReason: pipeline.meshFallbackReason, width, height, classes, weights, modelFrames, status,
    },
    spotting,
  };
};

if (statusEl) statusEl.textContent = 'ready';
