/** Toggles for MOL's two overlays, the flow amplification and the colour-wheel legend. */
import { useEffect, useRef } from 'react';
import { useAppStore } from '../state/store';
import { FLOW_GAIN_MAX, FLOW_GAIN_MIN } from '../state/settings-slice';
import { drawColourWheel } from '../render/model-overlay';
import { FLOW_FULL_SCALE_PX } from '../render/flow-image';
import './model-panel.css';

function FlowLegend({ gain }: { gain: number }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (ctx) drawColourWheel(ctx);
  }, []);
  return (
    <div className="flow-legend">
      <canvas ref={ref} width={64} height={64} data-testid="flow-legend" />
      <span>hue: direction of motion on screen (red right, up violet); brightness: magnitude, full at {(FLOW_FULL_SCALE_PX / gain).toFixed(2)} crop px</span>
    </div>
  );
}

export function ModelSettings() {
  const flowOverlay = useAppStore((s) => s.flowOverlay);
  const molLandmarks = useAppStore((s) => s.molLandmarks);
  const gain = useAppStore((s) => s.flowGain);
  return (
    <section className="model-settings" aria-label="Model overlays">
      <h2>Model overlays</h2>
      <label>
        <input type="checkbox" data-testid="toggle-flow" checked={flowOverlay} onChange={(e) => useAppStore.getState().setFlowOverlay(e.target.checked)} />
        MOL flow (newest pair)
      </label>
      <label>
        <input type="checkbox" data-testid="toggle-mol-landmarks" checked={molLandmarks} onChange={(e) => useAppStore.getState().setMolLandmarks(e.target.checked)} />
        MOL landmarks (magenta)
      </label>
      <label>
        Amplification
        <input
          type="range" min={FLOW_GAIN_MIN} max={FLOW_GAIN_MAX} step={1} value={gain} data-testid="flow-gain"
          onChange={(e) => useAppStore.getState().setFlowGain(Number(e.target.value))}
        />
        <output>×{gain}</output>
      </label>
      <FlowLegend gain={gain} />
    </section>
  );
}
