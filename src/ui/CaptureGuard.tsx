/**
 * Capture-quality guard: the measured frame rate of the source and its frame jitter, with a warning when the
 * capture cannot resolve short events (capture-quality.ts). Cameras and the demo report the rate they deliver
 * (frames the pipeline had to drop included) and the jitter of the delivered frames' own capture (or media)
 * times about a regular clock (frame-clock.ts), so the jitter is the camera's, not the pipeline's;
 * for files, every frame is analysed in order, so the intervals between consecutive frames' timestamps give
 * both the rate and the jitter.
 */
import { useEffect, useRef, useState } from 'react';
import { assessCapture, type CaptureQuality } from '../spotting/capture-quality';
import { useAppStore } from '../state/store';
import { useFrameView } from './use-frame-view';

const KEPT_INTERVALS = 60;
const REFRESH_MS = 1000;

export function CaptureGuard() {
  const intervals = useRef<number[]>([]);
  const last = useRef<{ index: number; t: number } | null>(null);
  const [quality, setQuality] = useState<CaptureQuality>(() => assessCapture({}));
  const running = useAppStore((s) => s.sourceStatus === 'running');

  useFrameView(({ result }) => {
    const prev = last.current;
    if (prev && result.index === prev.index + 1 && result.timestampMs > prev.t) {
      intervals.current.push(result.timestampMs - prev.t);
      if (intervals.current.length > KEPT_INTERVALS) intervals.current.shift();
    } else if (prev && result.index <= prev.index) {
      intervals.current = []; // a new source
    }
    last.current = { index: result.index, t: result.timestampMs };
  });

  useEffect(() => {
    const update = () => {
      const s = useAppStore.getState();
      if (s.sourceKind === 'file') setQuality(assessCapture({ intervalsMs: intervals.current }));
      else setQuality(assessCapture({ fps: s.fpsIn, timing: s.timingIn }));
    };
    update();
    const id = setInterval(update, REFRESH_MS);
    return () => clearInterval(id);
  }, []);

  const shown = running ? quality : assessCapture({});
  return (
    <section className="capture-guard" aria-label="Capture quality" data-testid="capture-guard" data-level={shown.level}>
      <span>
        capture <b data-testid="capture-fps">{Number.isFinite(shown.fps) ? shown.fps.toFixed(1) : '–'}</b> fps · jitter{' '}
        <b data-testid="capture-jitter">{shown.jitterMs === null ? '–' : shown.jitterMs.toFixed(1)}</b> ms
      </span>
      {shown.level === 'warn' && (
        <div className="capture-warning" role="alert" data-testid="capture-warning">
          <b>This capture cannot resolve short events.</b> {shown.reasons.join(' ')}
        </div>
      )}
    </section>
  );
}
