/**
 * Replay and export on the built app, from a session file made here from synthetic crops with one planted
 * micro event (src/replay/__fixtures__/synthetic-session.ts): no tracking runs (the camera is denied, so the
 * CPU stays free). Opens the session, replays the event at 1/8 speed beside the magnified view (its pixels
 * equal the magnification computed here), exports events JSON/CSV, the trace CSV, the session file and a WebM
 * of the replay, and checks every downloaded file parses and matches the session.
 */
import { expect, test, type Download, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { CHROMIUM_PATH, WEBGPU_FLAGS } from '../src/cli/chromium';
import { demuxWebm } from '../src/ingest/webm-demux';
import { syntheticSession } from '../src/replay/__fixtures__/synthetic-session';
import { accumulateFlow, magnifyFrame } from '../src/replay/magnify';
import { CAPTION, LEFT_X, PANEL_SCALE, REPLAY_CANVAS_HEIGHT, REPLAY_CANVAS_WIDTH, RIGHT_X } from '../src/replay/replay-canvas';
import { parseSessionJson, sessionToJson } from '../src/replay/session-file';
import { CROP_SIZE } from '../src/replay/types';
import { parseCsv } from '../src/spotting/csv';
import { eventsCsvHeader, parseEventsJson, parseTraceCsv } from '../src/spotting/event-export';
import { waitForFrames, watchPage } from './app-harness';

// A fake camera without the auto-accepting permission UI: the camera is denied and nothing is analysed.
test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...WEBGPU_FLAGS, '--use-fake-device-for-media-stream'] } });

const session = syntheticSession();
const sessionText = sessionToJson(session);
// what the page holds after reading the file (flow is stored to 1/256 px)
const reopened = parseSessionJson(sessionText);
const ev = session.events[0];
const FRAME_MS = 1000 / 30;

/**
 * Clicks an export button and reads the downloaded file. `dispatch`: send the click event straight to the
 * button (while the demo is analysed the side panel's layout changes every frame, so a pointer click can wait
 * long for the button to hold still, and the page answers seconds late).
 */
async function download(page: Page, testId: string, timeout = 30_000, dispatch = false): Promise<{ name: string; bytes: Buffer }> {
  const button = page.getByTestId(testId);
  const [d] = await Promise.all([page.waitForEvent('download', { timeout }), dispatch ? button.dispatchEvent('click') : button.click()]) as [Download, unknown];
  const path = await d.path();
  return { name: d.suggestedFilename(), bytes: await readFile(path) };
}

/** The grey crop shown in a panel of the replay canvas (each crop pixel is a 2x2 block; its top-left is read). */
async function panelPixels(page: Page, x0: number): Promise<number[]> {
  return page.evaluate(({ x0, caption, scale, size }) => {
    const c = document.querySelector<HTMLCanvasElement>('[data-testid="replay-canvas"]')!;
    const data = c.getContext('2d')!.getImageData(x0, caption, size * scale, size * scale).data;
    const out: number[] = [];
    for (let v = 0; v < size; v++) for (let u = 0; u < size; u++) out.push(data[(v * scale * size * scale + u * scale) * 4]);
    return out;
  }, { x0, caption: CAPTION, scale: PANEL_SCALE, size: CROP_SIZE });
}

