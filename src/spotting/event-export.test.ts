import { describe, expect, it } from 'vitest';
import { browRaise, syntheticInputs, timing } from './__fixtures__/synthetic-face';
import { classifyEvent } from './classify-event';
import { CsvParseError, parseCsv, toCsv } from './csv';
import { detectIntervals } from './interval-detector';
import {
  EventFileError, eventRecord, eventsCsvHeader, eventsToCsv, eventsToJson, parseEventsJson, parseTraceCsv, traceToCsv, TRACE_CSV_HEADER,
  type EventRecord,
} from './event-export';
import { REGION_NAMES } from './regions';
import { spotFrames } from './spotter';

// Class names that need RFC 4180 quoting in CSV headers.
const classes = ['surprise', 'posi,tive', 'nega"tive'];

function recorded(): { events: EventRecord[]; rows: ReturnType<typeof spotFrames>['rows'] } {
  const { rows, intervals } = spotFrames(syntheticInputs({
    fps: 30, durationS: 6, noisePx: 0.1, seed: 3, flowNoisePx: null,
    motions: [{ kind: 'expression', ...timing(3, 0.3), moves: browRaise(1.5) }, { kind: 'blink', ...timing(4.5, 0.2), closure: 0.9 }],
  }));
  const events = intervals.map(eventRecord);
  const c = classifyEvent([0.1, 0.7, 0.2], classes);
  Object.assign(events[0], { label: c.label, confidence: c.confidence, probabilities: c.probabilities });
  return { events, rows };
}

describe('CSV (RFC 4180)', () => {
  it('quotes commas, quotes and line breaks and reads them back', () => {
    const records = [['a', 'b,c', 'say "hi"'], ['line\r\nbreak', '', 'lf\nonly'], ['', '', '']];
    const text = toCsv(records);
    expect(text).toBe('a,"b,c","say ""hi"""\r\n"line\r\nbreak",,"lf\nonly"\r\n,,\r\n');
    expect(parseCsv(text)).toEqual(records);
    expect(parseCsv('x,y\ny,z\n')).toEqual([['x', 'y'], ['y', 'z']]);
    expect(parseCsv('"",a\r\n')).toEqual([['', 'a']]);
  });

  it('names malformed CSV', () => {
    expect(() => parseCsv('a,"b\r\n')).toThrow(CsvParseError);
    expect(() => parseCsv('a,"b"c\r\n')).toThrow(/after a closing quote/);
    expect(() => parseCsv('a,b"c\r\n')).toThrow(/inside an unquoted field/);
  });
});

