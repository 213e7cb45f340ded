import { describe, expect, it } from 'vitest';
import type { SpottedEvent } from '../pipeline/types';
import { bandStyle, eventColor, eventSummary } from './event-style';

const ev = (over: Partial<SpottedEvent>): SpottedEvent => ({
  id: 1, kind: 'micro', onsetFrame: 0, apexFrame: 2, offsetFrame: 5, onsetMs: 0, apexMs: 66, offsetMs: 166,
  label: null, probabilities: null, regionPeaks: {}, ...over,
});

describe('event style', () => {
  it('tells micro (solid) from macro (hatched) and blink/head (bar)', () => {
    expect(['micro', 'macro', 'blink', 'head'].map((k) => bandStyle(k as SpottedEvent['kind']))).toEqual(['solid', 'hatched', 'bar', 'bar']);
  });

  it('colours by class; uncertain and unclassified differ from every class; blink/head by kind', () => {
    const classes = ['surprise', 'positive', 'negative'].map((label) => eventColor(ev({ label })));
    expect(new Set(classes).size).toBe(3);
    const uncertain = eventColor(ev({ label: 'uncertain' }));
    const none = eventColor(ev({ label: null }));
    for (const c of [uncertain, none]) expect(classes).not.toContain(c);
    expect(uncertain).not.toBe(none);
    expect(eventColor(ev({ kind: 'blink' }))).not.toBe(eventColor(ev({ kind: 'head' })));
  });

  it('summarises kind, label and confidence', () => {
    expect(eventSummary(ev({ label: 'surprise', confidence: 0.724 }))).toBe('micro · surprise 72 %');
    expect(eventSummary(ev({ label: 'uncertain', confidence: 0.41 }))).toBe('micro · uncertain 41 %');
    expect(eventSummary(ev({ kind: 'macro' }))).toBe('macro');
  });
});
