/**
 * Which frames of a spotted event MOL sees. MOL was trained on onset..offset clips sampled the official way
 * (models/training/moltrain/data/clip.py `uniform_clip_indices`): for L = offset - onset + 1 frames the
 * stride is s = floor(L / 8) and there is one clip per offset j = 0..s-1, frames onset + j + k*s, k = 0..7;
 * the trailing L - 8s frames are never used, and the trainer pools the clips of one video.
 *
 * Datasets are filmed at 100-200 fps, so L >= 8 there. A camera at 25-30 fps gives an ME only 2-15 frames:
 * for L < 8 the clip is the nearest frame to 8 evenly spaced times from onset to offset,
 * onset + floor(k * (L - 1) / 7 + 0.5) (round half up), so onset and offset are always in it and frames
 * repeat. The model never saw repeated frames in training; this is the closest input it can be given.
 */
export const MOL_CLIP_LENGTH = 8;

export class ResampleError extends Error {
  override readonly name = 'ResampleError';
}

function checkSpan(onset: number, offset: number, clipLength: number): number {
  if (!Number.isInteger(onset) || !Number.isInteger(offset)) throw new ResampleError(`onset and offset must be integers, got ${onset}, ${offset}`);
  if (offset < onset) throw new ResampleError(`offset ${offset} before onset ${onset}`);
  if (!Number.isInteger(clipLength) || clipLength < 2) throw new ResampleError(`clip length must be an integer >= 2, got ${clipLength}`);
  return offset - onset + 1;
}

/** All clips MOL's sampling makes for onset..offset (one per stride offset); one nearest-frame clip when L < 8. */
export function eventClips(onset: number, offset: number, clipLength = MOL_CLIP_LENGTH): number[][] {
  const length = checkSpan(onset, offset, clipLength);
  if (length < clipLength) {
    return [Array.from({ length: clipLength }, (_, k) => onset + Math.floor((k * (length - 1)) / (clipLength - 1) + 0.5))];
  }
  const s = Math.floor(length / clipLength);
  return Array.from({ length: s }, (_, j) => Array.from({ length: clipLength }, (_, k) => onset + j + k * s));
}

/** One clip for the event: the middle of `eventClips` (j = floor((s - 1) / 2)), for callers that run MOL once. */
export function eventClipFrames(onset: number, offset: number, clipLength = MOL_CLIP_LENGTH): number[] {
  const clips = eventClips(onset, offset, clipLength);
  return clips[Math.floor((clips.length - 1) / 2)];
}
