/**
 * Replay of the selected event (timeline click): its recorded crops slowed 1/4..1/16, beside the same frames
 * motion-magnified (alpha x the flow accumulated from the onset), with flow arrows and both landmark sets,
 * a frame counter with onset/apex/offset marks (click a mark to jump there), and a WebM export of the replay.
 * Frames are drawn straight into the canvas from a timer; React only holds the controls.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { SpottedEvent } from '../pipeline/types';
import { useAppStore } from '../state/store';
import { downloadBlob, sessionFileStem } from '../replay/download';
import { accumulateFlow, magnifyFrame } from '../replay/magnify';
import { drawReplayFrame, REPLAY_CANVAS_HEIGHT, REPLAY_CANVAS_WIDTH } from '../replay/replay-canvas';
import { clipForEvent, currentSession } from '../replay/replay-session';
import { CROP_SIZE, type ReplayClip } from '../replay/types';
import { recordCanvasWebm } from '../replay/webm-export';
import './replay.css';

export const REPLAY_SPEEDS = [4, 8, 16] as const;
export const DEFAULT_SPEED = 8;
export const DEFAULT_ALPHA = 10;
const FALLBACK_FRAME_MS = 1000 / 30;

export function ReplayPlayer() {
  const selectedId = useAppStore((s) => s.selectedEventId);
  const events = useAppStore((s) => s.events);
  const event = events.find((e) => e.id === selectedId) ?? null;
  const clip = useMemo(() => (event ? clipForEvent(event) : null), [event]);
  if (!event) return null;
  if (!clip) {
    return (
      <section className="replay" aria-label="Replay" data-testid="replay" data-state="no-frames">
        <h2>Replay</h2>
        <p>No recorded frames for this event (they are kept only for events spotted while the face was tracked, and
          the oldest go first when the memory cap is reached).</p>
        <button type="button" onClick={() => useAppStore.getState().selectEvent(null)}>Close</button>
      </section>
    );
  }
  return <ReplayView key={`${event.id}`} event={event} clip={clip} />;
}

/** Real-time duration of each clip frame (to the next frame's timestamp; the last repeats the one before). */
function frameDurations(clip: ReplayClip): number[] {
  const f = clip.frames;
  return f.map((fr, i) => {
    const next = f[i + 1] ?? null;
    const prev = f[i - 1] ?? null;
    const d = next ? next.timestampMs - fr.timestampMs : prev ? fr.timestampMs - prev.timestampMs : FALLBACK_FRAME_MS;
    return d > 0 ? d : FALLBACK_FRAME_MS;
  });
}

