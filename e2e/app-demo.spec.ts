/**
 * The bundled demo clip (public/demo/demo-planted.webm, planted expressions on the cap* man) plays in the
 * built app, the face is tracked, and its ground truth (demo-planted.truth.json, served and precached beside
 * it) describes this very clip: same frame size, and the app's alignment of a demo frame agrees with the
 * alignment the planted fields were defined in (the truth's `render.alignment`, measured on the still frame).
 */
import { expect, test } from '@playwright/test';
import { screenSnapshot, waitForFrames, watchPage, meanPoint } from './app-harness';

interface Truth {
  format: string;
  version: number;
  fps: number;
  frames: number;
  width: number;
  height: number;
  events: { kind: string; class3: string | null; onsetFrame: number; apexFrame: number; offsetFrame: number }[];
  render: { alignment: number[][] };
}

// The head sways by about 1 crop px and the tracker's landmarks jitter by about as much; a clip and truth of
// different framing or size disagree by tens of px.
const ALIGNMENT_AGREEMENT_CROP_PX = 4;

test('the demo clip plays and is tracked, and its truth file describes it', async ({ page, baseURL }) => {
  test.setTimeout(480_000); // tfjs-cpu FaceMesh on a shared CPU: seconds per frame, plus the first model load
  const watch = watchPage(page, new URL(baseURL!).origin);
  await page.goto('/?source=demo&backend=cpu');
  await expect(page.getByTestId('status-source')).toContainText('Demo clip');

  const truth = await page.evaluate(async () => (await fetch('demo/demo-planted.truth.json')).json()) as Truth;
  expect(truth).toMatchObject({ format: 'me-analyzer-truth', version: 1, fps: 25, frames: 250, width: 640, height: 480 });
  expect(truth.events.filter((e) => e.kind === 'micro').map((e) => e.class3).sort()).toEqual(['negative', 'positive', 'surprise']);
  expect(truth.events.map((e) => e.kind).sort()).toEqual(['blink', 'macro', 'micro', 'micro', 'micro']);
  for (const e of truth.events) expect(e.onsetFrame < e.apexFrame && e.apexFrame < e.offsetFrame).toBe(true);

  await waitForFrames(page, 2, { face: true, timeout: 420_000 });
  // Decoded with WebCodecs and paced here: no read-back of a <video> (demo-source.ts).
  expect(await page.evaluate(() => window.__meAnalyzer!.pixelPath())).toBe('decode');
  const snap = await screenSnapshot(page);
  expect([snap.frame.width, snap.frame.height]).toEqual([truth.width, truth.height]);
  const r = snap.result;
  expect(r.faceFound).toBe(true);
  const [a, b, tx, c, d, ty] = r.alignment!;
  const [[ta, tb, ttx], [tc, td, tty]] = truth.render.alignment;
  for (const [from, to] of [[36, 41], [42, 47], [48, 67]] as const) {
    const [x, y] = meanPoint(r.landmarks68!, from, to);
    const app = [a * x + b * y + tx, c * x + d * y + ty];
    const planted = [ta * x + tb * y + ttx, tc * x + td * y + tty];
    expect(Math.hypot(app[0] - planted[0], app[1] - planted[1])).toBeLessThan(ALIGNMENT_AGREEMENT_CROP_PX);
  }
  expect(watch.errors).toEqual([]);
  expect(watch.foreignRequests).toEqual([]);
});
