/**
 * Draws one replay frame: the recorded crop on the left with both landmark sets and MOL's flow as arrows,
 * the motion-magnified crop on the right with the magnified displacement since the onset as arrows. Arrow
 * colour is the direction (hue, as on the live flow overlay), length the magnitude times a display gain.
 */
import type { Point } from '../pipeline/types';
import { grayToRgba } from '../render/crop-preview';
import { CROP_SIZE, type ReplayFrame } from './types';

export const PANEL_SCALE = 2;
export const PANEL = CROP_SIZE * PANEL_SCALE;
export const GAP = 12;
export const CAPTION = 22;
export const REPLAY_CANVAS_WIDTH = 2 * PANEL + GAP;
export const REPLAY_CANVAS_HEIGHT = PANEL + CAPTION;
/** Left panel origin and right (magnified) panel origin, canvas px. */
export const LEFT_X = 0;
export const RIGHT_X = PANEL + GAP;

/** Per-frame flow is a fraction of a pixel: arrows are drawn this many times longer. */
const FLOW_ARROW_GAIN = 8;
const ARROW_STEP = 8;
/** Arrows shorter than this (crop px, before gain) are noise and skipped. */
const MIN_ARROW_PX = 0.03;

export interface ReplayDrawOptions {
  alpha: number;
  showFlow: boolean;
  showLandmarks: boolean;
  /** Caption text of each panel. */
  leftCaption: string;
  rightCaption: string;
}

function putCrop(ctx: CanvasRenderingContext2D, crop: Uint8Array, x: number, scratch: HTMLCanvasElement | OffscreenCanvas): void {
  const sctx = scratch.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;
  const img = sctx.createImageData(CROP_SIZE, CROP_SIZE);
  grayToRgba(crop, img);
  sctx.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(scratch, 0, 0, CROP_SIZE, CROP_SIZE, x, CAPTION, PANEL, PANEL);
}

function arrows(ctx: CanvasRenderingContext2D, field: Float32Array, x0: number, gain: number): void {
  ctx.lineWidth = 1.5;
  for (let y = ARROW_STEP / 2; y < CROP_SIZE; y += ARROW_STEP) {
    for (let x = ARROW_STEP / 2; x < CROP_SIZE; x += ARROW_STEP) {
      const i = (y * CROP_SIZE + x) * 2;
      const u = field[i];
      const v = field[i + 1];
      const m = Math.hypot(u, v);
      if (m < MIN_ARROW_PX) continue;
      const sx = x0 + x * PANEL_SCALE;
      const sy = CAPTION + y * PANEL_SCALE;
      const ex = sx + u * gain * PANEL_SCALE;
      const ey = sy + v * gain * PANEL_SCALE;
      ctx.strokeStyle = `hsl(${(Math.atan2(v, u) * 180) / Math.PI}, 100%, 55%)`;
      ctx.beginPath();
      ctx.moveTo(sx, sy);
      ctx.lineTo(ex, ey);
      const a = Math.atan2(ey - sy, ex - sx);
      ctx.lineTo(ex - 4 * Math.cos(a - 0.5), ey - 4 * Math.sin(a - 0.5));
      ctx.moveTo(ex, ey);
      ctx.lineTo(ex - 4 * Math.cos(a + 0.5), ey - 4 * Math.sin(a + 0.5));
      ctx.stroke();
    }
  }
}

function points(ctx: CanvasRenderingContext2D, pts: readonly Point[] | null, x0: number, color: string): void {
  if (!pts) return;
  ctx.fillStyle = color;
  for (const [u, v] of pts) ctx.fillRect(x0 + u * PANEL_SCALE - 1.5, CAPTION + v * PANEL_SCALE - 1.5, 3, 3);
}

export const MEDIAPIPE_COLOR = 'rgb(0, 255, 102)';
export const MOL_COLOR = 'rgb(255, 64, 255)';

/**
 * Draws frame `f` and its magnified version `magnified` (crop px) with the accumulated displacement `disp`
 * (onset -> this frame, [128,128,2]) into a REPLAY_CANVAS_WIDTH x REPLAY_CANVAS_HEIGHT canvas.
 */
export function drawReplayFrame(
  ctx: CanvasRenderingContext2D,
  scratch: HTMLCanvasElement | OffscreenCanvas,
  f: ReplayFrame,
  magnified: Uint8Array,
  disp: Float32Array,
  o: ReplayDrawOptions,
): void {
  ctx.fillStyle = '#111';
  ctx.fillRect(0, 0, REPLAY_CANVAS_WIDTH, REPLAY_CANVAS_HEIGHT);
  ctx.fillStyle = '#eee';
  ctx.font = '13px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillText(o.leftCaption, LEFT_X + 4, CAPTION / 2);
  ctx.fillText(o.rightCaption, RIGHT_X + 4, CAPTION / 2);
  putCrop(ctx, f.crop, LEFT_X, scratch);
  putCrop(ctx, magnified, RIGHT_X, scratch);
  if (o.showFlow) {
    if (f.flow) arrows(ctx, f.flow, LEFT_X, FLOW_ARROW_GAIN);
    arrows(ctx, disp, RIGHT_X, o.alpha);
  }
  if (o.showLandmarks) {
    points(ctx, f.landmarks, LEFT_X, MEDIAPIPE_COLOR);
    points(ctx, f.molLandmarks, LEFT_X, MOL_COLOR);
  }
}
