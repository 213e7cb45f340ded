/**
 * The event record and its files: events as JSON (reopenable: `parseEventsJson` reads it back exactly) and
 * CSV, and the per-frame trace as CSV. All numbers are written in JavaScript's shortest round-trip form;
 * a non-finite number (an eye ratio with no face) is written as null in JSON and empty in CSV.
 *
 * JSON document: { format: "me-analyzer-events", version: 1, classes: string[] | null, events: EventRecord[] }
 * with `classes` the model's class order (null when nothing was classified).
 */
import { parseCsv, toCsv } from './csv';
import type { SpotTraceRow } from './frame-scorer';
import type { IntervalKind, MotionInterval } from './interval-detector';
import type { RegionValues } from './motion-signal';
import { REGION_NAMES, type RegionName } from './regions';

export const EVENTS_FORMAT = 'me-analyzer-events';
export const EVENTS_VERSION = 1;
const KINDS: readonly IntervalKind[] = ['micro', 'macro', 'blink', 'head'];

export interface EventRecord extends MotionInterval {
  /** Unique within a session: "ev-<onsetFrame>" (two events cannot share an onset frame). */
  id: string;
  /** Class name, "uncertain", or null when the event was not classified (blinks, head motion, macro). */
  label: string | null;
  confidence: number | null;
  /** Probability per class name, or null. */
  probabilities: Record<string, number> | null;
}

export interface EventsDocument {
  format: typeof EVENTS_FORMAT;
  version: typeof EVENTS_VERSION;
  classes: string[] | null;
  events: EventRecord[];
}

export class EventFileError extends Error {
  override readonly name = 'EventFileError';
}

export function eventId(interval: MotionInterval): string {
  return `ev-${interval.onsetFrame}`;
}

/** An unclassified record for an interval. */
export function eventRecord(interval: MotionInterval): EventRecord {
  return { ...interval, id: eventId(interval), label: null, confidence: null, probabilities: null };
}

export function eventsToJson(events: readonly EventRecord[], classes: readonly string[] | null): string {
  const doc: EventsDocument = { format: EVENTS_FORMAT, version: EVENTS_VERSION, classes: classes ? [...classes] : null, events: [...events] };
  return JSON.stringify(doc, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
}

// ---- parsing ---------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

function obj(v: unknown, where: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new EventFileError(`${where}: expected an object`);
  return v as Obj;
}

function num(o: Obj, key: string, where: string, nullable = false): number {
  const v = o[key];
  if (nullable && v === null) return Number.NaN;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new EventFileError(`${where}.${key}: expected a finite number, got ${JSON.stringify(v)}`);
  return v;
}

function int(o: Obj, key: string, where: string): number {
  const v = num(o, key, where);
  if (!Number.isInteger(v)) throw new EventFileError(`${where}.${key}: expected an integer, got ${v}`);
  return v;
}

function str(o: Obj, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new EventFileError(`${where}.${key}: expected a string, got ${JSON.stringify(v)}`);
  return v;
}

function regionValues(v: unknown, where: string): RegionValues {
  const o = obj(v, where);
  return Object.fromEntries(REGION_NAMES.map((r) => [r, num(o, r, where)])) as RegionValues;
}

function parseEvent(v: unknown, where: string, classes: string[] | null): EventRecord {
  const o = obj(v, where);
  const kind = str(o, 'kind', where) as IntervalKind;
  if (!KINDS.includes(kind)) throw new EventFileError(`${where}.kind: "${kind}" is not one of ${KINDS.join(', ')}`);
  const dominantRegion = str(o, 'dominantRegion', where) as RegionName;
  if (!REGION_NAMES.includes(dominantRegion)) throw new EventFileError(`${where}.dominantRegion: unknown region "${dominantRegion}"`);
  let probabilities: Record<string, number> | null = null;
  if (o.probabilities !== null && o.probabilities !== undefined) {
    if (!classes) throw new EventFileError(`${where}.probabilities: given but the document has no classes`);
    const p = obj(o.probabilities, `${where}.probabilities`);
    const keys = Object.keys(p);
    if (keys.length !== classes.length || keys.some((k, i) => k !== classes[i])) {
      throw new EventFileError(`${where}.probabilities: keys ${keys.join(',')} are not the classes ${classes.join(',')}`);
    }
    probabilities = Object.fromEntries(classes.map((c) => [c, num(p, c, `${where}.probabilities`)]));
  }
  const label = o.label === null || o.label === undefined ? null : str(o, 'label', where);
  const rec: EventRecord = {
    id: str(o, 'id', where), kind,
    onsetFrame: int(o, 'onsetFrame', where), apexFrame: int(o, 'apexFrame', where), offsetFrame: int(o, 'offsetFrame', where),
    onsetMs: num(o, 'onsetMs', where), apexMs: num(o, 'apexMs', where), offsetMs: num(o, 'offsetMs', where),
    durationMs: num(o, 'durationMs', where), peakScore: num(o, 'peakScore', where), dominantRegion,
    regionPeakPx: regionValues(o.regionPeakPx, `${where}.regionPeakPx`), rigidPeakPx: num(o, 'rigidPeakPx', where),
    earMinRatio: num(o, 'earMinRatio', where, true),
    label, confidence: o.confidence === null || o.confidence === undefined ? null : num(o, 'confidence', where), probabilities,
  };
  if (!(rec.onsetFrame <= rec.apexFrame && rec.apexFrame <= rec.offsetFrame)) {
    throw new EventFileError(`${where}: frames must satisfy onset <= apex <= offset, got ${rec.onsetFrame}, ${rec.apexFrame}, ${rec.offsetFrame}`);
  }
  return rec;
}

/** Reads an events JSON document back; every malformed field is reported by its path. */
export function parseEventsJson(text: string): EventsDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new EventFileError(`not JSON: ${(e as Error).message}`);
  }
  const o = obj(raw, 'document');
  if (o.format !== EVENTS_FORMAT) throw new EventFileError(`document.format: expected "${EVENTS_FORMAT}", got ${JSON.stringify(o.format)}`);
  if (o.version !== EVENTS_VERSION) throw new EventFileError(`document.version: this app reads version ${EVENTS_VERSION}, got ${JSON.stringify(o.version)}`);
  let classes: string[] | null = null;
  if (o.classes !== null) {
    if (!Array.isArray(o.classes) || o.classes.some((c) => typeof c !== 'string')) throw new EventFileError('document.classes: expected an array of strings or null');
    classes = o.classes as string[];
  }
  if (!Array.isArray(o.events)) throw new EventFileError('document.events: expected an array');
  const events = o.events.map((e, i) => parseEvent(e, `events[${i}]`, classes));
  const ids = new Set(events.map((e) => e.id));
  if (ids.size !== events.length) throw new EventFileError('document.events: duplicate event ids');
  return { format: EVENTS_FORMAT, version: EVENTS_VERSION, classes, events };
}

