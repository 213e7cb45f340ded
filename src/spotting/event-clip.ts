/**
 * The crops MOL sees for one spotted event, shared by the spot stage (live and `npm run analyze`) and by
 * `classify-events.ts`: the resampled onset..offset clips (`eventClips`), at most `maxClips` of them spread over
 * the event (`pickClips`), every crop moved into the onset frame's alignment (`realignCrop`). The onset is the
 * face at rest, so the clip holds the expression's motion and not the alignment's response to it.
 * On the planted val videos this took the spotted MEs classed right from 24 to 27 of 31 (models/README.md).
 */
import { realignCrop, type AlignedCrop } from '../alignment/realign-crop';
import { CROP_SIZE } from '../alignment/mol-align';
import { eventClips } from './resample';

export type { AlignedCrop };

export class EventClipError extends Error {
  override readonly name = 'EventClipError';
}

/** `count` of the `clips`, spread evenly (the middle one for count 1). */
export function pickClips<T>(clips: readonly T[], count: number): T[] {
  if (!Number.isInteger(count) || count < 1) throw new EventClipError(`clip count must be a positive integer, got ${count}`);
  if (clips.length <= count) return [...clips];
  return Array.from({ length: count }, (_, i) => clips[Math.floor(((i + 0.5) * clips.length) / count)]);
}

/**
 * Up to `maxClips` clips of 8 crops for onset..offset, all in the onset frame's alignment, or null when the
 * onset or a frame of a clip has no crop (a face lost inside the span leaves no clip MOL was trained on).
 */
export function eventClipCrops(onset: number, offset: number, maxClips: number, frameAt: (index: number) => AlignedCrop | undefined): Uint8Array[][] | null {
  const reference = frameAt(onset);
  if (!reference) return null;
  const realigned = new Map<number, Uint8Array>();
  const out: Uint8Array[][] = [];
  for (const frames of pickClips(eventClips(onset, offset), maxClips)) {
    const clip: Uint8Array[] = [];
    for (const i of frames) {
      let crop = realigned.get(i);
      if (!crop) {
        const f = frameAt(i);
        if (!f) return null;
        crop = realignCrop(f.crop, f.alignment, reference.alignment, CROP_SIZE);
        realigned.set(i, crop);
      }
      clip.push(crop);
    }
    out.push(clip);
  }
  return out;
}
