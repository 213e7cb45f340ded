/**
 * Between the live event (SpottedEvent: what the pipeline, the events slice and the timeline use) and the
 * exported record (EventRecord: the events JSON/CSV and session files). Records are keyed "ev-<onsetFrame>".
 */
import type { SpottedEvent } from '../pipeline/types';
import type { EventRecord } from '../spotting/event-export';
import { REGION_NAMES, type RegionName } from '../spotting/regions';
import type { RegionValues } from '../spotting/motion-signal';

/** Id of the record (and of the replay clip) of a live event: the key event-export's eventId() gives. */
export function recordIdOf(e: Pick<SpottedEvent, 'onsetFrame'>): string {
  return `ev-${e.onsetFrame}`;
}

function dominant(peaks: Record<string, number>): RegionName {
  let best: RegionName = REGION_NAMES[0];
  for (const r of REGION_NAMES) if ((peaks[r] ?? -Infinity) > (peaks[best] ?? -Infinity)) best = r;
  return best;
}

/**
 * The export record of a live event. Fields an older producer did not fill are NaN (written as null/empty);
 * the dominant region falls back to the region with the largest peak.
 */
export function spottedToRecord(e: SpottedEvent): EventRecord {
  const regionPeakPx = Object.fromEntries(REGION_NAMES.map((r) => [r, e.regionPeaks[r] ?? Number.NaN])) as RegionValues;
  const dom = e.dominantRegion && (REGION_NAMES as readonly string[]).includes(e.dominantRegion) ? (e.dominantRegion as RegionName) : dominant(e.regionPeaks);
  return {
    id: recordIdOf(e), kind: e.kind,
    onsetFrame: e.onsetFrame, apexFrame: e.apexFrame, offsetFrame: e.offsetFrame,
    onsetMs: e.onsetMs, apexMs: e.apexMs, offsetMs: e.offsetMs,
    durationMs: e.durationMs ?? e.offsetMs - e.onsetMs,
    peakScore: e.peakScore ?? Number.NaN, dominantRegion: dom, regionPeakPx,
    rigidPeakPx: e.rigidPeakPx ?? Number.NaN, earMinRatio: e.earMinRatio ?? Number.NaN,
    label: e.label, confidence: e.confidence ?? null, probabilities: e.probabilities ? { ...e.probabilities } : null,
  };
}

/** A live-event view of a record (a reopened session's events go back onto the timeline this way). */
export function recordToSpotted(r: EventRecord, id: number): SpottedEvent {
  return {
    id, kind: r.kind,
    onsetFrame: r.onsetFrame, apexFrame: r.apexFrame, offsetFrame: r.offsetFrame,
    onsetMs: r.onsetMs, apexMs: r.apexMs, offsetMs: r.offsetMs,
    label: r.label, probabilities: r.probabilities ? { ...r.probabilities } : null,
    regionPeaks: { ...r.regionPeakPx }, durationMs: r.durationMs, dominantRegion: r.dominantRegion, confidence: r.confidence,
    peakScore: r.peakScore, rigidPeakPx: r.rigidPeakPx, earMinRatio: r.earMinRatio,
  };
}
