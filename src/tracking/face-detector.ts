/**
 * MediaPipe Tasks FaceDetector (BlazeFace short-range) loaded from our own origin. Runs in IMAGE mode, so
 * callers may restart or seek without the strictly increasing timestamps VIDEO mode demands. The CPU
 * (XNNPACK) delegate is the default: on machines without a GPU it is faster than WebGL-on-SwiftShader.
 */
import { FaceDetector } from '@mediapipe/tasks-vision';
import type { DetectedFace } from './types';
import { mergeDetections } from './detection-merge';

/** Tile side as a fraction of the frame: 4 tiles overlap by 20% so a face on a seam is whole in one of them. */
const TILE_FRACTION = 0.6;
import { TrackingAssetError } from './types';
import { trackingAssets } from './asset-urls';

export interface FaceDetectorOptions {
  delegate?: 'CPU' | 'GPU';
  minConfidence?: number;
}

export class BlazeFaceDetector {
  private constructor(private readonly detector: FaceDetector) {}

  static async create(opts: FaceDetectorOptions = {}): Promise<BlazeFaceDetector> {
    try {
      const detector = await FaceDetector.createFromOptions(
        { wasmLoaderPath: trackingAssets.wasmLoader(), wasmBinaryPath: trackingAssets.wasmBinary() },
        {
          baseOptions: { modelAssetPath: trackingAssets.blazeFace(), delegate: opts.delegate ?? 'CPU' },
          runningMode: 'IMAGE',
          minDetectionConfidence: opts.minConfidence ?? 0.5,
        },
      );
      return new BlazeFaceDetector(detector);
    } catch (err) {
      throw new TrackingAssetError(`Could not start the MediaPipe face detector: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /**
   * All faces in the image, largest first, in pixels of `width` x `height`. BlazeFace sees the frame at
   * 128x128, so faces under ~20 input px (about 1/6 of the frame height) are missed; with `tiles`, the detector
   * also runs on four overlapping quarter-size tiles at native resolution (2.5x finer) and the results merge.
   */
  detect(image: CanvasImageSource & TexImageSource, width: number, height: number, tiles = false): DetectedFace[] {
    const faces = this.detectIn(image, width, height, 0, 0);
    if (tiles && width >= 256 && height >= 256) {
      const tw = Math.round(width * TILE_FRACTION);
      const th = Math.round(height * TILE_FRACTION);
      for (const [ox, oy] of [[0, 0], [width - tw, 0], [0, height - th], [width - tw, height - th]]) {
        this.tileCanvas ??= new OffscreenCanvas(tw, th);
        if (this.tileCanvas.width !== tw || this.tileCanvas.height !== th) Object.assign(this.tileCanvas, { width: tw, height: th });
        const ctx = this.tileCanvas.getContext('2d');
        if (!ctx) break;
        ctx.drawImage(image, ox, oy, tw, th, 0, 0, tw, th);
        faces.push(...this.detectIn(this.tileCanvas, tw, th, ox, oy));
      }
    }
    return mergeDetections(faces);
  }

  private tileCanvas: OffscreenCanvas | null = null;

  private detectIn(image: TexImageSource, width: number, height: number, ox: number, oy: number): DetectedFace[] {
    const faces: DetectedFace[] = [];
    for (const d of this.detector.detect(image).detections) {
      const b = d.boundingBox;
      if (!b || d.keypoints.length < 2) continue;
      faces.push({
        box: [b.originX + ox, b.originY + oy, b.width, b.height],
        score: d.categories[0]?.score ?? 0,
        keypoints: d.keypoints.map((k) => [k.x * width + ox, k.y * height + oy] as const),
      });
    }
    return faces;
  }

  close(): void {
    this.detector.close();
  }
}