test('reopens a session, replays its event slowed beside the magnified view, exports files that parse', async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  const watch = watchPage(page, new URL(baseURL!).origin);
  await page.goto('/?source=camera&backend=cpu&weights=none');
  await expect(page.getByTestId('problem')).toHaveAttribute('data-code', 'camera-permission-denied');

  // a malformed file is refused, saying what is wrong
  await page.getByTestId('session-file-input').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"me-analyzer-session","version":7}') });
  await expect(page.getByTestId('session-error')).toContainText('broken.json: session.version: this app reads version 1, got 7');

  await page.getByTestId('session-file-input').setInputFiles({ name: 'planted.mesession.json', mimeType: 'application/json', buffer: Buffer.from(sessionText) });
  await expect(page.getByTestId('reviewing')).toContainText('planted.mesession.json: 1 event, 1 with recorded frames');
  await expect(page.getByTestId('session-error')).toHaveCount(0);
  // the file's event is on the timeline too, drawn on the session's own time axis (its recorded trace):
  // clicking it there opens the replay
  await expect(page.getByTestId('review-event')).toHaveCount(1);
  const plotHost = page.getByTestId('timeline-plot');
  await expect(plotHost).toHaveAttribute('data-mode', 'review');
  const [shownFrom, shownTo] = (await plotHost.getAttribute('data-range'))!.split('-').map(Number);
  const traceS = session.trace.map((r) => r.timestampMs / 1000);
  expect(shownFrom).toBeCloseTo(Math.min(...traceS), 1);
  expect(shownTo).toBeGreaterThanOrEqual(Math.max(...traceS, ev.offsetMs / 1000) - 0.01);
  expect(shownFrom).toBeLessThanOrEqual(ev.onsetMs / 1000);
  await page.getByTestId('timeline').getByTestId('event-item').click();

  const replay = page.getByTestId('replay');
  await expect(replay).toHaveAttribute('data-state', 'ready');
  await expect(replay).toHaveAttribute('data-speed', '8');
  await expect(replay).toHaveAttribute('data-playing', 'true');
  await expect(page.getByTestId('replay-canvas')).toHaveJSProperty('width', REPLAY_CANVAS_WIDTH);

  // 1/8 speed: frames advance, never faster than 8 x their recorded 33 ms (timers never fire early)
  const changes = await page.evaluate(async () => {
    const el = document.querySelector('[data-testid="replay"]')!;
    const seen: number[] = [];
    const obs = new MutationObserver(() => seen.push(performance.now()));
    obs.observe(el, { attributes: true, attributeFilter: ['data-frame'] });
    await new Promise((r) => setTimeout(r, 3000));
    obs.disconnect();
    return seen;
  });
  expect(changes.length).toBeGreaterThanOrEqual(3);
  const gaps = changes.slice(1).map((t, i) => t - changes[i]);
  expect(Math.min(...gaps)).toBeGreaterThan(0.9 * 8 * FRAME_MS);

  // the speed selector offers 1/4..1/16
  await page.getByTestId('replay-speed').selectOption('16');
  await expect(replay).toHaveAttribute('data-speed', '16');
  await page.getByTestId('replay-speed').selectOption('8');

  // jump to the apex, overlays off: the left panel is the recorded crop, the right one its magnification x10
  await page.getByLabel('flow', { exact: true }).uncheck();
  await page.getByLabel('landmarks', { exact: true }).uncheck();
  await page.getByTestId('replay-mark-apex').click();
  await expect(replay).toHaveAttribute('data-playing', 'false');
  await expect(replay).toHaveAttribute('data-frame', String(ev.apexFrame));
  await expect(replay).toHaveAttribute('data-alpha', '10');
  await expect(page.getByTestId('replay-counter')).toContainText(`frame ${ev.apexFrame}`);
  await expect(page.getByTestId('replay-counter')).toContainText('apex');
  const frames = reopened.clips[0].frames;
  const onsetPos = frames.findIndex((f) => f.index === ev.onsetFrame);
  const apexPos = frames.findIndex((f) => f.index === ev.apexFrame);
  const disp = accumulateFlow(frames.slice(onsetPos, apexPos + 1).map((f) => f.flow), CROP_SIZE, CROP_SIZE);
  const expected = magnifyFrame(frames[apexPos].crop, disp[disp.length - 1], CROP_SIZE, CROP_SIZE, 10);
  const [left, right] = [await panelPixels(page, LEFT_X), await panelPixels(page, RIGHT_X)];
  const diff = (a: ArrayLike<number>, b: ArrayLike<number>) => { let n = 0; for (let i = 0; i < a.length; i++) n = Math.max(n, Math.abs(a[i] - b[i])); return n; };
  expect(diff(left, frames[apexPos].crop)).toBe(0);
  expect(diff(right, expected)).toBeLessThanOrEqual(1);
  expect(diff(right, left)).toBeGreaterThan(40); // the mouth corners visibly moved further

  // exports: every file parses and matches the session
  const json = await download(page, 'export-events-json');
  expect(json.name).toMatch(/^me-session-2026-11-22T00-00-00-events\.json$/);
  const doc = parseEventsJson(json.bytes.toString('utf8'));
  expect(doc.classes).toEqual(session.classes);
  expect(doc.events).toEqual(session.events);

  const csv = parseCsv((await download(page, 'export-events-csv')).bytes.toString('utf8'));
  expect(csv[0]).toEqual(eventsCsvHeader(session.classes));
  expect(csv).toHaveLength(2);
  const row = Object.fromEntries(csv[0].map((h, i) => [h, csv[1][i]]));
  expect(row).toMatchObject({ id: ev.id, kind: 'micro', onset_frame: '12', apex_frame: '17', offset_frame: '22', label: 'positive', p_positive: '0.7' });
  expect(Number(row.duration_ms)).toBeCloseTo(ev.durationMs, 6);

  const trace = parseTraceCsv((await download(page, 'export-trace-csv', 90_000, true)).bytes.toString('utf8'));
  expect(trace).toEqual(session.trace);

  const again = parseSessionJson((await download(page, 'export-session')).bytes.toString('utf8'));
  expect(again.events).toEqual(session.events);
  expect(again.clips[0].frames.map((f) => f.index)).toEqual(frames.map((f) => f.index));

  // the WebM of the replay: one pass over the clip at 1/8 speed (19 frames x 267 ms)
  const webm = await download(page, 'replay-webm', 60_000);
  expect(webm.name).toBe(`me-session-2026-11-22T00-00-00-ev-${ev.onsetFrame}-x10-slow8.webm`);
  expect([...webm.bytes.subarray(0, 4)]).toEqual([0x1a, 0x45, 0xdf, 0xa3]); // EBML header
  const video = demuxWebm(new Uint8Array(webm.bytes));
  expect(['V_VP8', 'V_VP9']).toContain(video.track.codecId);
  expect([video.track.width, video.track.height]).toEqual([REPLAY_CANVAS_WIDTH, REPLAY_CANVAS_HEIGHT]);
  expect(video.frames.length).toBeGreaterThanOrEqual(frames.length - 2);
  // and it lasts the slowed clip: every frame was held ~8 x 33 ms (frame 0 may be offered a few times while the
  // recorder starts, so the count alone could hide lost frames)
  const lastMs = video.frames[video.frames.length - 1].timestampUs / 1000 - video.frames[0].timestampUs / 1000;
  console.log(`replay WebM: ${video.track.codecId}, ${video.frames.length} frames over ${lastMs.toFixed(0)} ms, ${webm.bytes.length} bytes`);
  expect(lastMs).toBeGreaterThan(0.9 * (frames.length - 1) * 8 * FRAME_MS);
  await expect(page.getByTestId('replay-export-status')).toContainText(`Saved a WebM (${frames.length} frames`);

  // back to live: the review ends
  await page.getByTestId('close-review').click();
  await expect(page.getByTestId('reviewing')).toHaveCount(0);
  await expect(plotHost).toHaveAttribute('data-mode', 'live');
  await expect(replay).toHaveCount(0);

  expect(watch.errors).toEqual([]);
  expect(watch.foreignRequests).toEqual([]);
});

test('the live session records while the demo runs: its trace and session file export and parse', async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  const watch = watchPage(page, new URL(baseURL!).origin);
  await page.goto('/?source=demo&backend=cpu&weights=none');
  await waitForFrames(page, 4, { face: true });
  const trace = parseTraceCsv((await download(page, 'export-trace-csv', 90_000, true)).bytes.toString('utf8'));
  const processed = await page.evaluate(() => window.__meAnalyzer!.framesProcessed());
  // one row per analysed frame so far (the demo keeps running between the two reads)
  expect(trace.length).toBeGreaterThanOrEqual(4);
  expect(trace.length).toBeLessThanOrEqual(processed);
  trace.forEach((r, i) => { if (i > 0) expect(r.index).toBeGreaterThan(trace[i - 1].index); });
  expect(trace.some((r) => r.faceFound)).toBe(true);
  const live = parseSessionJson((await download(page, 'export-session', 90_000, true)).bytes.toString('utf8'));
  expect(live.trace.length).toBeGreaterThanOrEqual(trace.length);
  expect(live.model).toBeNull(); // ?weights=none: tracking and landmark spotting only
  expect(watch.errors).toEqual([]);
  expect(watch.foreignRequests).toEqual([]);
});
