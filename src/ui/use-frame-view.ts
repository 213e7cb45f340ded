/** Subscribes a component's canvas drawing to the per-frame view bus, outside React's render cycle. */
import { useEffect, useRef } from 'react';
import { subscribeFrameView, type FrameView } from '../app/view-bus';

export function useFrameView(draw: (view: FrameView) => void): void {
  const drawRef = useRef(draw);
  drawRef.current = draw;
  useEffect(() => subscribeFrameView((view) => drawRef.current(view)), []);
}
