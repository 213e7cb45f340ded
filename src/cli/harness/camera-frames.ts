/**
 * Page for e2e/camera-frames.gpu.spec.ts, on Chromium's fake camera: the pixels the live pump takes from the
 * camera track (video-frame-pixels.ts, our YUV conversion) against the browser's own conversion of the same
 * frame (drawn into a canvas), and the capture times of consecutive copies.
 */
import { copyFramePixels, LatestTrackFrame } from '../../ingest/video-frame-pixels';

export interface CameraFramesReport {
  format: string | null;
  matrix: string | null;
  fullRange: boolean | null;
  width: number;
  height: number;
  converted: boolean;
  /** Mean and max |ours - browser's| over the R, G, B bytes of one frame. */
  meanAbsDiff: number;
  maxAbsDiff: number;
  /** Copies through LatestTrackFrame: their capture times (ms, performance.now() clock). */
  captureMs: number[];
}

type Processor = new (init: { track: MediaStreamTrack }) => { readable: ReadableStream<VideoFrame> };

async function run(): Promise<CameraFramesReport> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
  const track = stream.getVideoTracks()[0];
  try {
    const Ctor = (globalThis as unknown as { MediaStreamTrackProcessor: Processor }).MediaStreamTrackProcessor;
    const reader = new Ctor({ track }).readable.getReader();
    const { value: frame } = await reader.read();
    if (!frame) throw new Error('the camera track gave no frame');
    const w = frame.displayWidth, h = frame.displayHeight;
    const ours = new ImageData(w, h);
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    let report: Omit<CameraFramesReport, 'captureMs'>;
    try {
      const converted = await copyFramePixels(frame, ours);
      ctx.drawImage(frame, 0, 0);
      const ref = ctx.getImageData(0, 0, w, h).data;
      let sum = 0, max = 0, n = 0;
      for (let i = 0; i < ref.length; i++) {
        if (i % 4 === 3) continue;
        const d = Math.abs(ours.data[i] - ref[i]);
        sum += d;
        max = Math.max(max, d);
        n++;
      }
      report = { format: frame.format, matrix: frame.colorSpace.matrix, fullRange: frame.colorSpace.fullRange, width: w, height: h, converted, meanAbsDiff: sum / n, maxAbsDiff: max };
    } finally {
      frame.close();
      await reader.cancel();
    }
    const latest = LatestTrackFrame.open(track);
    if (!latest) throw new Error('no MediaStreamTrackProcessor');
    const captureMs: number[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const got = await latest.copyInto(ours);
        if (typeof got === 'object') captureMs.push(got.captureMs);
        await new Promise((r) => setTimeout(r, 60));
      }
    } finally {
      latest.stop();
    }
    return { ...report, captureMs };
  } finally {
    stream.getTracks().forEach((t) => t.stop());
  }
}

declare global {
  interface Window { cameraFramesHarness: { run(): Promise<CameraFramesReport> } }
}
window.cameraFramesHarness = { run };
