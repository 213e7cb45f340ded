/**
 * The analysed video with the landmark overlay. Both canvases have the video's pixel size; the video canvas
 * shows exactly the frame the pipeline analysed, the overlay canvas only the marks (so tests and users can
 * read the overlay on its own). Files can be dropped here.
 */
import { useRef, type DragEvent, type ReactNode } from 'react';
import { useAppStore } from '../state/store';
import type { OverlayMode } from '../state/settings-slice';
import { drawOverlay, LANDMARK_COLOR, MESH_COLOR } from '../render/landmark-overlay';
import type { FrameView } from '../app/view-bus';
import { useFrameView } from './use-frame-view';

function paint(view: FrameView, video: HTMLCanvasElement, overlay: HTMLCanvasElement, mode: OverlayMode): void {
  const { frame, result } = view;
  for (const c of [video, overlay]) {
    if (c.width !== frame.width || c.height !== frame.height) {
      c.width = frame.width;
      c.height = frame.height;
    }
  }
  video.getContext('2d')?.drawImage(frame.image, 0, 0, frame.width, frame.height);
  const ctx = overlay.getContext('2d', { willReadFrequently: true });
  if (!ctx) return;
  const unit = Math.max(1, frame.width / 320);
  drawOverlay(ctx, {
    points: mode === '68' ? result.landmarks68 : mode === '478' ? result.points478 : null,
    faceBox: mode === 'off' ? null : result.faceBox,
    radius: mode === '68' ? unit : 0.6 * unit,
    color: mode === '68' ? LANDMARK_COLOR : MESH_COLOR,
  });
}

export function VideoStage({ onDropFile, children }: { onDropFile: (file: File) => void; children?: ReactNode }) {
  const videoRef = useRef<HTMLCanvasElement>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  useFrameView((view) => {
    if (videoRef.current && overlayRef.current) paint(view, videoRef.current, overlayRef.current, useAppStore.getState().overlayMode);
  });
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const file = e.dataTransfer.files[0];
    if (file) onDropFile(file);
  };
  return (
    <div className="stage" onDragOver={(e) => e.preventDefault()} onDrop={onDrop} data-testid="stage">
      <canvas ref={videoRef} className="stage-layer" data-testid="video-canvas" width={640} height={480} />
      <canvas ref={overlayRef} className="stage-layer" data-testid="overlay-canvas" width={640} height={480} />
      {children}
    </div>
  );
}
