/**
 * Detect-then-track: BlazeFace finds faces (largest one tracked, all counted); FaceMesh refines the ROI
 * frame to frame from its own landmarks. When the mesh's face-presence score drops, the detector runs again
 * on the same frame. The detector also re-runs every `recountEvery` frames while tracking, to keep the face
 * count current and to notice a larger face entering.
 */
import type { Point } from '../pipeline/types';
import type { BlazeFaceDetector } from './face-detector';
import { FACE_PRESENCE_THRESHOLD, FaceMeshModel, MESH_INPUT_SIZE } from './face-mesh';
import { boundingBox, boxIou, roiFromDetection, roiFromLandmarks, roiToImage, stabilizeRoi } from './roi';
import { sampleRoiRgb } from './roi-sampler';
import type { DetectedFace, RotatedRect } from './types';

export interface TrackInput {
  /** The frame as drawn for the detector. */
  image: OffscreenCanvas | HTMLCanvasElement;
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
}

export interface TrackResult {
  faceFound: boolean;
  faceCount: number;
  faceBox: [number, number, number, number] | null;
  points478: Point[] | null;
  presence: number;
  /** true when this frame started a new track (detector ROI), i.e. continuity with the last frame is broken */
  reacquired: boolean;
  timings: { detect?: number; landmarks?: number };
}

export interface FaceTrackerOptions {
  recountEvery?: number;
}

export class FaceTracker {
  private roi: RotatedRect | null = null;
  private faceCount = 0;
  private sinceDetect = 0;
  private sinceTiles = Infinity;
  private readonly recountEvery: number;

  constructor(private readonly detector: BlazeFaceDetector, private readonly mesh: FaceMeshModel, opts: FaceTrackerOptions = {}) {
    this.recountEvery = opts.recountEvery ?? 15;
  }

  reset(): void {
    this.roi = null;
    this.faceCount = 0;
    this.sinceDetect = 0;
    this.sinceTiles = Infinity;
  }

  async track(input: TrackInput): Promise<TrackResult> {
    const timings: TrackResult['timings'] = {};
    let reacquired = false;
    let detections: DetectedFace[] | null = null;
    const detect = (tiles: boolean): DetectedFace[] => {
      const t0 = performance.now();
      const faces = this.detector.detect(input.image, input.width, input.height, tiles);
      if (tiles) this.sinceTiles = 0;
      timings.detect = (timings.detect ?? 0) + performance.now() - t0;
      this.sinceDetect = 0;
      this.faceCount = faces.length;
      return faces;
    };

    this.sinceTiles++;
    if (this.roi === null || this.sinceDetect >= this.recountEvery) {
      // tiles (small faces) on every recount, and while searching for a face at most every recountEvery/3 frames
      detections = detect(this.roi !== null || this.sinceTiles >= Math.ceil(this.recountEvery / 3));
      if (this.roi === null) {
        if (detections.length === 0) return this.noFace(timings);
        this.roi = roiFromDetection(detections[0]);
        reacquired = true;
      }
    }
    this.sinceDetect++;

    let est = await this.runMesh(input, this.roi, timings);
    if (est.presence < FACE_PRESENCE_THRESHOLD && !reacquired) {
      // Lost the track: try the detector on this very frame before giving up.
      detections = detect(false);
      if (detections.length === 0) return this.noFace(timings);
      this.roi = roiFromDetection(detections[0]);
      reacquired = true;
      est = await this.runMesh(input, this.roi, timings);
    }
    if (est.presence < FACE_PRESENCE_THRESHOLD) return this.noFace(timings, detections?.length ?? this.faceCount);

    let faceBox = boundingBox(est.points);
    // A periodic recount may show a clearly larger face elsewhere: switch to it, if the mesh confirms it is a
    // face. A detector false positive (the tiled recount finds one on some stills) must not drop the face being
    // tracked: that frame would be lost to spotting, and the track restarted.
    if (detections && detections.length > 0 && !reacquired && boxIou(detections[0].box, faceBox) < 0.2) {
      const biggest = detections[0].box;
      if (biggest[2] * biggest[3] > 1.5 * faceBox[2] * faceBox[3]) {
        const candidate = roiFromDetection(detections[0]);
        const other = await this.runMesh(input, candidate, timings);
        if (other.presence >= FACE_PRESENCE_THRESHOLD) {
          this.roi = candidate;
          est = other;
          reacquired = true;
          faceBox = boundingBox(est.points);
        }
      }
    }
    const next = roiFromLandmarks(est.points);
    this.roi = reacquired ? next : stabilizeRoi(this.roi, next);
    return {
      faceFound: true,
      faceCount: Math.max(1, this.faceCount),
      faceBox,
      points478: est.points,
      presence: est.presence,
      reacquired,
      timings,
    };
  }

  private async runMesh(input: TrackInput, roi: RotatedRect, timings: TrackResult['timings']): Promise<{ presence: number; points: Point[] }> {
    const t0 = performance.now();
    const tensorIn = sampleRoiRgb(input.rgba, input.width, input.height, roi, MESH_INPUT_SIZE);
    const est = await this.mesh.estimate(tensorIn);
    const points = est.points.map(([x, y]) => roiToImage(roi, x / MESH_INPUT_SIZE, y / MESH_INPUT_SIZE));
    timings.landmarks = (timings.landmarks ?? 0) + performance.now() - t0;
    return { presence: est.presence, points };
  }

  private noFace(timings: TrackResult['timings'], count = this.faceCount): TrackResult {
    this.roi = null;
    return { faceFound: false, faceCount: count, faceBox: null, points478: null, presence: 0, reacquired: false, timings };
  }
}