describe('event files', { timeout: 60_000 }, () => {
  it('round-trips events through JSON exactly', () => {
    const { events } = recorded();
    expect(events.map((e) => e.kind)).toEqual(['micro', 'blink']);
    const doc = parseEventsJson(eventsToJson(events, classes));
    expect(doc.classes).toEqual(classes);
    expect(doc.events).toEqual(events);
    expect(doc.events[0].id).toBe(`ev-${events[0].onsetFrame}`);
    expect(doc.events[1].label).toBeNull();
  });

  it('writes non-finite numbers as null and reads the eye ratio back as NaN', () => {
    const { events } = recorded();
    const e = { ...events[1], earMinRatio: Number.NaN };
    const back = parseEventsJson(eventsToJson([e], null)).events[0];
    expect(Number.isNaN(back.earMinRatio)).toBe(true);
    expect(eventsToCsv([e], null).split('\r\n')[1].split(',')[14]).toBe('');
  });

  it('writes the events CSV with one column per region and class, and the values read back', () => {
    const { events } = recorded();
    const table = parseCsv(eventsToCsv(events, classes));
    expect(table[0]).toEqual(eventsCsvHeader(classes));
    expect(table[0].slice(-3)).toEqual(['p_surprise', 'p_posi,tive', 'p_nega"tive']);
    expect(table).toHaveLength(3);
    const col = (name: string): number => table[0].indexOf(name);
    const [micro, blink] = [table[1], table[2]];
    expect(micro[col('kind')]).toBe('micro');
    expect(Number(micro[col('onset_ms')])).toBe(events[0].onsetMs);
    expect(Number(micro[col('duration_ms')])).toBe(events[0].durationMs);
    expect(Number(micro[col('p_posi,tive')])).toBe(0.7);
    expect(micro[col('label')]).toBe('posi,tive');
    for (const r of REGION_NAMES) expect(Number(micro[col(`px_${r}`)])).toBe(events[0].regionPeakPx[r]);
    expect(blink[col('label')]).toBe('');
    expect(blink[col('p_surprise')]).toBe('');
  });

  it('writes the per-frame trace CSV, one line per frame', () => {
    const { rows } = recorded();
    const table = parseCsv(traceToCsv(rows));
    expect(table[0]).toEqual(TRACE_CSV_HEADER);
    expect(table).toHaveLength(rows.length + 1);
    const k = 100;
    const line = table[k + 1];
    expect(Number(line[0])).toBe(rows[k].index);
    expect(Number(line[1])).toBe(rows[k].timestampMs);
    expect(line[2]).toBe('1');
    expect(Number(line[4])).toBe(rows[k].score);
    expect(Number(line[TRACE_CSV_HEADER.indexOf('z_browL')])).toBe(rows[k].regionZ.browL);
    expect(table[1][3]).toBe('1');
  });

  it('reads the trace CSV back, and re-spotting the reopened trace gives the same events', () => {
    const { rows, events } = recorded();
    const back = parseTraceCsv(traceToCsv(rows));
    expect(back).toEqual(rows);
    expect(detectIntervals(back).map(eventRecord).map((e) => [e.id, e.kind, e.durationMs])).toEqual(events.map((e) => [e.id, e.kind, e.durationMs]));
    const text = traceToCsv(rows.slice(0, 3));
    expect(() => parseTraceCsv(text.replace('timestamp_ms', 'time'))).toThrow(/header/);
    expect(() => parseTraceCsv(text.replace(/\r\n0,0,1,/, '\r\n0,0,2,'))).toThrow(/face_found must be 0 or 1/);
    expect(() => parseTraceCsv(text.replace(/\r\n0,0,/, '\r\n0,x,'))).toThrow(/timestamp_ms is not a number/);
  });

  it('names malformed event files', () => {
    const { events } = recorded();
    const good = JSON.parse(eventsToJson(events, classes));
    const bad = (mutate: (d: any) => void): string => {
      const d = structuredClone(good);
      mutate(d);
      return JSON.stringify(d);
    };
    expect(() => parseEventsJson('{')).toThrow(EventFileError);
    expect(() => parseEventsJson(bad((d) => { d.format = 'other'; }))).toThrow(/format/);
    expect(() => parseEventsJson(bad((d) => { d.version = 2; }))).toThrow(/version/);
    expect(() => parseEventsJson(bad((d) => { d.events[0].kind = 'sneeze'; }))).toThrow(/events\[0\]\.kind/);
    expect(() => parseEventsJson(bad((d) => { d.events[0].onsetMs = 'x'; }))).toThrow(/events\[0\]\.onsetMs/);
    expect(() => parseEventsJson(bad((d) => { d.events[1].apexFrame = -1; }))).toThrow(/onset <= apex <= offset/);
    expect(() => parseEventsJson(bad((d) => { d.events[0].regionPeakPx.chin = null; }))).toThrow(/regionPeakPx\.chin/);
    expect(() => parseEventsJson(bad((d) => { d.events[0].probabilities = { a: 1 }; }))).toThrow(/probabilities/);
    expect(() => parseEventsJson(bad((d) => { d.events[1].id = d.events[0].id; }))).toThrow(/duplicate/);
    expect(() => parseEventsJson(bad((d) => { d.classes = null; }))).toThrow(/no classes/);
  });
});
