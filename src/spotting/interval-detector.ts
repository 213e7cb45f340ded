/**
 * Motion intervals from the per-frame trace: hysteresis on the baseline-normalised score, merging, minimum
 * duration, refractory period, then a label (micro, macro, blink or head). One semantics, two
 * implementations: `IntervalDetector` (streaming: push rows, intervals come out when they close) and
 * `detectIntervals` (batch over a recorded trace, array passes); tests hold them equal.
 *
 * Semantics:
 *  1. A run is a maximal stretch of active rows (face found, calibrated, score >= lowZ). Its onset starts at
 *     the row before its first active row and walks back while the score keeps falling (usable, inactive
 *     rows, at most extendMs before the first active row, not from a score at or under restZ); its offset starts
 *     at the row after its last active row and walks on the same way. At the
 *     start or end of the trace they are the run's own first/last row.
 *  2. Runs whose peak score never reaches highZ are dropped (hysteresis).
 *  3. A run whose onset is at most mergeGapMs after the previous kept run's offset joins it.
 *  4. A merged group with fewer than minActiveFrames active rows, or shorter than minDurationMs from onset
 *     to offset, is dropped.
 *  5. A group is split into its peaks (`peakSpans`, `peakFraction`); a peak's span with too few active rows
 *     or too short is dropped, as is one whose onset is less than refractoryMs after the last emitted offset.
 *  6. Each emitted interval is labelled by `labelInterval`, which also times it (below).
 *
 * Timing: onset and offset are the edges of the detected span (where the motion rose out of and fell back
 * into the noise). Its length depends on the signal-to-noise ratio (a weak expression crosses 2 sigmas later
 * and leaves earlier), so the duration that decides micro/macro is estimated instead from the half-maximum
 * points of the dominant region's displacement, which sit well above the noise: for a raised-cosine or
 * triangular profile the half-maximum is half way from onset to apex and from apex to offset, so
 * duration = 2 x FWHM (t_half interpolated between frames). `durationMs` is that estimate; it can differ
 * from offsetMs - onsetMs by a frame or two.
 */
import type { SpotTraceRow } from './frame-scorer';
import type { RegionValues } from './motion-signal';
import { EYE_REGIONS, REGION_NAMES, type RegionName } from './regions';
import { blinkClosedBelow } from './eye-aspect';

export type IntervalKind = 'micro' | 'macro' | 'blink' | 'head';

export interface MotionInterval {
  kind: IntervalKind;
  onsetFrame: number;
  apexFrame: number;
  offsetFrame: number;
  onsetMs: number;
  apexMs: number;
  offsetMs: number;
  durationMs: number;
  /** Score (robust z) at the apex. */
  peakScore: number;
  /** The region with the highest z at the apex. */
  dominantRegion: RegionName;
  /** Largest combined motion per region over the interval (px of the 128 crop). */
  regionPeakPx: RegionValues;
  /** Largest rigid displacement over the interval (px). */
  rigidPeakPx: number;
  /** Lowest eye aspect ratio over its baseline during the interval. */
  earMinRatio: number;
}

