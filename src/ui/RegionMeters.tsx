/**
 * Per-region motion meters: each region's motion this frame (px of the 128 crop, landmark displacement from
 * the neutral reference averaged with MOL's accumulated flow when present), as bars updated straight from
 * the view bus. Full scale is 3 px, about twice a clear micro-expression's apex.
 */
import { useRef } from 'react';
import { REGION_NAMES } from '../spotting/regions';
import { useFrameView } from './use-frame-view';

const FULL_SCALE_PX = 3;
const LABELS: Record<string, string> = {
  browL: 'brow L', browR: 'brow R', eyeL: 'eye L', eyeR: 'eye R', nose: 'nose', mouthL: 'mouth L', mouthR: 'mouth R', chin: 'chin',
};

export function RegionMeters() {
  const rows = useRef<Record<string, HTMLElement | null>>({});
  useFrameView(({ result }) => {
    const regions = result.spot?.regions;
    for (const name of REGION_NAMES) {
      const el = rows.current[name];
      if (!el) continue;
      const px = regions?.[name] ?? 0;
      el.dataset.px = px.toFixed(3);
      el.style.setProperty('--level', String(Math.min(1, px / FULL_SCALE_PX)));
      const value = el.querySelector('output');
      if (value) value.textContent = regions ? px.toFixed(2) : '–';
    }
  });
  return (
    <section className="meters" aria-label="Region motion" data-testid="region-meters">
      <h2>Region motion <span className="hint">(px, full scale {FULL_SCALE_PX})</span></h2>
      {REGION_NAMES.map((name) => (
        <div key={name} className="meter" data-testid={`region-meter-${name}`} data-px="0" ref={(el) => { rows.current[name] = el; }}>
          <span>{LABELS[name]}</span>
          <span className="meter-bar"><span /></span>
          <output>–</output>
        </div>
      ))}
    </section>
  );
}
