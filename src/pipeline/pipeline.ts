/**
 * The one module that wires the stages: frame -> pixels -> tracking (BlazeFace + FaceMesh) -> 68-point map ->
 * MOL alignment with a smoothed transform -> 128x128 crop -> 8-frame window. The app, `npm run analyze` and
 * the tests all run this same code.
 */
import type { Frame } from '../ingest/types';
import { initTfBackend, type TfBackendName } from '../gpu/tf-backend';
import { initWasmBackend, WASM_BACKEND } from '../gpu/wasm-backend';
import { BlazeFaceDetector } from '../tracking/face-detector';
import { FaceMeshModel } from '../tracking/face-mesh';
import { FaceTracker } from '../tracking/face-tracker';
import { trackingAssets } from '../tracking/asset-urls';
import { toDlib68 } from '../tracking/landmark-map';
import { applyAffine, BORDER_VALUE, CROP_SIZE, cropAffine, molAlignmentParams } from '../alignment/mol-align';
import { TransformSmoother } from '../alignment/transform-smoother';
import { rgbaToGray, warpAffineGray } from '../alignment/warp';
import { realignCrops } from '../alignment/realign-crop';
import { FrameWindow, type FrameWindowView } from '../window/frame-window';
import { frameBus as defaultBus, type FrameBus } from './frame-bus';
import { FramePixelReader } from './frame-pixels';
import type { FrameResult, SpottedEvent } from './types';
import { ModelStage } from '../model/model-stage';
import { ModelLane } from '../model/model-lane';
import { modelFailure, type ModelStageStatus } from '../model/model-status';
import { SHIPPED_WEIGHTS_URL, type ModelChoice } from '../model/shipped-weights';
import { SpotStage, type SpotStageOptions } from '../spotting/spot-stage';
import { sessionCropRing, type RingCrop } from '../spotting/crop-ring';

export { frameBus, createFrameBus, type FrameBus } from './frame-bus';

export type PipelineStatus =
  | { stage: 'backend'; message: string }
  | { stage: 'models'; message: string }
  | { stage: 'model'; model: ModelStageStatus }
  | { stage: 'ready'; message: string; backend: string; fallbackReason: string | null; meshBackend: string; meshFallbackReason: string | null };

export interface PipelineOptions {
  landmarkModel?: 'attention';
  onStatus?: (s: PipelineStatus) => void;
  /** tfjs backend to try first (default 'webgpu'; falls back webgl -> cpu). */
  backend?: TfBackendName;
  /** Where FaceMesh runs: 'wasm' (default; falls back to `backend` if wasm fails) or 'main' (MOL's backend). */
  meshBackend?: 'wasm' | 'main';
  /** Bus to publish results on (default: the app-wide frameBus). */
  bus?: FrameBus;
  /** Smooth the alignment transform over time (default true; false = the official per-frame alignment). */
  smoothAlignment?: boolean;
  /** MOL weights (default: the shipped ones) or false for tracking only. A load failure never stops tracking. */
  model?: ModelChoice;
  /** Spotting options; its crop ring defaults to the app-wide `sessionCropRing` (replay reads it too). */
  spotting?: SpotStageOptions;
  /**
   * 'inline' (default; `npm run analyze`): every frame waits for its MOL step, and micro events for their
   * classification. 'lane' (the app's live sources): MOL runs beside tracking (model-lane.ts), so tracking and
   * spotting keep the camera's pace; results carry the newest window MOL has finished, and micro events come
   * out once classified. 'events' (`npm run analyze --events-only`): MOL only classifies the spotted micro events
   * (no per-frame window, so no flow term in spotting and no model outputs per frame): a recorded video is
   * spotted and labelled in about the time tracking takes.
   */
  modelMode?: 'inline' | 'lane' | 'events';
  /** With the lane: its rest after each window job, as a multiple of the job's time (model-lane.ts). */
  modelLaneRest?: number;
}

/** The lane rests as long as its job took: on this repo's 2-core machine with a software GPU that lifts live
 *  tracking from 3.6 to 6.1 analysed fps while MOL finishes a window every ~4 s instead of ~2 s (README,
 *  "Measured"); a real GPU's jobs, and so its rests, are a few ms. */
export const DEFAULT_LANE_REST = 1;