export interface DetectorOptions {
  /**
   * Start threshold on the robust z of the most-moving region. The score is the max over 8 regions of RMS
   * distances to a noisy neutral reference after a similarity fit, so its tail is heavier than one Gaussian's.
   * Chosen on synthetic material (25 fps, landmark noise 0.15 px, 8 min of noise; planted brow raises and
   * smiles of 0.5-1.1 px, the half of a 1.2-2.2 px planted ME the app's landmarks register): z = 4 gave 0.38
   * false micro events per minute, 5 and 6 none; 0.7 px MEs were found 14/16 at 4 and 5, 10/16 at 6 (0.9 px
   * and up: all at each).
   * On the real talking clip (franck, no ME) 4, 5 and 6 gave the same events.
   */
  highZ: number;
  /** End threshold: back in the range of the score at rest. The score is the max of 8 region z-scores, so at
   *  rest it is over 2 on 17 % of frames (synthetic noise, 0.15 px, 2 min) and a run ending at 2 lingers and
   *  swallows the next movement; 97 % of rest frames lie under 2.75, 99 % under 3.1. */
  lowZ: number;
  /** Shortest ME in the literature is about 1/25 s. */
  minDurationMs: number;
  /** At least 2 active frames: a single-frame tracker glitch is not an expression; at 25-30 fps even a
   *  65 ms ME covers two frames. */
  minActiveFrames: number;
  /**
   * The lowZ crossing cuts the first and last ~20 % of a raised-cosine rise and fall (where the motion is
   * still under 2 sigmas), which would shorten a 600 ms expression to under 500 ms. Following the score down
   * to where it stops falling finds the start and end of the motion; 150 ms (4-5 frames at 30 fps) bounds
   * how far noise can drag it.
   */
  extendMs: number;
  /** ... and stops once the score is down to 1: the median of the max of 8 region z-scores at rest is ~1.3,
   *  so below 1 the face is at rest and a still-falling score is noise (slow, for the integrated flow term). */
  restZ: number;
  /** A dip of up to 100 ms (3 frames at 30 fps) inside one expression, e.g. at the apex of the flow term. */
  mergeGapMs: number;
  /** After an interval, onsets within 250 ms are the same movement's settling, not a new expression. */
  refractoryMs: number;
  /** Micro when onset-to-offset lasts at most this (the usual 500 ms ME bound). */
  microMaxMs: number;
  /** Blink: the eye regions lead at the apex and the eye aspect ratio falls to at most 85 % of its baseline.
   *  A full blink closes it to ~10-30 %, but the tracker follows a fast closure only in part: planted blinks
   *  of full closure registered at 73-78 %, while brow-led expressions with lid tightening (AU4+7) stayed
   *  at 83-89 % and are not eye-led. An eye-led lid tightening closing the eye by more than 15 % is called a
   *  blink too (a known limit) ... */
  blinkEarRatio: number;
  /** ... and the half-depth closure lasts at most 400 ms (blinks take 100-400 ms) and recovers. */
  blinkMaxClosureMs: number;
  /**
   * A dip to at most this ratio is a blink whichever region leads: the face mesh pulls the brows down with a
   * closing lid, and on val faces at 30 fps planted blinks closing to 57-67 % led with a brow (3 of 6 called
   * micro). Lid tightening (AU7) stayed at 83-89 %. On the 6 val videos (spot-sweep.ts) 0.7 and 0.75 left
   * one blink called micro and 0.8 none, with the same MEs found. 0 turns the rule off.
   */
  blinkDeepEarRatio: number;
  /**
   * The offset is at most this many times the apex-to-half-fall time after the apex (a raised-cosine fall is
   * back at rest at twice its half time), when the fall is seen. The peak's span ends where the score drops
   * under a fraction of its peak, and the tracker's landmarks often settle off the reference, so the span
   * can run on long after the motion ended. Not applied when the displacement rises again later in the
   * interval (a dip inside one expression). On the 6 val videos (spot-sweep.ts) 1.5-3 found the same 2 more
   * MEs and 2 fewer false ones than 0, which keeps the span's end.
   */
  offsetHalfFalls: number;
  /** Head motion: the rigid displacement is at least this multiple of the largest region motion. */
  headRatio: number;
  /**
   * A motion run is split into its peaks: each peak of at least highZ spans the rows around it whose score
   * stays at or over this fraction of its own; the rest of the run is no event. After an expression the
   * tracker's landmarks often settle a few tenths of a pixel off the reference (the score lingers at 3-7
   * for seconds, after z 15-25 at the apex), and without the split that tail lengthens the interval and
   * swallows the expressions that follow. 0.5 was chosen on the val identities' planted videos with the
   * scorer's rest plateau (`spot-sweep.ts`; 0.3-0.7 scored within one false ME of it). 0 keeps runs whole.
   */
  peakFraction: number;
}

