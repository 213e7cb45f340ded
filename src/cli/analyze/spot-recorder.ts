/**
 * What `npm run analyze` writes about spotting: the per-frame trace (trace.csv) and the events in the
 * `me-analyzer-events` format (events.json / events.csv), taken from the pipeline's spot stage
 * (FrameResult.spot: its trace row and the events closed with each frame, micro ones classified by MOL).
 * A pipeline without a spot stage gets the same `Spotter` run here on the same inputs (landmarks68Crop and
 * MOL's flow), so tracking+model runs still yield a trace and (unclassified) events; `source` says which.
 */
import type { FrameResult, SpottedEvent } from '../../pipeline/types';
import { eventId, eventRecord, type EventRecord } from '../../spotting/event-export';
import type { SpotTraceRow } from '../../spotting/frame-scorer';
import type { IntervalKind, MotionInterval } from '../../spotting/interval-detector';
import type { RegionValues } from '../../spotting/motion-signal';
import { REGION_NAMES, type RegionName } from '../../spotting/regions';
import { Spotter } from '../../spotting/spotter';

export class AnalyzeSpotError extends Error {
  override name = 'AnalyzeSpotError';
}

export interface SpotRecorderResult {
  rows: SpotTraceRow[];
  events: EventRecord[];
  /** 'stage': the pipeline's spot stage (classified); 'recorder': spotted here, unclassified. */
  source: 'stage' | 'recorder';
}

/** The full event record of a stage event; every field the events file needs must be there. */
export function stageEventRecord(e: SpottedEvent): EventRecord {
  const need = <T>(v: T | undefined, name: string): T => {
    if (v === undefined) throw new AnalyzeSpotError(`spot stage event at frame ${e.onsetFrame} has no ${name}`);
    return v;
  };
  const regionPeakPx = Object.fromEntries(REGION_NAMES.map((r) => [r, need(e.regionPeaks[r], `regionPeaks.${r}`)])) as RegionValues;
  const dominantRegion = need(e.dominantRegion, 'dominantRegion') as RegionName;
  if (!REGION_NAMES.includes(dominantRegion)) throw new AnalyzeSpotError(`spot stage event at frame ${e.onsetFrame}: unknown region ${dominantRegion}`);
  const interval: MotionInterval = {
    kind: e.kind as IntervalKind,
    onsetFrame: e.onsetFrame, apexFrame: e.apexFrame, offsetFrame: e.offsetFrame,
    onsetMs: e.onsetMs, apexMs: e.apexMs, offsetMs: e.offsetMs,
    durationMs: need(e.durationMs, 'durationMs'), peakScore: need(e.peakScore, 'peakScore'), dominantRegion, regionPeakPx,
    rigidPeakPx: need(e.rigidPeakPx, 'rigidPeakPx'), earMinRatio: need(e.earMinRatio, 'earMinRatio'),
  };
  return { ...interval, id: eventId(interval), label: e.label, confidence: e.confidence ?? null, probabilities: e.probabilities };
}

export class SpotRecorder {
  private readonly rows: SpotTraceRow[] = [];
  private readonly events: EventRecord[] = [];
  private source: SpotRecorderResult['source'] | null = null;
  private spotter: Spotter | null = null;

  /** One frame; returns its trace row and the events that closed with it. */
  push(result: FrameResult): { row: SpotTraceRow; closed: EventRecord[] } {
    const source = result.spot ? 'stage' : 'recorder';
    if (this.source !== null && source !== this.source) {
      throw new AnalyzeSpotError(`frame ${result.index}: the pipeline's spot output ${source === 'stage' ? 'appeared' : 'vanished'} mid-video`);
    }
    this.source = source;
    let row: SpotTraceRow;
    let closed: EventRecord[];
    if (result.spot) {
      if (!result.spot.row) throw new AnalyzeSpotError(`frame ${result.index}: the spot stage gave no trace row`);
      row = result.spot.row;
      closed = result.spot.events.map(stageEventRecord);
    } else {
      this.spotter ??= new Spotter();
      const step = this.spotter.push({
        index: result.index, timestampMs: result.timestampMs,
        landmarks: result.faceFound ? result.landmarks68Crop : null, flow: result.model?.flow ?? null,
        alignment: result.faceFound ? result.alignment : null,
      });
      row = step.row;
      closed = step.intervals.map(eventRecord);
    }
    this.rows.push(row);
    this.events.push(...closed);
    return { row, closed };
  }

  /** End of the video: `flushed` are the stage's still-open events (its flush()); without a stage, ours. */
  finish(flushed: readonly SpottedEvent[] = []): SpotRecorderResult {
    const tail = this.spotter ? this.spotter.flush().map(eventRecord) : flushed.map(stageEventRecord);
    return { rows: this.rows, events: [...this.events, ...tail], source: this.source ?? 'recorder' };
  }
}
