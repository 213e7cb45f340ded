/**
 * How an event looks on the timeline and in the lists: a colour per class (uncertain and unclassified get
 * neutral greys) and a mark per kind, so micro and macro can be told apart without reading a label.
 */
import type { SpottedEvent } from '../pipeline/types';

const CLASS_COLORS: Record<string, string> = {
  surprise: '#f59e0b',
  positive: '#22c55e',
  happiness: '#22c55e',
  negative: '#ef4444',
  disgust: '#ef4444',
  repression: '#a855f7',
  others: '#38bdf8',
  anger: '#dc2626',
  contempt: '#fb7185',
  uncertain: '#9ca3af',
};
const UNCLASSIFIED = '#e5e7eb';
const KIND_COLORS: Record<'blink' | 'head', string> = { blink: '#64748b', head: '#92400e' };

export function eventColor(e: Pick<SpottedEvent, 'kind' | 'label'>): string {
  if (e.kind === 'blink' || e.kind === 'head') return KIND_COLORS[e.kind];
  return e.label === null ? UNCLASSIFIED : (CLASS_COLORS[e.label] ?? '#38bdf8');
}

/** One line for lists and the presenter readout: "micro · surprise 72 %", "macro", "blink". */
export function eventSummary(e: SpottedEvent): string {
  if (e.label === null) return e.kind;
  const p = e.confidence ?? null;
  return p === null ? `${e.kind} · ${e.label}` : `${e.kind} · ${e.label} ${Math.round(100 * p)} %`;
}

/** How the timeline marks an event: micro fills the full height, macro is hatched, blink/head a low bar. */
export type BandStyle = 'solid' | 'hatched' | 'bar';

export function bandStyle(kind: SpottedEvent['kind']): BandStyle {
  return kind === 'micro' ? 'solid' : kind === 'macro' ? 'hatched' : 'bar';
}