export const DEFAULT_DETECTOR: Readonly<DetectorOptions> = {
  highZ: 5, lowZ: 3, extendMs: 150, restZ: 1, minDurationMs: 40, minActiveFrames: 2, mergeGapMs: 100, refractoryMs: 250,
  microMaxMs: 500, blinkEarRatio: 0.85, blinkMaxClosureMs: 400, blinkDeepEarRatio: 0.8, offsetHalfFalls: 3, headRatio: 1, peakFraction: 0.5,
};

export class DetectorInputError extends Error {
  override readonly name = 'DetectorInputError';
}

function usable(row: SpotTraceRow): boolean {
  return row.faceFound && !row.calibrating;
}

export function isActive(row: SpotTraceRow, o: DetectorOptions): boolean {
  return usable(row) && row.score >= o.lowZ;
}

/** Whether an onset/offset at `from` may move to the neighbouring row `to` (rows further from the run). */
function extends_(from: SpotTraceRow, to: SpotTraceRow, edge: SpotTraceRow, o: DetectorOptions): boolean {
  return usable(to) && !isActive(to, o) && from.score > o.restZ && to.score < from.score
    && Math.abs(edge.timestampMs - to.timestampMs) <= o.extendMs;
}

/**
 * Labels an interval given its rows from onset to offset inclusive. `context` holds them (from position
 * `at`) with the rows around them (its group, after `lead` rows of the trace before the group): the
 * half-maximum points and a blink's recovery are looked for there, as a peak's span can end above half its
 * height where the score lingers.
 */
export function labelInterval(rows: readonly SpotTraceRow[], o: DetectorOptions, context: readonly SpotTraceRow[] = rows, at = 0, lead = 0): MotionInterval {
  if (rows.length === 0) throw new DetectorInputError('an interval needs at least one row');
  let apex = rows[0];
  for (const r of rows) if (r.score > apex.score) apex = r;
  const regionPeakPx = Object.fromEntries(REGION_NAMES.map((n) => [n, Math.max(...rows.map((r) => r.regionPx[n]))])) as RegionValues;
  const rigidPeakPx = Math.max(...rows.map((r) => r.rigidPx));
  const rigidPeakZ = Math.max(...rows.map((r) => r.rigidZ));
  const ears = rows.map((r) => r.earRatio).filter((e) => Number.isFinite(e));
  const earMinRatio = ears.length ? Math.min(...ears) : Number.NaN;
  let dominantRegion: RegionName = REGION_NAMES[0];
  for (const n of REGION_NAMES) if (apex.regionZ[n] > apex.regionZ[dominantRegion]) dominantRegion = n;
  const { durationMs, complete, riseFrom, fallMs } = halfMaxDuration(context, at + rows.indexOf(apex), dominantRegion);
  // Risen half way before its group opened (the first `lead` rows of the context are the trace before it):
  // the onset is the last row under half, where the rise is seen.
  const first = riseFrom >= 0 && riseFrom < lead ? context[riseFrom] : rows[0];
  let last = rows[rows.length - 1];
  if (o.offsetHalfFalls > 0 && complete) {
    // Not when the displacement climbs back to 3/4 of the apex later in the interval (a second peak merged into
    // it); at half, drift after the fall kept one val ME's span too long.
    const rebound = apex.regionPx[dominantRegion] * 0.75;
    if (rows.every((r) => r.timestampMs <= fallMs || r.regionPx[dominantRegion] < rebound)) {
      const limit = apex.timestampMs + o.offsetHalfFalls * (fallMs - apex.timestampMs);
      for (let k = rows.length - 1; k > 0 && rows[k].timestampMs > limit && rows[k] !== apex; k--) last = rows[k - 1];
    }
  }

  // A motion cut by the start or end of the source before it fell to half has no known duration: not micro.
  let kind: IntervalKind = complete && durationMs <= o.microMaxMs ? 'micro' : 'macro';
  const maxRegionPx = Math.max(...REGION_NAMES.map((n) => regionPeakPx[n]));
  if (rigidPeakZ >= o.highZ && rigidPeakPx >= o.headRatio * maxRegionPx) {
    kind = 'head';
  } else if (isBlink(rows, context.slice(at + rows.length), apex, earMinRatio, o)) {
    kind = 'blink';
  }
  return {
    kind, onsetFrame: first.index, apexFrame: apex.index, offsetFrame: last.index,
    onsetMs: first.timestampMs, apexMs: apex.timestampMs, offsetMs: last.timestampMs, durationMs,
    peakScore: apex.score, dominantRegion, regionPeakPx, rigidPeakPx, earMinRatio,
  };
}

