/** The spotting stage's public API (see README "Spotting"). */
export { Spotter, spotFrames, spotterOptions, type SpotStep, type SpotterOptions, type SpotterOverrides } from './spotter';
export { detectIntervals, IntervalDetector, DEFAULT_DETECTOR, type DetectorOptions, type IntervalKind, type MotionInterval } from './interval-detector';
export { FrameScorer, DEFAULT_BASELINE, type SpotTraceRow } from './frame-scorer';
export { MotionSignal, DEFAULT_MOTION_OPTIONS, type MotionInput, type MotionFeatures, type RegionValues } from './motion-signal';
export { REGION_NAMES, REGIONS, RIGID_REGION, FLOW_SIZE, regionFlowStats, type RegionName } from './regions';
export { eventClips, eventClipFrames, MOL_CLIP_LENGTH } from './resample';
export { classifyEvent, poolProbabilities, softmax, UNCERTAIN, DEFAULT_MIN_CONFIDENCE, type EventClassification } from './classify-event';
export {
  eventRecord, eventsToJson, parseEventsJson, eventsToCsv, traceToCsv, parseTraceCsv, EVENTS_FORMAT, EVENTS_VERSION,
  type EventRecord, type EventsDocument,
} from './event-export';
export { SpotStage, SpotStageError, type ClipClassifier, type SpotStageOptions } from './spot-stage';
export { eventClipCrops, pickClips, EventClipError, type AlignedCrop } from './event-clip';
export { CropRing, CropRingError, DEFAULT_CROP_RING_FRAMES, type RingCrop } from './crop-ring';
