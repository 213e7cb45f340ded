/**
 * The demo clip through the fake camera, live, in the built app: Chromium's fake device plays the bundled
 * demo (public/demo/demo-planted.webm, decoded to Y4M at its own 25 fps, each frame's number stamped in a
 * corner) and the app analyses every camera frame (`?frames=all`: this machine analyses a few frames a second,
 * so it falls behind live rather than skip the 65-500 ms events). The planted micro-expressions must appear on
 * the timeline at their frames (onset within 3 frames, temporal IoU >= 0.5), the blink and the macro smile must
 * not be called micro, each micro event must carry its planted class from the shipped weights, an event's replay
 * opens, and the exported events parse and match the timeline.
 */
import { expect, test, type Download, type Page } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CHROMIUM_PATH, fakeCameraFlags, WEBGPU_FLAGS } from '../src/cli/chromium';
import type { SpottedEvent } from '../src/pipeline/types';
import { parseEventsJson } from '../src/spotting/event-export';
import { recordIdOf } from '../src/replay/event-records';
import { fixturePath, Y4M_HEIGHT } from './fixtures/fixtures';
import { readFrameStamp, stampRow } from './fixtures/frame-stamp';
import { waitForFrames, watchPage } from './app-harness';

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...WEBGPU_FLAGS, ...fakeCameraFlags(fixturePath('demo-planted-stamped.y4m'))] } });

interface TruthEvent { kind: string; class3: string | null; onsetFrame: number; apexFrame: number; offsetFrame: number }
const truth = JSON.parse(readFileSync(path.resolve('public/demo/demo-planted.truth.json'), 'utf8')) as { frames: number; fps: number; events: TruthEvent[] };
const LOOP = truth.frames;
/** The spotter's neutral calibration (2 s) must be over, with some baseline, before the first planted event. */
const CALIBRATION_FRAMES = 2 * truth.fps + 5;
const ONSET_TOLERANCE_FRAMES = 3;

/** Records, in the page, the stamp row's red values of every analysed frame, keyed by the app's index. */
async function watchStamps(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__meAnalyzer !== undefined);
  await page.evaluate((row) => {
    const log: Record<number, number[]> = {};
    (window as unknown as { __stampRows: Record<number, number[]> }).__stampRows = log;
    window.__meAnalyzer!.watchFrames(row, (index, _t, rgba) => { log[index] = Array.from(rgba.filter((_, i) => i % 4 === 0)); });
  }, stampRow(Y4M_HEIGHT));
}

/** Which clip frame each analysed frame is, keyed by the app's index, unwrapped past the clip's loop (the
 *  clip only moves forward, so a smaller stamp is the next pass). */
async function clipFrames(page: Page): Promise<Map<number, number>> {
  const rows = await page.evaluate(() => (window as unknown as { __stampRows: Record<number, number[]> }).__stampRows);
  const out = new Map<number, number>();
  let u = -1;
  for (const [index, row] of Object.entries(rows).map(([k, v]) => [Number(k), v] as const).sort((a, b) => a[0] - b[0])) {
    const c = readFrameStamp(row);
    u = u < 0 ? c : u + ((((c - u) % LOOP) + LOOP) % LOOP);
    out.set(index, u);
  }
  return out;
}

const tIoU = (a: { onsetFrame: number; offsetFrame: number }, b: { onsetFrame: number; offsetFrame: number }): number => {
  const inter = Math.min(a.offsetFrame, b.offsetFrame) - Math.max(a.onsetFrame, b.onsetFrame) + 1;
  const union = Math.max(a.offsetFrame, b.offsetFrame) - Math.min(a.onsetFrame, b.onsetFrame) + 1;
  return Math.max(0, inter) / union;
};

async function download(page: Page, testId: string): Promise<string> {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId(testId).dispatchEvent('click')]) as [Download, unknown];
  return (await readFile(await d.path())).toString('utf8');
}