/**
 * 2 x the full width at half maximum of `region`'s displacement (px) around the apex row. Displacement, not z:
 * z is measured from the noise median, which moves its half level up the rise; the displacement is zero at
 * rest up to the noise, so its half level is half the expression's amplitude. A side that never falls under
 * half inside the span uses the span's edge and leaves the estimate a lower bound (`complete` false); inside
 * a trace that happens only at the trace's first or last row, since the span ends near the noise level.
 */
function halfMaxDuration(rows: readonly SpotTraceRow[], a: number, region: RegionName): { durationMs: number; complete: boolean; riseFrom: number; fallMs: number } {
  // Unsmoothed: a [1, 2, 1] filter cuts the noise but flattens the peak of a 9-frame event and widened
  // 300 ms events by ~10 % in trials, pushing long MEs over the 500 ms bound.
  const d = (i: number): number => rows[i].regionPx[region];
  const t = (i: number): number => rows[i].timestampMs;
  const half = d(a) / 2;
  const cross = (i: number, j: number): number => t(i) + ((half - d(i)) / (d(j) - d(i))) * (t(j) - t(i));
  let i = a;
  while (i > 0 && d(i - 1) >= half) i--;
  const riseMs = i > 0 ? cross(i - 1, i) : t(0);
  let j = a;
  while (j < rows.length - 1 && d(j + 1) >= half) j++;
  const fallMs = j < rows.length - 1 ? cross(j + 1, j) : t(rows.length - 1);
  return { durationMs: 2 * (fallMs - riseMs), complete: i > 0 && j < rows.length - 1, riseFrom: i - 1, fallMs };
}

/** Eye regions dominate at the apex, and the eye aspect ratio dips deep and briefly, and recovers (by the
 *  interval's end or in the rows `after` it). */
function isBlink(rows: readonly SpotTraceRow[], after: readonly SpotTraceRow[], apex: SpotTraceRow, earMin: number, o: DetectorOptions): boolean {
  if (!(earMin <= o.blinkEarRatio)) return false;
  const eyeZ = Math.max(...EYE_REGIONS.map((n) => apex.regionZ[n]));
  const otherZ = Math.max(...REGION_NAMES.filter((n) => !EYE_REGIONS.includes(n)).map((n) => apex.regionZ[n]));
  if (eyeZ < otherZ && !(earMin <= o.blinkDeepEarRatio)) return false;
  const half = blinkClosedBelow(earMin);
  const closed = rows.filter((r) => r.earRatio < half);
  const span = closed[closed.length - 1].timestampMs - closed[0].timestampMs;
  const recovered = rows[rows.length - 1].earRatio >= half || after.some((r) => r.earRatio >= half);
  return span <= o.blinkMaxClosureMs && recovered;
}