export interface Pipeline {
  readonly backend: string;
  readonly fallbackReason: string | null;
  /** The tfjs backend FaceMesh runs on ('wasm' unless it failed or 'main' was asked for). */
  readonly meshBackend: string;
  /** Why FaceMesh is not on wasm although it was asked to be, or null. */
  readonly meshFallbackReason: string | null;
  process(frame: Frame): Promise<FrameResult>;
  readonly window: FrameWindowView;
  /** The running model stage (null: off, failed to load or failed while running); classifyClip for spotting. */
  readonly model: ModelStage | null;
  /** Aligned crops of recent frames fromFrame..toFrame (inclusive; frames without a face are absent). */
  getCrops(fromFrame: number, toFrame: number): RingCrop[];
  /** End of the source: the spot stage's intervals still open at the last frame, closed and classified. */
  finishSpotting(): Promise<SpottedEvent[]>;
  reset(): void;
  dispose(): void;
}

export class PipelineDisposedError extends Error {
  override name = 'PipelineDisposedError';
}

export async function createPipeline(opts: PipelineOptions = {}): Promise<Pipeline> {
  const status = opts.onStatus ?? (() => {});
  status({ stage: 'backend', message: 'Starting tfjs backend' });
  const { backend, fallbackReason } = await initTfBackend(opts.backend ?? 'webgpu');
  const meshFallbackReason = opts.meshBackend === 'main' ? null : await initWasmBackend(trackingAssets.tfjsWasmDir());
  if (meshFallbackReason) console.warn(`FaceMesh stays on ${backend}: ${meshFallbackReason}`);
  const meshOnWasm = opts.meshBackend !== 'main' && meshFallbackReason === null;
  const meshBackend = meshOnWasm ? WASM_BACKEND : backend;
  status({ stage: 'models', message: 'Loading face models' });
  // Safe next to MOL's load: the mesh's weights are created in one synchronous turn on wasm (runOnBackend).
  const [detector, mesh, loadedModel] = await Promise.all([
    BlazeFaceDetector.create(),
    FaceMeshModel.load(trackingAssets.faceMesh(), trackingAssets.refinement(), meshOnWasm ? WASM_BACKEND : null),
    loadModelStage(opts.model, backend, status),
  ]);
  let model = loadedModel;
  const laneMode = opts.modelMode === 'lane';
  const spot = new SpotStage({ cropRing: sessionCropRing, deferClassification: laneMode, useModelFlow: !laneMode, ...opts.spotting });
  let lane: ModelLane | null = null;
  const tracker = new FaceTracker(detector, mesh);
  const smoother = new TransformSmoother();
  const window = new FrameWindow();
  const pixels = new FramePixelReader();
  const bus = opts.bus ?? defaultBus;
  const smoothAlignment = opts.smoothAlignment ?? true;
  let gray: Float32Array | undefined;
  let disposed = false;
  status({
    stage: 'ready', message: `Tracking: FaceMesh on ${meshBackend}, MOL on ${backend}`,
    backend, fallbackReason, meshBackend, meshFallbackReason,
  });

  const loseFace = (): void => {
    smoother.reset();
    window.clear();
    model?.reset();
    lane?.clear();
  };

  /** A failing model must not take tracking down: report it, drop the stage, keep going. */
  const dropModel = (err: unknown): void => {
    model?.dispose();
    model = null;
    lane = null;
    status({ stage: 'model', model: modelFailure(err, 'run') });
  };

  const laneOf = (m: ModelStage): ModelLane => (lane ??= new ModelLane(m, (err) => { if (model === m) dropModel(err); }, opts.modelLaneRest ?? DEFAULT_LANE_REST));

  /** Spotting after the model stage: landmarks (+ flow) in; closed micro events classified with MOL's full clip. */
  const spotFrame = async (result: FrameResult): Promise<void> => {
    const t = performance.now();
    const m = model;
    spot.setClassifier(m ? {
      classes: m.info.classes,
      classifyClip: laneMode ? (crops) => laneOf(m).classify(crops) : (crops) => m.classifyClip(crops),
    } : null);
    result.spot = await spot.push(result);
    result.timings.spot = performance.now() - t;
  };

  return {
    backend,
    fallbackReason,
    meshBackend,
    meshFallbackReason,
    window,
    get model() { return model; },
    getCrops: (fromFrame, toFrame) => spot.crops.getCrops(fromFrame, toFrame),
    async process(frame: Frame): Promise<FrameResult> {
      if (disposed) throw new PipelineDisposedError('process() called after dispose()');
      const timings: Record<string, number> = {};
      let t = performance.now();
      const { canvas, rgba } = pixels.read(frame.image, frame.width, frame.height);
      timings.read = performance.now() - t;

      if (frame.cut) tracker.reset(); // the face jumped: find it afresh rather than follow the old box
      const tr = await tracker.track({ image: canvas, rgba, width: frame.width, height: frame.height });
      if (tr.timings.detect !== undefined) timings.detect = tr.timings.detect;
      if (tr.timings.landmarks !== undefined) timings.landmarks = tr.timings.landmarks;

      const result: FrameResult = {
        index: frame.index,
        timestampMs: frame.timestampMs,
        width: frame.width,
        height: frame.height,
        faceFound: tr.faceFound,
        faceCount: tr.faceCount,
        faceBox: tr.faceBox,
        points478: tr.points478,
        landmarks68: null,
        alignment: null,
        landmarks68Crop: null,
        crop: null,
        windowFill: 0,
        model: null,
        spot: null,
        timings,
        ...(frame.cut ? { cut: true } : {}),
      };
      if (!tr.faceFound || !tr.points478) {
        loseFace();
        await spotFrame(result);
        bus.publish(result);
        return result;
      }
      if (tr.reacquired || frame.cut) loseFace(); // a cut: the smoothed alignment and the window would span the jump

      t = performance.now();
      const l68 = toDlib68(tr.points478);
      const raw = molAlignmentParams(l68);
      const params = smoothAlignment ? smoother.smooth(raw, frame.timestampMs) : raw;
      const m = cropAffine(params);
      gray = rgbaToGray(rgba, frame.width, frame.height, gray);
      const crop = warpAffineGray(gray, frame.width, frame.height, m, CROP_SIZE, BORDER_VALUE);
      const l68Crop = applyAffine(m, l68);
      timings.align = performance.now() - t;

      window.push({ index: frame.index, timestampMs: frame.timestampMs, crop, alignment: m, landmarks: l68Crop });
      result.landmarks68 = l68;
      result.alignment = m;
      result.landmarks68Crop = l68Crop;
      result.crop = crop;
      result.windowFill = window.size;
      if (model && laneMode) {
        // Never awaited: the lane takes this window only when idle; the result shows the newest it finished.
        const l = laneOf(model);
        // The window in its newest frame's alignment: one alignment, as MOL was trained (realign-crop.ts), and
        // the flow and landmarks MOL gives for the newest frame stay in that frame's crop.
        if (window.full) l.offerWindow({ frameIndex: frame.index, crops: () => realignCrops(window.frames(), m, CROP_SIZE) });
        result.model = l.latest;
        if (l.lastJobDurationMs !== null) timings.modelLane = l.lastJobDurationMs;
      } else if (model && opts.modelMode !== 'events') {
        t = performance.now();
        try {
          result.model = await model.push(crop, frame.index);
        } catch (err) {
          dropModel(err);
        }
        timings.model = performance.now() - t;
      }
      await spotFrame(result);
      bus.publish(result);
      return result;
    },
    finishSpotting: () => spot.flush(),
    reset() {
      tracker.reset();
      loseFace();
      spot.reset();
      bus.clear();
    },
    dispose() {
      disposed = true;
      detector.close();
      mesh.dispose();
      window.clear();
      model?.dispose();
      model = null;
    },
  };
}

/** Loads MOL for the pipeline; any failure becomes a 'model' status (named error) and null, never a rejection. */
async function loadModelStage(choice: ModelChoice | undefined, backend: string, status: (s: PipelineStatus) => void): Promise<ModelStage | null> {
  if (choice === false) {
    status({ stage: 'model', model: { state: 'off' } });
    return null;
  }
  status({ stage: 'model', model: { state: 'loading' } });
  try {
    const stage = await ModelStage.create({
      backend,
      recipeSeed: choice?.recipeSeed,
      weightsUrl: choice?.recipeSeed === undefined ? (choice?.weightsUrl ?? SHIPPED_WEIGHTS_URL) : undefined,
    });
    status({ stage: 'model', model: { state: 'ready', info: stage.info } });
    return stage;
  } catch (err) {
    console.error('MOL model stage failed to load', err);
    status({ stage: 'model', model: modelFailure(err, 'load') });
    return null;
  }
}
