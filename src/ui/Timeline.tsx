/**
 * The scrolling timeline: the motion score with event bands (timeline-plot.ts), the calibration prompt, a
 * legend, and the latest events as buttons (click one, or its band, to select it for replay). Per-frame data
 * comes from the view bus into the plot and the calibration element directly; only events go through the store.
 */
import { useEffect, useRef } from 'react';
import { DEFAULT_DETECTOR } from '../spotting/interval-detector';
import { currentSession } from '../replay/replay-session';
import { useAppStore } from '../state/store';
import { eventColor, eventSummary } from './event-style';
import { TimelinePlot } from './timeline-plot';
import { useFrameView } from './use-frame-view';

const SPAN_S = 30;
const LISTED_EVENTS = 8;

function showCalibration(el: HTMLElement, calibrating: boolean, progress: number, face: boolean): void {
  const state = !face ? 'waiting' : calibrating ? 'calibrating' : 'done';
  if (el.dataset.state === state && el.dataset.progress === progress.toFixed(2)) return;
  el.dataset.state = state;
  el.dataset.progress = progress.toFixed(2);
  el.textContent =
    state === 'calibrating' ? `Calibrating: hold a neutral face (${Math.round(100 * progress)} %)`
      : state === 'done' ? 'Calibrated: spotting' : progress > 0 ? 'No face: spotting paused' : 'Waiting for a face to calibrate';
}

export function Timeline() {
  const host = useRef<HTMLDivElement>(null);
  const calib = useRef<HTMLSpanElement>(null);
  const plot = useRef<TimelinePlot | null>(null);
  const events = useAppStore((s) => s.events);
  const selectedId = useAppStore((s) => s.selectedEventId);
  const selectEvent = useAppStore((s) => s.selectEvent);

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const p = new TimelinePlot(el, Math.max(200, el.clientWidth), {
      spanS: SPAN_S,
      thresholds: [DEFAULT_DETECTOR.highZ, DEFAULT_DETECTOR.lowZ],
      events: () => useAppStore.getState().events,
      selectedId: () => useAppStore.getState().selectedEventId,
      onPick: (id) => useAppStore.getState().selectEvent(id),
    });
    plot.current = p;
    const ro = new ResizeObserver(() => p.resize(Math.max(200, el.clientWidth)));
    ro.observe(el);
    return () => {
      ro.disconnect();
      p.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => plot.current?.redrawSoon(), [events, selectedId]);

  // A reopened session is drawn whole on its own time axis (its recorded trace), not on the live one.
  const reviewing = useAppStore((s) => s.reviewing);
  useEffect(() => {
    const p = plot.current;
    if (!p || !host.current) return;
    if (reviewing) {
      const { trace } = currentSession();
      const endS = Math.max(0, ...useAppStore.getState().events.map((e) => e.offsetMs / 1000));
      p.review(trace.map((r) => ({ tS: r.timestampMs / 1000, score: r.score, calibrating: r.calibrating })), endS);
      const [from, to] = p.shownRange;
      host.current.dataset.mode = 'review';
      host.current.dataset.range = `${from.toFixed(2)}-${to.toFixed(2)}`;
    } else {
      p.endReview();
      host.current.dataset.mode = 'live';
      delete host.current.dataset.range;
    }
  }, [reviewing]);

  useFrameView(({ result }) => {
    const spot = result.spot;
    if (spot) plot.current?.append(result.timestampMs / 1000, spot.score, spot.calibrating);
    if (calib.current) showCalibration(calib.current, spot?.calibrating ?? true, spot?.calibrationProgress ?? 0, result.faceFound);
  });

  const recent = events.slice(-LISTED_EVENTS).reverse();
  return (
    <section className="timeline" aria-label="Timeline" data-testid="timeline">
      <div className="timeline-head">
        <h2>Timeline</h2>
        <span ref={calib} className="calibration" data-testid="calibration" data-state="waiting" data-progress="0.00">
          Waiting for a face to calibrate
        </span>
        <span className="legend">
          <i className="chip micro" /> micro <i className="chip macro" /> macro <i className="chip blink" /> blink/head
          <span className="hint"> · dashed: spotting thresholds (z {DEFAULT_DETECTOR.highZ} start, {DEFAULT_DETECTOR.lowZ} end)</span>
        </span>
      </div>
      <div ref={host} className="timeline-plot" data-testid="timeline-plot" data-mode="live" />
      <ol className="event-list" data-testid="event-list" data-count={events.length}>
        {recent.map((e) => (
          <li key={e.id}>
            <button
              type="button"
              data-testid="event-item"
              data-kind={e.kind}
              data-event-id={e.id}
              aria-pressed={e.id === selectedId}
              style={{ borderLeftColor: eventColor(e) }}
              onClick={() => selectEvent(e.id === selectedId ? null : e.id)}
            >
              {(e.onsetMs / 1000).toFixed(2)} s · {eventSummary(e)} · {Math.round(e.durationMs ?? e.offsetMs - e.onsetMs)} ms
            </button>
          </li>
        ))}
        {recent.length === 0 && <li className="hint">No events yet.</li>}
      </ol>
    </section>
  );
}
