import { describe, expect, it } from 'vitest';
import { eventsToJson } from '../spotting/event-export';
import { syntheticSession } from './__fixtures__/synthetic-session';
import { base64ToBytes, bytesToBase64, FLOW_SCALE, parseSessionJson, SessionFileError, sessionToJson } from './session-file';

const session = syntheticSession();
const text = sessionToJson(session);

/** The file as an object, edited by `edit`, back to text. */
function edited(edit: (doc: Record<string, any>) => void): string {
  const doc = JSON.parse(text);
  edit(doc);
  return JSON.stringify(doc);
}

/** Differing elements (a plain loop: deep equality on 16k-element arrays is slow). */
function mismatches(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.max(a.length, b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

function errorOf(t: string): string {
  try {
    parseSessionJson(t);
  } catch (e) {
    expect(e).toBeInstanceOf(SessionFileError);
    return (e as Error).message;
  }
  throw new Error('parsed without an error');
}

describe('session file', { timeout: 30_000 }, () => {
  it('base64 round-trips bytes across chunk boundaries', () => {
    const b = new Uint8Array(70_000).map((_, i) => (i * 31) & 255);
    expect(mismatches(base64ToBytes(bytesToBase64(b), 'x'), b)).toBe(0);
  });

  it('round-trips events, trace, model, classes and every recorded frame', () => {
    const back = parseSessionJson(text);
    expect(back.createdAt).toBe(session.createdAt);
    expect(back.model).toEqual(session.model);
    expect(back.classes).toEqual(session.classes);
    expect(back.events).toEqual(session.events);
    expect(back.trace).toEqual(session.trace);
    expect(back.clips).toHaveLength(1);
    const [a, b] = [session.clips[0], back.clips[0]];
    expect(b.eventId).toBe(a.eventId);
    expect(b.frames.map((f) => f.index)).toEqual(a.frames.map((f) => f.index));
    b.frames.forEach((f, i) => {
      const g = a.frames[i];
      expect(f.timestampMs).toBe(g.timestampMs);
      expect(mismatches(f.crop, g.crop)).toBe(0);
      expect(f.molLandmarks).toEqual(g.molLandmarks!.map(([u, v]) => [Math.round(u * 1e4) / 1e4, Math.round(v * 1e4) / 1e4]));
      expect(f.flow === null).toBe(g.flow === null);
      if (f.flow && g.flow) {
        let worst = 0;
        for (let j = 0; j < f.flow.length; j++) worst = Math.max(worst, Math.abs(f.flow[j] - g.flow[j]));
        expect(worst).toBeLessThanOrEqual(0.5 / FLOW_SCALE + 1e-7);
      }
    });
  });

  it('stores the events exactly as the events JSON does', () => {
    expect(JSON.parse(text).events).toEqual(JSON.parse(eventsToJson(session.events, session.classes)).events);
  });

  it('names what is wrong in a malformed file', () => {
    expect(errorOf('{"format": ')).toMatch(/not JSON/);
    expect(errorOf('[]')).toMatch(/^session: expected an object/);
    expect(errorOf(eventsToJson(session.events, session.classes))).toMatch(/this is an events file/);
    expect(errorOf(edited((d) => { d.version = 2; }))).toMatch(/session.version: this app reads version 1, got 2/);
    expect(errorOf(edited((d) => { d.createdAt = 'yesterday'; }))).toMatch(/session.createdAt/);
    expect(errorOf(edited((d) => { d.model = { id: 3 }; }))).toMatch(/session.model/);
    expect(errorOf(edited((d) => { d.events[0].onsetFrame = 'x'; }))).toMatch(/session.events: events\[0\].onsetFrame/);
    expect(errorOf(edited((d) => { d.traceCsv = 'a,b\r\n1,2\r\n'; }))).toMatch(/session.traceCsv: trace CSV header/);
    expect(errorOf(edited((d) => { d.clips[0].eventId = 'ev-99'; }))).toMatch(/clips\[0\].eventId: "ev-99" is not the id of an event/);
    expect(errorOf(edited((d) => { d.clips[0].cropSize = 64; }))).toMatch(/clips\[0\].cropSize: expected 128/);
    expect(errorOf(edited((d) => { d.clips[0].crops = d.clips[0].crops.slice(0, 400); }))).toMatch(/clips\[0\].crops: 300 bytes, expected 19 frames/);
    expect(errorOf(edited((d) => { d.clips[0].crops = '!!not base64!!'; }))).toMatch(/clips\[0\].crops: not valid base64/);
    expect(errorOf(edited((d) => { d.clips[0].flow = ''; }))).toMatch(/clips\[0\].flow: 0 bytes, expected 19 flow fields/);
    expect(errorOf(edited((d) => { d.clips[0].frames[3].index = 1; }))).toMatch(/clips\[0\].frames\[3\].index: 1 does not follow/);
    expect(errorOf(edited((d) => { d.clips[0].frames[2].landmarks = [[1, 2]]; }))).toMatch(/clips\[0\].frames\[2\].landmarks: expected 68 points/);
    expect(errorOf(edited((d) => { d.clips.push(d.clips[0]); }))).toMatch(/two clips for event ev-12/);
  });
});