// ---- CSV -------------------------------------------------------------------------------------------------

function cell(v: number | string | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return v;
}

/** Column names of the events CSV for a class list (p_<class> columns follow the region columns). */
export function eventsCsvHeader(classes: readonly string[] | null): string[] {
  return [
    'id', 'kind', 'onset_frame', 'apex_frame', 'offset_frame', 'onset_ms', 'apex_ms', 'offset_ms', 'duration_ms',
    'peak_score', 'dominant_region', 'label', 'confidence', 'rigid_peak_px', 'ear_min_ratio',
    ...REGION_NAMES.map((r) => `px_${r}`), ...(classes ?? []).map((c) => `p_${c}`),
  ];
}

export function eventsToCsv(events: readonly EventRecord[], classes: readonly string[] | null): string {
  const rows = events.map((e) => [
    e.id, e.kind, e.onsetFrame, e.apexFrame, e.offsetFrame, e.onsetMs, e.apexMs, e.offsetMs, e.durationMs,
    e.peakScore, e.dominantRegion, e.label, e.confidence, e.rigidPeakPx, e.earMinRatio,
    ...REGION_NAMES.map((r) => e.regionPeakPx[r]), ...(classes ?? []).map((c) => e.probabilities?.[c] ?? null),
  ].map(cell));
  return toCsv([eventsCsvHeader(classes), ...rows]);
}

export const TRACE_CSV_HEADER: readonly string[] = [
  'index', 'timestamp_ms', 'face_found', 'calibrating', 'score', 'rigid_px', 'rigid_z', 'ear_ratio',
  ...REGION_NAMES.map((r) => `px_${r}`), ...REGION_NAMES.map((r) => `z_${r}`),
];

/** The per-frame trace: one line per frame, booleans as 0/1. */
export function traceToCsv(rows: readonly SpotTraceRow[]): string {
  return toCsv([TRACE_CSV_HEADER, ...rows.map((r) => [
    r.index, r.timestampMs, r.faceFound ? 1 : 0, r.calibrating ? 1 : 0, r.score, r.rigidPx, r.rigidZ, r.earRatio,
    ...REGION_NAMES.map((n) => r.regionPx[n]), ...REGION_NAMES.map((n) => r.regionZ[n]),
  ].map(cell))]);
}

/** Reads a per-frame trace CSV back (a reopened session can be re-spotted with `detectIntervals`). */
export function parseTraceCsv(text: string): SpotTraceRow[] {
  const table = parseCsv(text);
  const header = table[0] ?? [];
  if (header.length !== TRACE_CSV_HEADER.length || header.some((h, i) => h !== TRACE_CSV_HEADER[i])) {
    throw new EventFileError(`trace CSV header must be ${TRACE_CSV_HEADER.join(',')}`);
  }
  const nRegions = REGION_NAMES.length;
  return table.slice(1).map((line, k) => {
    const where = `trace line ${k + 2}`;
    if (line.length !== header.length) throw new EventFileError(`${where}: ${line.length} fields, expected ${header.length}`);
    const n = (i: number, nullable = false): number => {
      if (nullable && line[i] === '') return Number.NaN;
      const v = Number(line[i]);
      if (line[i] === '' || !Number.isFinite(v)) throw new EventFileError(`${where}: ${header[i]} is not a number: "${line[i]}"`);
      return v;
    };
    const flag = (i: number): boolean => {
      if (line[i] !== '0' && line[i] !== '1') throw new EventFileError(`${where}: ${header[i]} must be 0 or 1, got "${line[i]}"`);
      return line[i] === '1';
    };
    const regions = (from: number): RegionValues =>
      Object.fromEntries(REGION_NAMES.map((r, j) => [r, n(from + j)])) as RegionValues;
    return {
      index: n(0), timestampMs: n(1), faceFound: flag(2), calibrating: flag(3), score: n(4), rigidPx: n(5), rigidZ: n(6),
      earRatio: n(7, true), regionPx: regions(8), regionZ: regions(8 + nRegions),
    };
  });
}
