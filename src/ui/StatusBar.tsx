/** Source, fps in/processed, per-stage ms, tfjs backend and face state; fed by the stats slice at a few Hz. */
import { useAppStore } from '../state/store';
import type { FrameBacklogStats } from '../ingest/frame-backlog';

const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

export function StatusBar() {
  const s = useAppStore();
  const stages = Object.entries(s.stageMs);
  const face = !s.faceFound ? 'no face' : s.faceCount > 1 ? `${s.faceCount} faces (largest tracked)` : 'face found';
  return (
    <footer className="status" aria-label="Status">
      <span data-testid="status-source" data-status={s.sourceStatus}>
        {s.sourceKind ? `${s.sourceLabel} · ${s.sourceStatus}` : 'no source'}
      </span>
      <span>
        fps in <b data-testid="status-fps-in">{fmt(s.fpsIn)}</b> · processed <b data-testid="status-fps-processed">{fmt(s.fpsProcessed)}</b>
      </span>
      <span data-testid="status-stages">{stages.length ? stages.map(([k, v]) => `${k} ${fmt(v)} ms`).join(' · ') : 'stages –'}</span>
      <span data-testid="status-backend" data-gpu={s.gpuStatus}>tfjs {s.backend}</span>
      <span data-testid="status-face" data-face-count={s.faceCount}>{face}</span>
      <span data-testid="status-frames">{s.framesProcessed} frames</span>
      {s.backlog && <Backlog b={s.backlog} />}
    </footer>
  );
}

/** Every camera frame is analysed: how far behind live that is, and what a full backlog had to drop. */
function Backlog({ b }: { b: FrameBacklogStats }) {
  return (
    <span data-testid="status-backlog" data-frames={b.frames} data-lag-ms={Math.round(b.lagMs)} data-dropped={b.dropped}
      title="Every camera frame is analysed in order; a slow machine falls behind live instead of skipping frames.">
      {b.frames > 0 ? `${fmt(b.lagMs / 1000)} s behind live (${b.frames} frames waiting)` : 'every frame, keeping up'}
      {b.dropped > 0 ? ` · ${b.dropped} dropped (backlog full)` : ''}
    </span>
  );
}
