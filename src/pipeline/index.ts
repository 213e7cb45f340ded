/** Public entry of the processing chain: what the app, the analyze page and later stages import. */
export { createPipeline, PipelineDisposedError, type Pipeline, type PipelineOptions, type PipelineStatus } from './pipeline';
export { frameBus, createFrameBus, type FrameBus, type FrameListener } from './frame-bus';
export type { FrameResult, Point, Affine2x3, StageTimings, ModelFrameOutput, SpotFrameOutput, SpottedEvent } from './types';
export type { FrameWindowView, WindowFrame } from '../window/frame-window';