test('the demo through the fake camera: every frame analysed, planted MEs on the timeline at their frames with their classes, replay, exports', async ({ page, baseURL }) => {
  test.setTimeout(900_000);
  const watch = watchPage(page, new URL(baseURL!).origin);
  await page.goto('/?source=camera&frames=all');
  await expect(page.getByTestId('camera-every-frame')).toBeChecked();

  // Which clip frame each analysed frame is: Chromium's fake device starts wherever its loop is, skips clip
  // frames while the camera opens and now and then when it runs late, so neither the frame count nor the
  // capture time says it; the stamp does.
  await watchStamps(page);
  await waitForFrames(page, 1, { face: true, timeout: 300_000 });
  let clips = await clipFrames(page);
  const [firstIndex, firstClip] = [...clips][0];
  // The first pass through the clip that starts after the spotter's calibration; truth frames unwrapped into it.
  const pass = firstClip + CALIBRATION_FRAMES <= truth.events[0].onsetFrame ? 0 : 1;
  const inClip = (f: number) => f + pass * LOOP;
  const lastSeen = () => Math.max(...clips.keys());
  /** Unwrapped clip frame of an app frame index (NaN: analysed after the stamps were read). */
  const clipOf = (index: number): number => {
    const c = clips.get(index);
    if (c !== undefined) return c;
    if (index > lastSeen()) return NaN;
    throw new Error(`app frame ${index} was analysed but not seen`);
  };

  // Every frame the camera delivered is analysed, in order, however far behind live that is.
  await expect.poll(async () => {
    clips = await clipFrames(page);
    return clipOf(lastSeen());
  }, { timeout: 600_000, intervals: [2000] }).toBeGreaterThanOrEqual(inClip(LOOP - 1));
  const indices = [...clips.keys()];
  expect(indices.at(-1)! - indices[0] + 1).toBe(indices.length); // no frame number skipped: every frame taken was analysed
  // The status bar says how far behind live the analysis is (the fake camera goes on looping meanwhile, and
  // once the backlog is full, frames arriving are dropped: those come after the ones checked here).
  const backlog = (await page.evaluate(() => window.__meAnalyzer!.state())).backlog;
  expect(backlog!.received).toBeGreaterThan(indices.at(-1)!);
  await expect(page.getByTestId('status-backlog')).toContainText('s behind live');

  // Micro events come out once MOL has classified them: wait for the last planted ME's.
  type Span = { onsetFrame: number; offsetFrame: number };
  const inPass = (t: TruthEvent): TruthEvent => ({ ...t, onsetFrame: inClip(t.onsetFrame), apexFrame: inClip(t.apexFrame), offsetFrame: inClip(t.offsetFrame) });
  const micros = truth.events.filter((e) => e.kind === 'micro').map(inPass);
  const others = truth.events.filter((e) => e.kind !== 'micro').map(inPass);
  const eventsNow = async () => (await page.evaluate(() => window.__meAnalyzer!.state().events)) as SpottedEvent[];
  /** An event's interval in clip frames (from its capture times). */
  const clipSpan = (e: SpottedEvent): Span => ({ onsetFrame: clipOf(e.onsetFrame), offsetFrame: clipOf(e.offsetFrame) });
  await expect.poll(async () => (clips = await clipFrames(page)) && (await eventsNow()).filter((e) => e.kind === 'micro' && clipSpan(e).onsetFrame >= micros.at(-1)!.onsetFrame - 10).length,
    { timeout: 300_000, intervals: [2000] }).toBeGreaterThan(0);
  clips = await clipFrames(page);
  const events = (await eventsNow()).filter((e) => { const c = clipSpan(e); return c.offsetFrame >= inClip(0) && c.onsetFrame <= inClip(LOOP - 1); });
  const report = micros.map((t) => {
    const e = events.find((x) => x.kind === 'micro' && tIoU(clipSpan(x), t) >= 0.5 && Math.abs(clipSpan(x).onsetFrame - t.onsetFrame) <= ONSET_TOLERANCE_FRAMES);
    const c = e && clipSpan(e);
    return { truth: `${t.class3} ${t.onsetFrame}-${t.offsetFrame}`, class3: t.class3, found: c ? `${c.onsetFrame}-${c.offsetFrame}` : null, label: e?.label ?? null, p: e?.probabilities ?? null };
  });
  test.info().annotations.push({ type: 'planted MEs', description: JSON.stringify(report) });
  // The spotter's per-frame trace and the events, kept with the test's results (to see why an ME was missed).
  mkdirSync(test.info().outputDir, { recursive: true });
  writeFileSync(test.info().outputPath('trace.csv'), await download(page, 'export-trace-csv'));
  writeFileSync(test.info().outputPath('events.json'), JSON.stringify({ clipFrames: Object.fromEntries(clips), events }, null, 1));
  console.log(`live demo (app frame ${firstIndex} = clip frame ${firstClip}, pass ${pass}):`, JSON.stringify(report),
    JSON.stringify(events.map((e) => [e.kind, clipSpan(e).onsetFrame, clipSpan(e).offsetFrame, e.label])));

  // Every planted ME found at its frames; no other micro event in the pass; the blink and the smile not micro.
  expect(report.filter((r) => r.found === null)).toEqual([]);
  expect(events.filter((e) => e.kind === 'micro').length).toBe(micros.length);
  for (const o of others) expect(events.filter((e) => e.kind === 'micro' && tIoU(clipSpan(e), o) > 0)).toEqual([]);
  // Each is classified by MOL as planted, with probabilities summing to 1.
  for (const r of report) {
    expect(r.label, `class of the planted ${r.truth}`).toBe(r.class3);
    expect(Object.values(r.p!).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  }

  // The replay of a spotted event opens.
  const firstMicro = events.find((e) => e.kind === 'micro')!;
  await page.locator(`[data-testid="event-item"][data-event-id="${firstMicro.id}"]`).dispatchEvent('click');
  await expect(page.getByTestId('replay')).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });

  // The exported events parse and are the timeline's.
  const doc = parseEventsJson(await download(page, 'export-events-json'));
  const exported = new Map(doc.events.map((e) => [e.id, e]));
  for (const e of events) {
    expect(exported.get(recordIdOf(e))).toMatchObject({ kind: e.kind, onsetFrame: e.onsetFrame, apexFrame: e.apexFrame, offsetFrame: e.offsetFrame, label: e.label });
  }

  expect(watch.errors).toEqual([]);
  expect(watch.foreignRequests).toEqual([]);
});
