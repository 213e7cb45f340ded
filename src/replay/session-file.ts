/**
 * The session file: one JSON document that reopens a recorded session (events, trace, model identity and the
 * frames recorded around each event, for replay). Format "me-analyzer-session", version 1:
 *
 *   { format: "me-analyzer-session", version: 1, createdAt: ISO string,
 *     model: { id, trained } | null, classes: string[] | null,
 *     events: EventRecord[]            // exactly the `events` of the me-analyzer-events v1 JSON
 *     traceCsv: string,                 // the per-frame trace CSV (traceToCsv)
 *     clips: [{ eventId, cropSize: 128,
 *               frames: [{ index, timestampMs, flow: bool, molLandmarks: [[u,v] x 68] | null, landmarks: ... | null }],
 *               crops: base64(frames x 128 x 128 uint8, row-major),
 *               flow: base64(int16 little-endian, value = px x 256, [128,128,2] u/v for each frame whose flow is true) }] }
 *
 * Flow is stored to 1/256 px (|flow| < 128 px; larger values are clamped), which halves the file against float32.
 * Every malformed part is reported as a SessionFileError naming its path (e.g. `clips[0].crops`).
 */
import { EventFileError, EVENTS_FORMAT, EVENTS_VERSION, eventsToJson, parseEventsJson, parseTraceCsv, traceToCsv } from '../spotting/event-export';
import type { Point } from '../pipeline/types';
import { CROP_SIZE, type ReplayClip, type ReplayFrame, type SessionData } from './types';

export const SESSION_FORMAT = 'me-analyzer-session';
export const SESSION_VERSION = 1;
export const FLOW_SCALE = 256;

export class SessionFileError extends Error {
  override readonly name = 'SessionFileError';
}

const PIXELS = CROP_SIZE * CROP_SIZE;

// ---- base64 ------------------------------------------------------------------------------------------------

