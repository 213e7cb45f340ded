/**
 * Class probabilities of the current 8-frame window as bars, smoothed over time (ProbabilityEma), one row per
 * class the model names (3 or 5). The rows come from the model status (React, rare); the values are written
 * straight into the DOM from the view bus, so no per-frame React render.
 */
import { useRef } from 'react';
import { useAppStore } from '../state/store';
import type { ModelStageStatus } from '../model/model-status';
import { ProbabilityEma } from '../render/probability-ema';
import { useFrameView } from './use-frame-view';
import './model-panel.css';

function stateText(s: ModelStageStatus): string {
  switch (s.state) {
    case 'off': return 'MOL is off (?weights=none): tracking only.';
    case 'loading': return 'Loading MOL…';
    case 'failed': return 'MOL is not running (see the message under the video).';
    case 'ready': {
      const { info } = s;
      const path = info.ops === 'kernels'
        ? 'our WGSL kernels on WebGPU'
        : `stock tfjs ops on the ${info.backend} backend (reference path: WebGPU is not in use)`;
      return `MOL ${info.configName}, ${info.classes.length} classes: ${path}.`;
    }
  }
}

export function EmotionPanel() {
  const status = useAppStore((s) => s.modelStatus);
  const classes = status.state === 'ready' ? status.info.classes : [];
  const panel = useRef<HTMLElement>(null);
  const bars = useRef<(HTMLSpanElement | null)[]>([]);
  const values = useRef<(HTMLOutputElement | null)[]>([]);
  const windowText = useRef<HTMLParagraphElement>(null);
  const ema = useRef(new ProbabilityEma());
  /** Frame of the last window fed to the EMA: the live model lane shows one window over several frames. */
  const smoothedFrame = useRef(-1);

  useFrameView(({ result }) => {
    if (!panel.current) return;
    const m = result.model;
    if (!result.faceFound) { ema.current.reset(); smoothedFrame.current = -1; }
    if (m && m.frameIndex !== smoothedFrame.current) {
      smoothedFrame.current = m.frameIndex;
      const p = ema.current.update(m.probabilities, result.timestampMs);
      p.forEach((v, i) => {
        const bar = bars.current[i], out = values.current[i];
        if (bar) bar.style.width = `${(100 * v).toFixed(1)}%`;
        if (out) { out.textContent = v.toFixed(3); out.dataset.value = String(v); }
      });
    } else if (!result.faceFound) {
      for (const b of bars.current) if (b) b.style.width = '0';
      for (const o of values.current) if (o) { o.textContent = '–'; delete o.dataset.value; }
    }
    panel.current.dataset.fresh = String(m !== null);
    const behind = m ? result.index - m.frameIndex : 0;
    panel.current.dataset.framesBehind = String(behind);
    if (windowText.current) {
      windowText.current.textContent = !m ? (result.faceFound ? `window filling: ${result.windowFill}/8 frames` : 'no face')
        : behind <= 0 ? 'current 8-frame window (smoothed)'
          : `8-frame window ending ${behind} frame${behind === 1 ? '' : 's'} ago (MOL runs beside tracking; smoothed)`;
    }
  });

  return (
    <section className="emotion" ref={panel} data-testid="emotion-panel" data-fresh="false" aria-label="Emotion probabilities">
      <h2>Emotion (MOL)</h2>
      <p className="model-state" data-testid="model-state" data-state={status.state}>{stateText(status)}</p>
      {classes.map((c, i) => (
        <div className="emotion-row" key={c}>
          <span>{c}</span>
          <div className="emotion-bar"><span ref={(el) => { bars.current[i] = el; }} /></div>
          <output ref={(el) => { values.current[i] = el; }} data-testid="emotion-prob" data-class={c}>–</output>
        </div>
      ))}
      <p className="model-state" ref={windowText} data-testid="model-window" />
    </section>
  );
}
