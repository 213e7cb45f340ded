/**
 * The timeline's uPlot chart: the motion score (largest per-region robust z) over the last `spanS` seconds,
 * the spotting thresholds, the calibration stretch shaded, and event bands coloured by class: micro events
 * fill the full height, macro events are hatched, blinks and head motion are short grey/brown bars at the
 * bottom. Per-frame data comes in through `append`; nothing here touches React. A reopened session is shown
 * whole with `review` (its own time axis, from its recorded trace) until `endReview` returns to the live view.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { SpottedEvent } from '../pipeline/types';
import { bandStyle, eventColor } from './event-style';

export interface TimelinePlotOptions {
  spanS: number;
  /** Spotting start/end thresholds drawn as guides (DEFAULT_DETECTOR's highZ and lowZ). */
  thresholds: readonly number[];
  events(): readonly SpottedEvent[];
  selectedId(): number | null;
  onPick(id: number | null): void;
}

export class TimelinePlot {
  private readonly plot: uPlot;
  private xs: number[] = [];
  private ys: number[] = [];
  private calibration: { fromS: number; toS: number | null } | null = null;
  private pending = false;
  /** While a session file is reviewed: the x range it spans (live frames are not plotted meanwhile). */
  private reviewSpan: [number, number] | null = null;

  constructor(target: HTMLElement, width: number, private readonly o: TimelinePlotOptions) {
    this.plot = new uPlot(
      {
        width,
        height: 150,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: false, range: (_u, _min, max) => this.reviewSpan ?? [Math.max(0, (max ?? 0) - o.spanS), Math.max(o.spanS, max ?? 0)] },
          y: { range: (_u, _min, max) => [0, Math.max(10, Math.ceil((max ?? 0) * 1.1))] },
        },
        axes: [
          { stroke: '#9ca3af', grid: { stroke: '#1f2937' }, values: (_u, ticks) => ticks.map((t) => `${t.toFixed(0)} s`) },
          { stroke: '#9ca3af', grid: { stroke: '#1f2937' }, size: 36 },
        ],
        series: [{}, { label: 'motion z', stroke: '#60a5fa', width: 1.5, points: { show: false } }],
        hooks: { drawClear: [(u) => this.drawBands(u)] },
      },
      [[], []],
      target,
    );
    this.plot.over.addEventListener('click', (e) => this.pick(e));
  }

  /** One frame's score at `tS` seconds from the source start (0 while calibrating or without a face). */
  append(tS: number, score: number, calibrating: boolean): void {
    if (this.reviewSpan) return;
    this.push(tS, score, calibrating);
    let drop = 0;
    while (drop < this.xs.length && this.xs[drop] < tS - this.o.spanS - 1) drop++;
    if (drop) { this.xs.splice(0, drop); this.ys.splice(0, drop); }
    this.redrawSoon();
  }

  /** Shows a recorded session whole: its trace rows (seconds from its start) and, through `events()`, its
   *  events, on its own time axis; an empty trace spans its events instead. */
  review(rows: readonly { tS: number; score: number; calibrating: boolean }[], eventsEndS: number): void {
    this.clear();
    for (const r of rows) this.push(r.tS, r.score, r.calibrating);
    const start = this.xs[0] ?? 0;
    const end = Math.max(this.xs[this.xs.length - 1] ?? 0, eventsEndS);
    this.reviewSpan = [start, end > start ? end : start + 1];
    this.plot.setData([this.xs, this.ys]);
  }

  /** Back to the live view: it starts again from the next live frame. */
  endReview(): void {
    if (!this.reviewSpan) return;
    this.reviewSpan = null;
    this.clear();
  }

  /** The x range shown (seconds): for tests and the review caption. */
  get shownRange(): [number, number] {
    return [this.plot.scales.x.min ?? 0, this.plot.scales.x.max ?? 0];
  }

  private push(tS: number, score: number, calibrating: boolean): void {
    const last = this.xs[this.xs.length - 1];
    if (last !== undefined && tS <= last) this.clear(); // a new source starts at 0 again
    if (calibrating) {
      if (!this.calibration || this.calibration.toS !== null) this.calibration = { fromS: tS, toS: null };
    } else if (this.calibration && this.calibration.toS === null) {
      this.calibration.toS = tS;
    }
    this.xs.push(tS);
    this.ys.push(score);
  }

  /** Redraw without new data (an event was added or selected). */
  redrawSoon(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.plot.setData([this.xs, this.ys]);
    });
  }

  clear(): void {
    this.xs = [];
    this.ys = [];
    this.calibration = null;
    this.redrawSoon();
  }

  resize(width: number): void {
    this.plot.setSize({ width, height: 150 });
  }

  destroy(): void {
    this.plot.destroy();
  }

  private drawBands(u: uPlot): void {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const x = (s: number) => Math.min(left + width, Math.max(left, u.valToPos(s, 'x', true)));
    ctx.save();
    if (this.calibration) {
      const x0 = x(this.calibration.fromS), x1 = x(this.calibration.toS ?? this.xs[this.xs.length - 1] ?? this.calibration.fromS);
      ctx.fillStyle = 'rgba(148, 163, 184, 0.15)';
      ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
      ctx.fillStyle = '#9ca3af';
      ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui`;
      ctx.fillText('calibration', x0 + 4, top + 14 * devicePixelRatio);
    }
    const selected = this.o.selectedId();
    for (const e of this.o.events()) {
      const x0 = x(e.onsetMs / 1000), x1 = Math.max(x(e.offsetMs / 1000), x0 + 2);
      if (x1 <= left || x0 >= left + width) continue;
      const color = eventColor(e);
      ctx.globalAlpha = 1;
      const style = bandStyle(e.kind);
      if (style === 'solid') {
        ctx.globalAlpha = 0.45;
        ctx.fillStyle = color;
        ctx.fillRect(x0, top, x1 - x0, height);
      } else if (style === 'hatched') {
        ctx.globalAlpha = 0.6;
        ctx.strokeStyle = color;
        ctx.lineWidth = devicePixelRatio;
        ctx.beginPath();
        ctx.rect(x0, top, x1 - x0, height);
        ctx.clip();
        for (let hx = x0 - height; hx < x1; hx += 6 * devicePixelRatio) { ctx.moveTo(hx, top + height); ctx.lineTo(hx + height, top); }
        ctx.stroke();
        ctx.restore();
        ctx.save();
      } else {
        ctx.fillStyle = color;
        ctx.fillRect(x0, top + height * 0.85, x1 - x0, height * 0.15);
      }
      if (e.id === selected) {
        ctx.globalAlpha = 1;
        ctx.strokeStyle = '#ffffff';
        ctx.lineWidth = 2 * devicePixelRatio;
        ctx.strokeRect(x0, top + 1, x1 - x0, height - 2);
      }
    }
    ctx.globalAlpha = 0.5;
    ctx.strokeStyle = '#f87171';
    ctx.setLineDash([4, 4]);
    for (const z of this.o.thresholds) {
      const y = u.valToPos(z, 'y', true);
      if (y < top || y > top + height) continue;
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + width, y);
      ctx.stroke();
    }
    ctx.restore();
  }

  private pick(e: MouseEvent): void {
    const tS = this.plot.posToVal(e.offsetX, 'x');
    const hit = [...this.o.events()].reverse().find((ev) => tS >= ev.onsetMs / 1000 - 0.05 && tS <= ev.offsetMs / 1000 + 0.05);
    this.o.onPick(hit?.id ?? null);
  }
}
