/** Source, fps in/processed, per-stage ms, tfjs backend and face state; fed by the stats slice at a few Hz. */
import { useAppStore } from '../state/store';

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
    </footer>
  );
}