/**
 * The peaks of one accepted group of rows, as inclusive [first, last] row ranges (see `peakFraction`), in
 * time order. Highest peak first: its span is the contiguous rows scoring at least peakFraction of it (across
 * dips under that of at most mergeGapMs), widened on each side while the score keeps falling (down to the noise where the motion rose from quiet,
 * a row or two into a lingering tail). A lower peak inside an earlier span is part of it. Spans with too
 * few active rows or too short are dropped, like whole groups.
 */
export function peakSpans(rows: readonly SpotTraceRow[], o: DetectorOptions): [number, number][] {
  const n = rows.length;
  if (!(o.peakFraction > 0)) return [[0, n - 1]];
  const score = (i: number): number => (usable(rows[i]) ? rows[i].score : 0);
  const peaks: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = score(i);
    if (v >= o.highZ && (i === 0 || v >= score(i - 1)) && (i === n - 1 || v > score(i + 1))) peaks.push(i);
  }
  peaks.sort((x, y) => score(y) - score(x) || x - y);
  const taken = new Uint8Array(n);
  const spans: [number, number][] = [];
  for (const p of peaks) {
    if (taken[p]) continue;
    const level = o.peakFraction * score(p);
    const free = (i: number): boolean => i >= 0 && i < n && !taken[i];
    // Rows at or over the level, across dips under it of at most mergeGapMs (as runs merge across such a gap).
    const reach = (from: number, step: 1 | -1): number => {
      let k = from;
      for (;;) {
        let m = k + step;
        while (free(m) && score(m) < level) m += step;
        if (!free(m) || (m !== k + step && Math.abs(rows[m - step].timestampMs - rows[k + step].timestampMs) > o.mergeGapMs)) return k;
        k = m;
      }
    };
    let a = reach(p, -1);
    while (free(a - 1) && score(a - 1) < score(a)) a--;
    let b = reach(p, 1);
    while (free(b + 1) && score(b + 1) < score(b)) b++;
    taken.fill(1, a, b + 1);
    let active = 0;
    for (let i = a; i <= b; i++) if (isActive(rows[i], o)) active++;
    if (active >= o.minActiveFrames && rows[b].timestampMs - rows[a].timestampMs >= o.minDurationMs) spans.push([a, b]);
  }
  return spans.sort((x, y) => x[0] - y[0]);
}

/**
 * The labelled intervals of one accepted group of rows, one per peak span, skipping a span whose onset is
 * less than refractoryMs after the last emitted offset (in this group or before); returns the new last offset.
 * `lead`: the trace's rows of the microMaxMs before the group. A group can start with its motion already half
 * up: the scorer does not score the frames that rebuild its reference (after a blink or a new rest), so an ME
 * starting then opens its group late. Its half-maximum rise is then looked for in those rows (their motion is
 * measured all the same), rather than calling its duration unknown and the ME macro.
 */
function groupIntervals(rows: readonly SpotTraceRow[], lastOffsetMs: number | null, o: DetectorOptions, out: MotionInterval[],
  lead: readonly SpotTraceRow[] = []): number | null {
  const context = lead.length > 0 ? [...lead, ...rows] : rows;
  for (const [a, b] of peakSpans(rows, o)) {
    if (lastOffsetMs !== null && rows[a].timestampMs - lastOffsetMs < o.refractoryMs) continue;
    out.push(labelInterval(rows.slice(a, b + 1), o, context, lead.length + a, lead.length));
    lastOffsetMs = rows[b].timestampMs;
  }
  return lastOffsetMs;
}

interface Group {
  /** Positions (sequence numbers) of the onset and offset rows. */
  onset: number;
  offset: number;
  active: number;
}

function groupAccepted(g: Group, rowAt: (p: number) => SpotTraceRow, o: DetectorOptions): boolean {
  return g.active >= o.minActiveFrames && rowAt(g.offset).timestampMs - rowAt(g.onset).timestampMs >= o.minDurationMs;
}

/** Position of the first row of the usable stretch at most microMaxMs before the row at `onset`, not before
 *  `first` (groupIntervals' lead; calibration and face-less rows end it, as they end runs). */
