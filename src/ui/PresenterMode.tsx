/**
 * Presenter mode, for projecting a live demo: a toggle, and while it is on a band of large readouts (the
 * current window's most probable class, the latest event, the motion score and calibration). The readouts are
 * written straight from the view bus; the latest event comes from the store.
 */
import { useRef } from 'react';
import type { FrameResult } from '../pipeline/types';
import { useAppStore } from '../state/store';
import { eventColor, eventSummary } from './event-style';
import { useFrameView } from './use-frame-view';

export function PresenterToggle() {
  const on = useAppStore((s) => s.presenterMode);
  const set = useAppStore((s) => s.setPresenterMode);
  return (
    <button type="button" data-testid="presenter-toggle" aria-pressed={on} onClick={() => set(!on)}>
      Presenter mode
    </button>
  );
}

function windowClass(r: FrameResult): string {
  const m = r.model;
  if (!m) return r.faceFound ? `window ${r.windowFill}/8` : 'no face';
  let best = 0;
  for (let i = 1; i < m.probabilities.length; i++) if (m.probabilities[i] > m.probabilities[best]) best = i;
  return `${m.classes[best]} ${Math.round(100 * m.probabilities[best])} %`;
}

export function PresenterReadout() {
  const on = useAppStore((s) => s.presenterMode);
  const latest = useAppStore((s) => s.events[s.events.length - 1] ?? null);
  const current = useRef<HTMLElement>(null);
  const motion = useRef<HTMLElement>(null);
  useFrameView(({ result }) => {
    if (current.current) current.current.textContent = windowClass(result);
    if (motion.current) {
      const s = result.spot;
      motion.current.textContent = !s ? '–' : s.calibrating ? `calibrating ${Math.round(100 * s.calibrationProgress)} %` : `z ${s.score.toFixed(1)}`;
    }
  });
  if (!on) return null;
  return (
    <section className="presenter-readout" aria-label="Presenter readout" data-testid="presenter-readout">
      <div><span>Current window</span><b ref={current} data-testid="presenter-class">–</b></div>
      <div>
        <span>Latest event</span>
        <b data-testid="presenter-event" style={latest ? { color: eventColor(latest) } : undefined}>
          {latest ? `${eventSummary(latest)} at ${(latest.onsetMs / 1000).toFixed(1)} s` : 'none yet'}
        </b>
      </div>
      <div><span>Motion</span><b ref={motion} data-testid="presenter-motion">–</b></div>
    </section>
  );
}
