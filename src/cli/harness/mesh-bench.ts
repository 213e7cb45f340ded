/**
 * Page for src/cli/mesh-bench.ts: one real 192x192 FaceMesh input (BlazeFace ROI of the image served at
 * /@analyze-input, sampled like the tracker does), then the app's FaceMeshModel timed on each tfjs backend and
 * its 478 points compared with the CPU backend's. wasm runs the way the app runs it: borrowed from another
 * active backend through runOnBackend.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { initWasmBackend, wasmFeatures, WASM_BACKEND } from '../../gpu/wasm-backend';
import { BlazeFaceDetector } from '../../tracking/face-detector';
import { FaceMeshModel, MESH_INPUT_SIZE } from '../../tracking/face-mesh';
import { trackingAssets } from '../../tracking/asset-urls';
import { roiFromDetection } from '../../tracking/roi';
import { sampleRoiRgb } from '../../tracking/roi-sampler';

export type MeshBenchBackend = 'cpu' | 'wasm' | 'webgpu';

export interface MeshBenchRow {
  backend: MeshBenchBackend;
  /** The active tfjs backend while it ran (wasm is borrowed from it). */
  active: string;
  firstMs: number;
  msPerCall: number[];
  medianMs: number;
  presence: number;
  /** Max |dx|, |dy| of the 478 points against the cpu backend's, input px (192x192). */
  maxAbsDiffVsCpu: number | null;
}

export interface MeshBenchReport {
  crossOriginIsolated: boolean;
  wasm: { simd: boolean; threads: boolean } | null;
  wasmError: string | null;
  rows: MeshBenchRow[];
}

declare global {
  interface Window { __meshBench(backends: MeshBenchBackend[], reps: number, warmup: number): Promise<MeshBenchReport> }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function meshInput(): Promise<Float32Array> {
  const bitmap = await createImageBitmap(await (await fetch('/@analyze-input')).blob());
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('no 2d context');
  ctx.drawImage(bitmap, 0, 0);
  const detector = await BlazeFaceDetector.create();
  const faces = detector.detect(canvas, canvas.width, canvas.height);
  detector.close();
  if (faces.length === 0) throw new Error('no face in the input image');
  const rgba = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  return sampleRoiRgb(rgba, canvas.width, canvas.height, roiFromDetection(faces[0]), MESH_INPUT_SIZE);
}

window.__meshBench = async (backends, reps, warmup) => {
  const input = await meshInput();
  await tf.setBackend('cpu');
  const wasmError = backends.includes('wasm') ? await initWasmBackend(trackingAssets.tfjsWasmDir()) : null;
  const rows: MeshBenchRow[] = [];
  let cpuPoints: readonly (readonly number[])[] | null = null;
  for (const backend of backends) {
    if (backend === 'wasm' && wasmError) continue;
    // wasm is borrowed from the cpu backend, as the app borrows it from MOL's.
    const active = backend === 'wasm' ? 'cpu' : backend;
    if (!(await tf.setBackend(active))) throw new Error(`tfjs backend ${active} unavailable`);
    const model = await FaceMeshModel.load(trackingAssets.faceMesh(), trackingAssets.refinement(), backend === 'wasm' ? WASM_BACKEND : null);
    let t = performance.now();
    let est = await model.estimate(input);
    const firstMs = performance.now() - t;
    for (let i = 1; i < warmup; i++) await model.estimate(input);
    const msPerCall: number[] = [];
    for (let i = 0; i < reps; i++) {
      t = performance.now();
      est = await model.estimate(input);
      msPerCall.push(performance.now() - t);
    }
    if (tf.getBackend() !== active) throw new Error(`the active backend changed to ${tf.getBackend()} during the ${backend} run`);
    model.dispose();
    if (backend === 'cpu') cpuPoints = est.points;
    const ref = cpuPoints;
    const maxAbsDiffVsCpu = ref && backend !== 'cpu'
      ? Math.max(...est.points.map(([x, y], i) => Math.max(Math.abs(x - ref[i][0]), Math.abs(y - ref[i][1]))))
      : null;
    rows.push({ backend, active, firstMs, msPerCall, medianMs: median(msPerCall), presence: est.presence, maxAbsDiffVsCpu });
  }
  return { crossOriginIsolated, wasm: wasmError ? null : await wasmFeatures(), wasmError, rows };
};