function leadStart(onset: number, first: number, rowAt: (p: number) => SpotTraceRow, o: DetectorOptions): number {
  const t = rowAt(onset).timestampMs;
  let s = onset;
  while (s > first && usable(rowAt(s - 1)) && t - rowAt(s - 1).timestampMs <= o.microMaxMs) s--;
  return s;
}

function checkOptions(o: DetectorOptions): void {
  if (!(o.lowZ < o.highZ)) throw new DetectorInputError(`need lowZ < highZ, got ${o.lowZ} and ${o.highZ}`);
  for (const [k, v] of Object.entries(o)) {
    if (!Number.isFinite(v)) throw new DetectorInputError(`detector option ${k} must be finite, got ${v}`);
  }
}

/** Batch detection over a whole recorded trace. */
export function detectIntervals(rows: readonly SpotTraceRow[], options: Partial<DetectorOptions> = {}): MotionInterval[] {
  const o = { ...DEFAULT_DETECTOR, ...options };
  checkOptions(o);
  for (let i = 1; i < rows.length; i++) {
    if (!(rows[i].timestampMs > rows[i - 1].timestampMs)) throw new DetectorInputError(`row ${i}: timestamps must increase`);
  }
  const active = rows.map((r) => isActive(r, o));
  // 1-2: runs with their bracketing rows, kept when they reach highZ.
  const runs: Group[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (!active[i] || (i > 0 && active[i - 1])) continue;
    let j = i;
    let peak = rows[i].score;
    while (j + 1 < rows.length && active[j + 1]) peak = Math.max(peak, rows[++j].score);
    if (peak < o.highZ) continue;
    let on = Math.max(i - 1, 0);
    while (on > 0 && on < i && extends_(rows[on], rows[on - 1], rows[i], o)) on--;
    let off = Math.min(j + 1, rows.length - 1);
    while (off > j && off + 1 < rows.length && extends_(rows[off], rows[off + 1], rows[j], o)) off++;
    runs.push({ onset: on, offset: off, active: j - i + 1 });
  }
  // 3: merge.
  const groups: Group[] = [];
  for (const r of runs) {
    const g = groups[groups.length - 1];
    if (g && rows[r.onset].timestampMs - rows[g.offset].timestampMs <= o.mergeGapMs) {
      g.offset = r.offset;
      g.active += r.active;
    } else {
      groups.push({ ...r });
    }
  }
  // 4-5: filters and labels.
  const out: MotionInterval[] = [];
  let lastOffsetMs: number | null = null;
  for (const g of groups) {
    if (!groupAccepted(g, (p) => rows[p], o)) continue;
    const lead = rows.slice(leadStart(g.onset, 0, (p) => rows[p], o), g.onset);
    lastOffsetMs = groupIntervals(rows.slice(g.onset, g.offset + 1), lastOffsetMs, o, out, lead);
  }
  return out;
}

/** Streaming detection: `push` one row per frame; intervals are returned once they can no longer change. */
export class IntervalDetector {
  readonly options: DetectorOptions;
  /** Rows from sequence number `base` on: what an open run, a pending group or a future onset may need. */
  private buffer: SpotTraceRow[] = [];
  private base = 0;
  private seq = 0;
  /** The run being read: `settling` once its active rows ended and its offset follows the falling score. */
  private run: (Group & { peak: number; lastActive: number; settling: boolean }) | null = null;
  private pending: Group | null = null;
  private lastOffsetMs: number | null = null;

  constructor(options: Partial<DetectorOptions> = {}) {
    this.options = { ...DEFAULT_DETECTOR, ...options };
    checkOptions(this.options);
  }

