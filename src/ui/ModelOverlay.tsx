/**
 * MOL's outputs on the video: the newest pair's flow as a colour layer and MOL's 68 landmarks (magenta
 * diamonds, next to MediaPipe's green squares). Two canvas layers inside the video stage, drawn from the view
 * bus; each follows its toggle in the settings slice.
 */
import { useRef } from 'react';
import { useAppStore } from '../state/store';
import type { FrameView } from '../app/view-bus';
import { clearCanvas, drawFlow, drawMolLandmarks } from '../render/model-overlay';
import { useFrameView } from './use-frame-view';

function fit(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  return canvas.getContext('2d', { willReadFrequently: true });
}

function paint({ frame, result }: FrameView, flowCanvas: HTMLCanvasElement, ldmCanvas: HTMLCanvasElement): void {
  const s = useAppStore.getState();
  const flowCtx = fit(flowCanvas, frame.width, frame.height);
  const ldmCtx = fit(ldmCanvas, frame.width, frame.height);
  if (!flowCtx || !ldmCtx) return;
  const m = result.model;
  const alignment = result.alignment;
  if (m && alignment && s.flowOverlay) drawFlow(flowCtx, m.flow, alignment, s.flowGain);
  else clearCanvas(flowCtx);
  if (m && alignment && s.molLandmarks) drawMolLandmarks(ldmCtx, m.landmarks68Crop, alignment, 1.5 * Math.max(1, frame.width / 320));
  else clearCanvas(ldmCtx);
}

export function ModelOverlay() {
  const flowRef = useRef<HTMLCanvasElement>(null);
  const ldmRef = useRef<HTMLCanvasElement>(null);
  useFrameView((view) => {
    if (flowRef.current && ldmRef.current) paint(view, flowRef.current, ldmRef.current);
  });
  return (
    <>
      <canvas ref={flowRef} className="stage-layer" data-testid="flow-canvas" width={640} height={480} />
      <canvas ref={ldmRef} className="stage-layer" data-testid="mol-landmarks-canvas" width={640} height={480} />
    </>
  );
}
