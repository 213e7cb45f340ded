/**
 * One-to-one matching of spotted intervals to true intervals. A pair may match when its temporal IoU (over
 * inclusive frame spans) is at least `minIou` and the onsets differ by at most `maxOnsetDiff` frames. Among
 * all such pairs the matching with the most pairs is taken: the highest-IoU pairs first, then augmenting paths
 * (a greedy choice alone can block a second match), so that among equally large matchings the closest pairs win.
 */
export interface FrameSpan {
  onsetFrame: number;
  offsetFrame: number;
}

export interface MatchCriteria {
  minIou: number;
  maxOnsetDiff: number;
}

/** The criterion: IoU >= 0.5 and onset within 3 frames. */
export const DEFAULT_MATCH: Readonly<MatchCriteria> = { minIou: 0.5, maxOnsetDiff: 3 };

export class MatchInputError extends Error {
  override readonly name = 'MatchInputError';
}

function checkSpan(s: FrameSpan, what: string): void {
  if (!Number.isInteger(s.onsetFrame) || !Number.isInteger(s.offsetFrame) || s.offsetFrame < s.onsetFrame) {
    throw new MatchInputError(`${what}: onset ${s.onsetFrame} and offset ${s.offsetFrame} must be integers with onset <= offset`);
  }
}

/** Frames in both spans over frames in either (both inclusive). */
export function temporalIou(a: FrameSpan, b: FrameSpan): number {
  checkSpan(a, 'first span');
  checkSpan(b, 'second span');
  const inter = Math.max(0, Math.min(a.offsetFrame, b.offsetFrame) - Math.max(a.onsetFrame, b.onsetFrame) + 1);
  const union = (a.offsetFrame - a.onsetFrame + 1) + (b.offsetFrame - b.onsetFrame + 1) - inter;
  return inter / union;
}

/** Frames the two spans share (0 when disjoint). */
export function overlapFrames(a: FrameSpan, b: FrameSpan): number {
  return Math.max(0, Math.min(a.offsetFrame, b.offsetFrame) - Math.max(a.onsetFrame, b.onsetFrame) + 1);
}

export interface MatchedPair {
  spotted: number;
  truth: number;
  iou: number;
  onsetDiff: number;
}

export function matchIntervals(spotted: readonly FrameSpan[], truth: readonly FrameSpan[], criteria: MatchCriteria = DEFAULT_MATCH): MatchedPair[] {
  if (!(criteria.minIou > 0 && criteria.minIou <= 1)) throw new MatchInputError(`minIou must be in (0, 1], got ${criteria.minIou}`);
  if (!(Number.isInteger(criteria.maxOnsetDiff) && criteria.maxOnsetDiff >= 0)) throw new MatchInputError(`maxOnsetDiff must be an integer >= 0, got ${criteria.maxOnsetDiff}`);
  spotted.forEach((s, i) => checkSpan(s, `spotted[${i}]`));
  truth.forEach((t, j) => checkSpan(t, `truth[${j}]`));

  const candidates: { truth: number; iou: number }[][] = spotted.map((s) =>
    truth
      .map((t, j) => ({ truth: j, iou: temporalIou(s, t), diff: Math.abs(s.onsetFrame - t.onsetFrame) }))
      .filter((c) => c.iou >= criteria.minIou && c.diff <= criteria.maxOnsetDiff)
      .sort((x, y) => y.iou - x.iou || x.truth - y.truth),
  );
  const ownerOf = new Array<number>(truth.length).fill(-1);
  const tryAssign = (i: number, seen: boolean[]): boolean => {
    for (const c of candidates[i]) {
      if (seen[c.truth]) continue;
      seen[c.truth] = true;
      if (ownerOf[c.truth] < 0 || tryAssign(ownerOf[c.truth], seen)) {
        ownerOf[c.truth] = i;
        return true;
      }
    }
    return false;
  };
  // Start from the pairs with the highest IoU, then grow the matching along augmenting paths.
  const edges = candidates.flatMap((cs, i) => cs.map((c) => ({ spotted: i, ...c }))).sort((x, y) => y.iou - x.iou || x.spotted - y.spotted || x.truth - y.truth);
  const matched = new Array<boolean>(spotted.length).fill(false);
  for (const e of edges) {
    if (!matched[e.spotted] && ownerOf[e.truth] < 0) { ownerOf[e.truth] = e.spotted; matched[e.spotted] = true; }
  }
  for (let i = 0; i < spotted.length; i++) if (!matched[i]) tryAssign(i, new Array<boolean>(truth.length).fill(false));

  const pairs: MatchedPair[] = [];
  ownerOf.forEach((i, j) => {
    if (i >= 0) pairs.push({ spotted: i, truth: j, iou: temporalIou(spotted[i], truth[j]), onsetDiff: spotted[i].onsetFrame - truth[j].onsetFrame });
  });
  return pairs.sort((a, b) => a.truth - b.truth);
}
