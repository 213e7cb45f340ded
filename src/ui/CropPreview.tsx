/** Live preview of the aligned 128x128 crop the model consumes, drawn from the view bus. */
import { useRef } from 'react';
import { CROP_SIZE, drawCrop } from '../render/crop-preview';
import { useAppStore } from '../state/store';
import { useFrameView } from './use-frame-view';

export function CropPreview() {
  const ref = useRef<HTMLCanvasElement>(null);
  const windowFill = useRef<HTMLSpanElement>(null);
  useFrameView(({ result }) => {
    const ctx = ref.current?.getContext('2d', { willReadFrequently: true });
    if (ctx) drawCrop(ctx, result.crop, result.landmarks68Crop, useAppStore.getState().overlayMode !== 'off');
    // Text written directly: the window fill changes every frame and must not re-render React.
    if (windowFill.current) windowFill.current.textContent = `${result.windowFill}/8`;
  });
  return (
    <figure className="crop">
      <canvas ref={ref} width={CROP_SIZE} height={CROP_SIZE} data-testid="crop-canvas" />
      <figcaption>
        Aligned crop 128x128 (model input) · window <span ref={windowFill} data-testid="window-fill">0/8</span>
      </figcaption>
    </figure>
  );
}