export function bytesToBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function base64ToBytes(text: string, where: string): Uint8Array {
  let s: string;
  try {
    s = atob(text);
  } catch {
    throw new SessionFileError(`${where}: not valid base64`);
  }
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

// ---- writing -----------------------------------------------------------------------------------------------

function quantiseFlows(flows: Float32Array[]): Uint8Array {
  const out = new Uint8Array(flows.length * PIXELS * 2 * 2);
  const view = new DataView(out.buffer);
  let o = 0;
  for (const f of flows) {
    for (let i = 0; i < f.length; i++, o += 2) view.setInt16(o, Math.max(-32768, Math.min(32767, Math.round(f[i] * FLOW_SCALE))), true);
  }
  return out;
}

const roundPts = (pts: readonly Point[] | null) => pts?.map((p) => [Math.round(p[0] * 1e4) / 1e4, Math.round(p[1] * 1e4) / 1e4]) ?? null;

function clipToJson(c: ReplayClip): unknown {
  const crops = new Uint8Array(c.frames.length * PIXELS);
  c.frames.forEach((f, i) => crops.set(f.crop, i * PIXELS));
  return {
    eventId: c.eventId,
    cropSize: CROP_SIZE,
    frames: c.frames.map((f) => ({ index: f.index, timestampMs: f.timestampMs, flow: f.flow !== null, molLandmarks: roundPts(f.molLandmarks), landmarks: roundPts(f.landmarks) })),
    crops: bytesToBase64(crops),
    flow: bytesToBase64(quantiseFlows(c.frames.flatMap((f) => (f.flow ? [f.flow] : [])))),
  };
}

export function sessionToJson(s: SessionData): string {
  // events go through the events exporter so both files agree (non-finite numbers become null)
  const events = (JSON.parse(eventsToJson(s.events, s.classes)) as { events: unknown[] }).events;
  return JSON.stringify({
    format: SESSION_FORMAT, version: SESSION_VERSION, createdAt: s.createdAt, model: s.model, classes: s.classes,
    events, traceCsv: traceToCsv(s.trace), clips: s.clips.map(clipToJson),
  });
}

// ---- reading -----------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

function obj(v: unknown, where: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SessionFileError(`${where}: expected an object`);
  return v as Obj;
}

function arr(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new SessionFileError(`${where}: expected an array`);
  return v;
}

function finite(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new SessionFileError(`${where}: expected a finite number, got ${JSON.stringify(v)}`);
  return v;
}

function points(v: unknown, where: string): Point[] | null {
  if (v === null) return null;
  const a = arr(v, where);
  if (a.length !== 68) throw new SessionFileError(`${where}: expected 68 points, got ${a.length}`);
  return a.map((p, i) => {
    const xy = arr(p, `${where}[${i}]`);
    if (xy.length !== 2) throw new SessionFileError(`${where}[${i}]: expected [u, v]`);
    return [finite(xy[0], `${where}[${i}][0]`), finite(xy[1], `${where}[${i}][1]`)] as const;
  });
}

function parseClip(v: unknown, where: string, eventIds: Set<string>): ReplayClip {
  const o = obj(v, where);
  if (typeof o.eventId !== 'string' || !eventIds.has(o.eventId)) throw new SessionFileError(`${where}.eventId: ${JSON.stringify(o.eventId)} is not the id of an event in this session`);
  if (o.cropSize !== CROP_SIZE) throw new SessionFileError(`${where}.cropSize: expected ${CROP_SIZE}, got ${JSON.stringify(o.cropSize)}`);
  const frameMeta = arr(o.frames, `${where}.frames`).map((f, i) => {
    const w = `${where}.frames[${i}]`;
    const fo = obj(f, w);
    const index = finite(fo.index, `${w}.index`);
    if (!Number.isInteger(index) || index < 0) throw new SessionFileError(`${w}.index: expected an integer >= 0, got ${index}`);
    if (typeof fo.flow !== 'boolean') throw new SessionFileError(`${w}.flow: expected true or false`);
    return { index, timestampMs: finite(fo.timestampMs, `${w}.timestampMs`), hasFlow: fo.flow, molLandmarks: points(fo.molLandmarks, `${w}.molLandmarks`), landmarks: points(fo.landmarks, `${w}.landmarks`) };
  });
  if (frameMeta.length === 0) throw new SessionFileError(`${where}.frames: a clip needs at least one frame`);
  frameMeta.forEach((f, i) => {
    if (i > 0 && f.index <= frameMeta[i - 1].index) throw new SessionFileError(`${where}.frames[${i}].index: ${f.index} does not follow ${frameMeta[i - 1].index}`);
  });
  if (typeof o.crops !== 'string') throw new SessionFileError(`${where}.crops: expected a base64 string`);
  if (typeof o.flow !== 'string') throw new SessionFileError(`${where}.flow: expected a base64 string`);
  const crops = base64ToBytes(o.crops, `${where}.crops`);
  if (crops.length !== frameMeta.length * PIXELS) {
    throw new SessionFileError(`${where}.crops: ${crops.length} bytes, expected ${frameMeta.length} frames x ${PIXELS} = ${frameMeta.length * PIXELS}`);
  }
  const flowBytes = base64ToBytes(o.flow, `${where}.flow`);
  const nFlow = frameMeta.filter((f) => f.hasFlow).length;
  if (flowBytes.length !== nFlow * PIXELS * 4) {
    throw new SessionFileError(`${where}.flow: ${flowBytes.length} bytes, expected ${nFlow} flow fields x ${PIXELS * 4} = ${nFlow * PIXELS * 4}`);
  }
  const view = new DataView(flowBytes.buffer, flowBytes.byteOffset, flowBytes.byteLength);
  let k = 0;
  const frames: ReplayFrame[] = frameMeta.map((m, i) => {
    let flow: Float32Array | null = null;
    if (m.hasFlow) {
      flow = new Float32Array(PIXELS * 2);
      const base = k * PIXELS * 4;
      for (let j = 0; j < flow.length; j++) flow[j] = view.getInt16(base + 2 * j, true) / FLOW_SCALE;
      k++;
    }
    return { index: m.index, timestampMs: m.timestampMs, crop: crops.slice(i * PIXELS, (i + 1) * PIXELS), flow, molLandmarks: m.molLandmarks, landmarks: m.landmarks };
  });
  return { eventId: o.eventId, frames };
}

/** Reads a session file; throws SessionFileError naming the first malformed part. */
export function parseSessionJson(text: string): SessionData {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new SessionFileError(`not a session file: not JSON (${(e as Error).message})`);
  }
  const o = obj(raw, 'session');
  if (o.format !== SESSION_FORMAT) {
    const hint = o.format === EVENTS_FORMAT ? ' (this is an events file: it has no recorded frames to replay)' : '';
    throw new SessionFileError(`session.format: expected "${SESSION_FORMAT}", got ${JSON.stringify(o.format)}${hint}`);
  }
  if (o.version !== SESSION_VERSION) throw new SessionFileError(`session.version: this app reads version ${SESSION_VERSION}, got ${JSON.stringify(o.version)}`);
  if (typeof o.createdAt !== 'string' || Number.isNaN(Date.parse(o.createdAt))) throw new SessionFileError(`session.createdAt: expected an ISO date string, got ${JSON.stringify(o.createdAt)}`);
  let model: SessionData['model'] = null;
  if (o.model !== null) {
    const m = obj(o.model, 'session.model');
    if (typeof m.id !== 'string' || typeof m.trained !== 'boolean') throw new SessionFileError('session.model: expected { id: string, trained: boolean } or null');
    model = { id: m.id, trained: m.trained };
  }
  let eventsDoc;
  try {
    eventsDoc = parseEventsJson(JSON.stringify({ format: EVENTS_FORMAT, version: EVENTS_VERSION, classes: o.classes ?? null, events: o.events }));
  } catch (e) {
    if (e instanceof EventFileError) throw new SessionFileError(`session.events: ${e.message}`);
    throw e;
  }
  if (typeof o.traceCsv !== 'string') throw new SessionFileError('session.traceCsv: expected the trace CSV as a string');
  let trace;
  try {
    trace = o.traceCsv === '' ? [] : parseTraceCsv(o.traceCsv);
  } catch (e) {
    if (e instanceof Error && (e.name === 'EventFileError' || e.name === 'CsvParseError')) throw new SessionFileError(`session.traceCsv: ${e.message}`);
    throw e;
  }
  const ids = new Set(eventsDoc.events.map((e) => e.id));
  const clips = arr(o.clips, 'session.clips').map((c, i) => parseClip(c, `clips[${i}]`, ids));
  const seen = new Set<string>();
  for (const c of clips) {
    if (seen.has(c.eventId)) throw new SessionFileError(`session.clips: two clips for event ${c.eventId}`);
    seen.add(c.eventId);
  }
  return { createdAt: o.createdAt, model, classes: eventsDoc.classes, events: eventsDoc.events, trace, clips };
}