function ReplayView({ event, clip }: { event: SpottedEvent; clip: ReplayClip }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const scratch = useMemo(() => { const c = document.createElement('canvas'); c.width = CROP_SIZE; c.height = CROP_SIZE; return c; }, []);
  const [speed, setSpeed] = useState<number>(DEFAULT_SPEED);
  const [alpha, setAlpha] = useState(DEFAULT_ALPHA);
  const [showFlow, setShowFlow] = useState(true);
  const [showLandmarks, setShowLandmarks] = useState(true);
  const [playing, setPlaying] = useState(true);
  const [position, setPosition] = useState(0);
  const [recording, setRecording] = useState(false);
  const [exportMessage, setExportMessage] = useState<string | null>(null);
  const frames = clip.frames;
  const durations = useMemo(() => frameDurations(clip), [clip]);
  const onsetPos = Math.max(0, frames.findIndex((f) => f.index >= event.onsetFrame));
  // displacement from the onset (zero before it: nothing to magnify there)
  const disp = useMemo(() => {
    const zero = new Float32Array(CROP_SIZE * CROP_SIZE * 2);
    const after = accumulateFlow(frames.slice(onsetPos).map((f) => f.flow), CROP_SIZE, CROP_SIZE);
    return [...frames.slice(0, onsetPos).map(() => zero), ...after];
  }, [frames, onsetPos]);
  // magnified frames are made when first shown (a slider move then costs one frame, not the whole clip)
  const magnifiedCache = useMemo(() => new Map<number, Uint8Array>(), [frames, disp, alpha]);
  const magnifiedAt = (i: number): Uint8Array => {
    let m = magnifiedCache.get(i);
    if (!m) {
      m = magnifyFrame(frames[i].crop, disp[i], CROP_SIZE, CROP_SIZE, alpha);
      magnifiedCache.set(i, m);
    }
    return m;
  };
  const noFlow = frames.every((f) => f.flow === null);

  const draw = (i: number) => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    drawReplayFrame(ctx, scratch, frames[i], magnifiedAt(i), disp[i], {
      alpha, showFlow, showLandmarks,
      leftCaption: `frame ${frames[i].index}, 1/${speed} speed`,
      rightCaption: noFlow ? 'magnified: no flow recorded' : `magnified ×${alpha}`,
    });
  };

  useEffect(() => { if (!recording) draw(position); });

  useEffect(() => {
    if (!playing || recording) return;
    const t = setTimeout(() => setPosition((p) => (p + 1) % frames.length), durations[position] * speed);
    return () => clearTimeout(t);
  }, [playing, recording, position, speed, durations, frames.length]);

  const jump = (frameIndex: number) => {
    setPlaying(false);
    const i = frames.findIndex((f) => f.index >= frameIndex);
    setPosition(i < 0 ? frames.length - 1 : i);
  };
  const step = (d: number) => { setPlaying(false); setPosition((p) => (p + d + frames.length) % frames.length); };

  const recordWebm = async () => {
    const c = canvas.current;
    if (!c) return;
    setRecording(true);
    setExportMessage('Recording the replay…');
    try {
      // one pass over the clip at the chosen slow speed, each frame held for the clip's mean frame time
      const meanMs = durations.reduce((s, d) => s + d, 0) / durations.length;
      const blob = await recordCanvasWebm(c, frames.length, meanMs * speed, draw);
      downloadBlob(blob, `${sessionFileStem(currentSession().createdAt)}-ev-${event.onsetFrame}-x${alpha}-slow${speed}.webm`);
      setExportMessage(`Saved a WebM (${frames.length} frames, ${(blob.size / 1024).toFixed(0)} KiB)`);
    } catch (e) {
      setExportMessage(`WebM export failed: ${(e as Error).message}`);
    } finally {
      setRecording(false);
    }
  };

  const cur = frames[position];
  const mark = (f: number) => (cur.index === f ? ' (here)' : '');
  const pct = (f: number) => `${(100 * Math.min(Math.max(f - frames[0].index, 0), frames[frames.length - 1].index - frames[0].index)) / Math.max(1, frames[frames.length - 1].index - frames[0].index)}%`;
  const phase = cur.index < event.onsetFrame ? 'before onset' : cur.index > event.offsetFrame ? 'after offset'
    : cur.index === event.apexFrame ? 'apex' : cur.index < event.apexFrame ? 'onset → apex' : 'apex → offset';
  return (
    <section
      className="replay" aria-label="Replay" data-testid="replay" data-state="ready"
      data-speed={speed} data-alpha={alpha} data-frame={cur.index} data-position={position} data-frames={frames.length}
      data-playing={playing ? 'true' : 'false'}
    >
      <h2>Replay: {event.kind}{event.label ? ` · ${event.label}` : ''}, frames {event.onsetFrame}–{event.offsetFrame}</h2>
      <canvas ref={canvas} width={REPLAY_CANVAS_WIDTH} height={REPLAY_CANVAS_HEIGHT} data-testid="replay-canvas" />
      <div className="replay-scrub" aria-label="Frame position">
        <span className="replay-cursor" style={{ left: pct(cur.index) }} />
        {(['onset', 'apex', 'offset'] as const).map((k) => {
          const f = event[`${k}Frame`];
          return (
            <button key={k} type="button" className={`replay-mark ${k}`} style={{ left: pct(f) }} data-testid={`replay-mark-${k}`}
              title={`${k}: frame ${f}`} onClick={() => jump(f)}>{k}</button>
          );
        })}
      </div>
      <p className="replay-counter" data-testid="replay-counter">
        frame {cur.index} ({position + 1}/{frames.length}) · {phase} · onset {event.onsetFrame}{mark(event.onsetFrame)} · apex {event.apexFrame}{mark(event.apexFrame)} · offset {event.offsetFrame}{mark(event.offsetFrame)}
      </p>
      <div className="replay-controls">
        <button type="button" onClick={() => step(-1)} aria-label="Previous frame">◀</button>
        <button type="button" data-testid="replay-play" onClick={() => setPlaying(!playing)}>{playing ? 'Pause' : 'Play'}</button>
        <button type="button" onClick={() => step(1)} aria-label="Next frame">▶</button>
        <label>
          Speed{' '}
          <select data-testid="replay-speed" value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
            {REPLAY_SPEEDS.map((s) => <option key={s} value={s}>1/{s}</option>)}
          </select>
        </label>
        <label>
          Magnify ×{alpha}{' '}
          <input type="range" min={2} max={20} step={1} value={alpha} data-testid="replay-alpha" onChange={(e) => setAlpha(Number(e.target.value))} />
        </label>
        <label><input type="checkbox" checked={showFlow} onChange={(e) => setShowFlow(e.target.checked)} /> flow</label>
        <label><input type="checkbox" checked={showLandmarks} onChange={(e) => setShowLandmarks(e.target.checked)} /> landmarks</label>
      </div>
      <p className="replay-legend">
        <span className="swatch mediapipe" /> MediaPipe landmarks <span className="swatch mol" /> MOL landmarks · arrows: flow
        (left, ×8 per frame; right, the magnified motion since the onset), colour = direction
      </p>
      <div className="replay-controls">
        <button type="button" data-testid="replay-webm" disabled={recording} onClick={() => void recordWebm()}>Export WebM</button>
        <button type="button" onClick={() => useAppStore.getState().selectEvent(null)}>Close</button>
        {exportMessage && <span role="status" data-testid="replay-export-status">{exportMessage}</span>}
      </div>
    </section>
  );
}
