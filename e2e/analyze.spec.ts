/**
 * `npm run analyze` end to end: the real command (headless Chromium, WebGPU adapter on SwiftShader, the app's
 * pipeline) over a short real-face clip, checking frames.jsonl and crops.u8 against what the clip is known to
 * contain; plus its error paths.
 */
import { test, expect } from '@playwright/test';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixturePath } from './fixtures/fixtures';
import type { FrameRecord } from '../src/cli/analyze/frame-record';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// 4 frames from 1.33 s into the clip, where the head is 14% larger and shifted (20, 26) px from the still pose:
// few frames because tfjs-webgpu on SwiftShader takes seconds per FaceMesh call.
const START = 40;
const FRAMES = 4;
const CROP_BYTES = 128 * 128;

function runAnalyze(args: string[], timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'src/cli/analyze.ts', ...args], { cwd: REPO, timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Frames start..start+n-1 of a Y4M fixture, as a new Y4M file (every frame line is "FRAME\n"). */
function y4mSlice(src: string, start: number, n: number, dst: string): void {
  const fd = openSync(src, 'r');
  const head = Buffer.alloc(4096);
  readSync(fd, head, 0, 4096, 0);
  const headerLen = head.indexOf(0x0a) + 1;
  const m = /W(\d+) H(\d+)/.exec(head.subarray(0, headerLen).toString('latin1'));
  if (!m) throw new Error(`${src}: no Y4M size`);
  const frameLen = 6 + Number(m[1]) * Number(m[2]) * 1.5;
  const out = Buffer.alloc(headerLen + n * frameLen);
  head.copy(out, 0, 0, headerLen);
  const got = readSync(fd, out, headerLen, n * frameLen, headerLen + start * frameLen);
  if (got !== n * frameLen) throw new Error(`${src}: fewer than ${start + n} frames`);
  closeSync(fd);
  writeFileSync(dst, out);
}

/** Where the astronaut's face is in frame i of astronaut-moving.y4m (from its ffmpeg recipe in fixtures.ts). */
function expectedFaceBox(i: number): [number, number, number, number] {
  const t = i / 30;
  const side = 360 + 60 * Math.sin((2 * Math.PI * t) / 4);
  const x0 = (640 - side) / 2 + 60 * Math.sin((2 * Math.PI * t) / 3);
  const y0 = (480 - side) / 2 + 30 * Math.sin((2 * Math.PI * t) / 4);
  const k = side / 360;
  // the face spans x 119..212, y 68..178 of the 360x360 head crop (astronaut.png x 179..272, y 68..178)
  return [x0 + 119 * k, y0 + 68 * k, 93 * k, 110 * k];
}

// MOL alignment puts the eye centres at x = 63.5 -/+ 143/5 when the eyes span the 5-point box (they do for this
// frontal face); their height depends on the face's proportions: 38.7 px for the astronaut (measured on the
// static astronaut-still.y4m clip, frames 30-89).
const CANONICAL_EYES: [number, number][] = [[63.5 - 143 / 5, 38.7], [63.5 + 143 / 5, 38.7]];

test.describe('npm run analyze', () => {
  test.setTimeout(600_000);

  test('tracks and aligns every frame of a moving real face (WebGPU backend)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'analyze-e2e-'));
    const clip = path.join(dir, 'astronaut-moving-head.y4m');
    y4mSlice(fixturePath('astronaut-moving.y4m'), START, FRAMES, clip);
    const out = path.join(dir, 'out');
    const run = await runAnalyze([clip, '--out', out, '--crops'], 540_000);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/backend webgpu/);
    expect(run.stdout).toMatch(/mesh on wasm,/);

    const recs = readFileSync(path.join(out, 'frames.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as FrameRecord);
    expect(recs.map((r) => r.index)).toEqual([...Array(FRAMES).keys()]);
    for (const [i, r] of recs.entries()) {
      expect(r.timestampMs).toBeCloseTo((i * 1000) / 30, 2);
      expect(r.faceFound).toBe(true);
      expect(r.faceCount).toBe(1);
      expect(r.points478).toHaveLength(478);
      expect(r.landmarks68).toHaveLength(68);
      expect(r.windowFill).toBe(Math.min(i + 1, 8));
      for (const stage of ['read', 'landmarks', 'align']) expect(r.timings[stage]).toBeGreaterThan(0);

      // landmarks lie on the face where the clip put it (box enlarged by 12% for the jaw/brow extent)
      const [bx, by, bw, bh] = expectedFaceBox(START + i);
      for (const [x, y] of r.landmarks68!) {
        expect(x).toBeGreaterThan(bx - 0.12 * bw);
        expect(x).toBeLessThan(bx + 1.12 * bw);
        expect(y).toBeGreaterThan(by - 0.12 * bh);
        expect(y).toBeLessThan(by + 1.12 * bh);
      }

      // the aligned crop has the eyes at their canonical positions, despite the head moving and scaling
      const eye = (a: number): [number, number] => {
        const p = r.landmarks68Crop!.slice(a, a + 6);
        return [p.reduce((s, q) => s + q[0], 0) / 6, p.reduce((s, q) => s + q[1], 0) / 6];
      };
      for (const [k, e] of [eye(36), eye(42)].entries()) {
        expect(Math.abs(e[0] - CANONICAL_EYES[k][0]), `frame ${i} eye ${k} x ${e[0]}`).toBeLessThanOrEqual(2);
        expect(Math.abs(e[1] - CANONICAL_EYES[k][1]), `frame ${i} eye ${k} y ${e[1]}`).toBeLessThanOrEqual(2);
      }
    }

    // crops.u8: one 128x128 crop per frame; the pixels are a face: the eyes are darker than the cheeks below them
    const crops = readFileSync(path.join(out, 'crops.u8'));
    expect(crops.length).toBe(FRAMES * CROP_BYTES);
    const patch = (f: number, cx: number, cy: number): number => {
      let s = 0;
      for (let y = cy - 3; y <= cy + 3; y++) for (let x = cx - 3; x <= cx + 3; x++) s += crops[f * CROP_BYTES + y * 128 + x];
      return s / 49;
    };
    for (let f = 0; f < FRAMES; f++) {
      for (const [ex, ey] of CANONICAL_EYES) {
        expect(patch(f, Math.round(ex), Math.round(ey))).toBeLessThan(patch(f, Math.round(ex), Math.round(ey) + 28) - 25);
      }
    }
  });

  // 12 frames of the real cap12 clip re-encoded by Debian ffmpeg: VP8 with a key frame every 5 frames, and
  // H.264 with B-frames (decode order != presentation order)
  const encodings = {
    webm: ['-c:v', 'libvpx', '-b:v', '500k', '-g', '5'],
    mp4: ['-c:v', 'libx264', '-bf', '2', '-g', '5', '-pix_fmt', 'yuv420p'],
  };
  for (const [ext, codecArgs] of Object.entries(encodings)) {
    test(`decodes every frame of a ${ext.toUpperCase()} in order (WebCodecs), none skipped`, async () => {
      const dir = mkdtempSync(path.join(tmpdir(), `analyze-${ext}-`));
      const clip = path.join(dir, `cap12-12frames.${ext}`);
      execFileSync('ffmpeg', ['-v', 'error', '-y', '-ss', '3', '-i', fixturePath('cap12_edit.webm'), '-frames:v', '12', '-an', ...codecArgs, clip]);
      const out = path.join(dir, 'out');
      // --no-model: this test is about decoding; MOL and spotting are covered by analyze-model.spec.ts
      const run = await runAnalyze([clip, '--out', out, '--backend', 'cpu', '--no-model'], 400_000);
      expect(run.code, run.stderr).toBe(0);
      const recs = readFileSync(path.join(out, 'frames.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as FrameRecord);
      expect(recs.map((r) => r.index)).toEqual([...Array(12).keys()]);
      expect(recs.map((r) => r.timestampMs)).toEqual([...Array(12).keys()].map((i) => i * 40));
      expect(recs.every((r) => r.width === 400 && r.height === 300 && r.faceFound)).toBe(true);
      const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as { frames: number; droppedFrames: number; decodePath: string };
      expect(summary).toMatchObject({ frames: 12, droppedFrames: 0, decodePath: 'webcodecs' });
    });
  }

  test('a missing file exits non-zero and names it', async () => {
    const missing = path.join(tmpdir(), 'no-such-video-4711.webm');
    const run = await runAnalyze([missing, '--out', path.join(tmpdir(), 'analyze-missing')], 60_000);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('no-such-video-4711.webm');
    expect(run.stderr).toMatch(/no such file/);
  });

  test('an undecodable file exits non-zero with UnreadableVideoError naming it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'analyze-bad-'));
    const bad = path.join(dir, 'garbage.webm');
    writeFileSync(bad, Buffer.from('this is not a video file at all, just text'.repeat(50)));
    const run = await runAnalyze([bad, '--out', path.join(dir, 'out')], 180_000);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('garbage.webm');
    expect(run.stderr).toMatch(/cannot decode/);
  });
});