  push(row: SpotTraceRow): MotionInterval[] {
    const o = this.options;
    const newest = this.buffer[this.buffer.length - 1];
    if (newest && !(row.timestampMs > newest.timestampMs)) throw new DetectorInputError(`frame ${row.index}: timestamps must increase`);
    const p = this.seq++;
    this.buffer.push(row);
    const out: MotionInterval[] = [];
    const active = isActive(row, o);

    const run = this.run;
    if (run?.settling) {
      if (extends_(this.at(run.offset), row, this.at(run.lastActive), o)) {
        run.offset = p;
      } else {
        this.run = null;
        this.closeRun(run, out);
      }
    }
    if (active) {
      if (!this.run) this.run = this.openRun(p);
      const r = this.run;
      r.active++;
      r.offset = r.lastActive = p;
      r.peak = Math.max(r.peak, row.score);
    } else if (this.run && !this.run.settling) {
      this.run.offset = p;
      this.run.settling = true;
    }
    // A later run's onset is this row or a row at most extendMs before its first active row, i.e. no earlier
    // than this row's time minus extendMs; once that is past the merge gap the pending group cannot grow.
    if (this.pending && !this.run && row.timestampMs - this.at(this.pending.offset).timestampMs > o.mergeGapMs + o.extendMs) {
      this.finalize(out);
    }
    this.trim();
    return out;
  }

  /** Ends the trace: closes an open run where it stands and emits what is pending. */
  flush(): MotionInterval[] {
    const out: MotionInterval[] = [];
    if (this.run) {
      const run = this.run;
      this.run = null;
      this.closeRun(run, out);
    }
    if (this.pending) this.finalize(out);
    this.trim();
    return out;
  }

  private openRun(first: number): Group & { peak: number; lastActive: number; settling: boolean } {
    let on = Math.max(first - 1, this.base);
    const edge = this.at(first);
    while (on > this.base && on < first && extends_(this.at(on), this.at(on - 1), edge, this.options)) on--;
    return { onset: on, offset: first, active: 0, peak: -Infinity, lastActive: first, settling: false };
  }

  private closeRun(run: Group & { peak: number }, out: MotionInterval[]): void {
    if (run.peak < this.options.highZ) return;
    const g = this.pending;
    if (g && this.at(run.onset).timestampMs - this.at(g.offset).timestampMs <= this.options.mergeGapMs) {
      g.offset = run.offset;
      g.active += run.active;
      return;
    }
    if (g) this.finalize(out);
    this.pending = { onset: run.onset, offset: run.offset, active: run.active };
  }

  private finalize(out: MotionInterval[]): void {
    const g = this.pending!;
    this.pending = null;
    if (!groupAccepted(g, (q) => this.at(q), this.options)) return;
    const lead = this.buffer.slice(leadStart(g.onset, this.base, (q) => this.at(q), this.options) - this.base, g.onset - this.base);
    this.lastOffsetMs = groupIntervals(this.buffer.slice(g.onset - this.base, g.offset - this.base + 1), this.lastOffsetMs, this.options, out, lead);
  }

  private at(p: number): SpotTraceRow {
    return this.buffer[p - this.base];
  }

  private trim(): void {
    if (this.buffer.length === 0) return;
    const newest = this.seq - 1;
    const o = this.options;
    const onsets = [this.pending?.onset, this.run?.onset].filter((p): p is number => p !== undefined);
    // An open group keeps the lead rows before its onset (groupIntervals).
    let keepFrom = Math.min(newest, ...onsets.map((p) => leadStart(p, this.base, (q) => this.at(q), o)));
    // A run starting with the next row may walk its onset back over rows up to extendMs older than that row,
    // and its lead reaches microMaxMs further.
    const horizon = this.at(newest).timestampMs - o.extendMs - o.microMaxMs;
    let q = newest;
    while (q > this.base && this.at(q - 1).timestampMs >= horizon) q--;
    keepFrom = Math.min(keepFrom, q);
    if (keepFrom > this.base) {
      this.buffer.splice(0, keepFrom - this.base);
      this.base = keepFrom;
    }
  }
}
