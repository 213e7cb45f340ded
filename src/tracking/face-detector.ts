/**
 * MediaPipe Tasks FaceDetector (BlazeFace short-range) loaded from our own origin. Runs in IMAGE mode, so
 * callers may restart or seek without the strictly increasing timestamps VIDEO mode demands. The CPU
 * (XNNPACK) delegate is the default: on machines without a GPU it is faster than WebGL-on-SwiftShader.
 */
import { FaceDetector } from '@mediapipe/tasks-vision';
import type { DetectedFace } from './types';
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

  /** All faces in the image, largest first, in pixels of `width` x `height`. */
  detect(image: TexImageSource, width: number, height: number): DetectedFace[] {
    const result = this.detector.detect(image);
    const faces: DetectedFace[] = [];
    for (const d of result.detections) {
      const b = d.boundingBox;
      if (!b || d.keypoints.length < 2) continue;
      faces.push({
        box: [b.originX, b.originY, b.width, b.height],
        score: d.categories[0]?.score ?? 0,
        keypoints: d.keypoints.map((k) => [k.x * width, k.y * height] as const),
      });
    }
    return faces.sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3]);
  }

  close(): void {
    this.detector.close();
  }
}
