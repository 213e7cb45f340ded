/**
 * Records a live session for replay and export: per frame the aligned crop, MOL's flow and both landmark sets
 * in a ring bounded by bytes; when an event closes, the frames from `padFrames` before its onset are copied out
 * of the ring and kept, and the clip takes the following frames up to `padFrames` after its offset as they
 * arrive (kept clips are bounded too: the oldest go first).
 * Also keeps the per-frame spotting trace (bounded by rows) and the event list.
 */
import { modelOutputIsFresh, type FrameResult, type ModelFrameOutput } from '../pipeline/types';
import type { EventRecord } from '../spotting/event-export';
import type { SpotTraceRow } from '../spotting/frame-scorer';
import { CROP_SIZE, type ReplayClip, type ReplayFrame, type SessionData } from './types';

export interface RecorderOptions {
  /** Byte cap of the rolling ring of recent frames (a frame with flow is ~150 KB). */
  ringBytes: number;
  /** Byte cap of all kept event clips together. */
  keptBytes: number;
  /** Frames kept before the onset and after the offset. */
  padFrames: number;
  /** Most trace rows kept (the oldest are dropped). */
  traceRows: number;
}

export const DEFAULT_RECORDER: Readonly<RecorderOptions> = {
  ringBytes: 48 * 2 ** 20, // ~320 frames with flow: > 10 s at 30 fps, longer than any event's close delay
  keptBytes: 96 * 2 ** 20,
  padFrames: 6,
  traceRows: 30 * 60 * 30, // 30 minutes at 30 fps
};

export class RecorderInputError extends Error {
  override readonly name = 'RecorderInputError';
}

const POINT_BYTES = 16;

export function frameBytes(f: ReplayFrame): number {
  return f.crop.byteLength + (f.flow?.byteLength ?? 0) + ((f.molLandmarks?.length ?? 0) + (f.landmarks?.length ?? 0)) * POINT_BYTES;
}

function clipBytes(c: ReplayClip): number {
  return c.frames.reduce((s, f) => s + frameBytes(f), 0);
}

/** A replay frame from a pipeline result (copies: the pipeline may reuse its buffers), or null without a crop. */
export function replayFrameOf(r: FrameResult): ReplayFrame | null {
  if (!r.crop) return null;
  if (r.crop.length !== CROP_SIZE * CROP_SIZE) throw new RecorderInputError(`frame ${r.index}: crop has ${r.crop.length} bytes, expected ${CROP_SIZE * CROP_SIZE}`);
  return {
    index: r.index,
    timestampMs: r.timestampMs,
    crop: r.crop.slice(),
    // An earlier frame's window (live model lane) is not this frame's: it is attached to its own frame instead.
    ...modelFields(modelOutputIsFresh(r) ? r.model : null, r.index),
    landmarks: r.landmarks68Crop ? r.landmarks68Crop.map((p) => [p[0], p[1]] as const) : null,
  };
}

/** A replay frame's copies of MOL's flow and landmarks for frame `index` (null without outputs). */
function modelFields(m: ModelFrameOutput | null, index: number): Pick<ReplayFrame, 'flow' | 'molLandmarks'> {
  if (m && m.flow.length !== CROP_SIZE * CROP_SIZE * 2) throw new RecorderInputError(`frame ${index}: flow has ${m.flow.length} values, expected ${CROP_SIZE * CROP_SIZE * 2}`);
  return {
    flow: m ? m.flow.slice() : null,
    molLandmarks: m ? m.landmarks68Crop.map((p) => [p[0], p[1]] as const) : null,
  };
}

export class SessionRecorder {
  private ring: ReplayFrame[] = [];
  private ringUsed = 0;
  private kept = new Map<string, ReplayClip>();
  /** Kept clips still taking frames after their offset: event id -> last frame index wanted. */
  private growing = new Map<string, number>();
  private keptUsed = 0;
  private traceRows: SpotTraceRow[] = [];
  private eventList: EventRecord[] = [];
  private model: SessionData['model'] = null;
  private classes: string[] | null = null;
  private createdAt = new Date().toISOString();

  constructor(readonly options: RecorderOptions = DEFAULT_RECORDER) {}

  /** Bytes held by the ring and by kept clips. */
  get bytes(): { ring: number; kept: number } {
    return { ring: this.ringUsed, kept: this.keptUsed };
  }

  get events(): readonly EventRecord[] {
    return this.eventList;
  }

  /** Records one pipeline result: its frame (if it has a crop) and the model's identity and classes. */
  record(r: FrameResult): void {
    if (r.model) {
      this.model = { id: r.model.weights.id, trained: r.model.weights.trained };
      this.classes = [...r.model.classes];
    }
    const f = replayFrameOf(r);
    if (f) this.pushFrame(f);
    if (r.model && r.model.frameIndex !== r.index) this.attachModel(r.model);
  }

  /**
   * MOL's outputs for a frame recorded earlier (the live model lane finishes a window after later frames came):
   * its flow and landmarks go onto that frame, in the ring and in any kept clip. False when the frame is gone
   * or already has them.
   */
  attachModel(m: ModelFrameOutput): boolean {
    let i = this.ring.length - 1;
    while (i >= 0 && this.ring[i].index > m.frameIndex) i--;
    const old = this.ring[i];
    if (!old || old.index !== m.frameIndex || old.flow) return false;
    const f: ReplayFrame = { ...old, ...modelFields(m, m.frameIndex) };
    const grown = frameBytes(f) - frameBytes(old);
    this.ring[i] = f;
    this.ringUsed += grown;
    for (const clip of this.kept.values()) {
      const j = clip.frames.indexOf(old);
      if (j >= 0) {
        clip.frames[j] = f;
        this.keptUsed += grown;
      }
    }
    this.evictKept();
    return true;
  }

  pushFrame(f: ReplayFrame): void {
    const last = this.ring[this.ring.length - 1];
    if (last && f.index <= last.index) throw new RecorderInputError(`frame ${f.index} after frame ${last.index}: frames must come in increasing order`);
    this.ring.push(f);
    this.ringUsed += frameBytes(f);
    // events close a little after their offset: their clips take the margin frames as they arrive
    for (const [id, until] of this.growing) {
      const clip = this.kept.get(id);
      if (clip && f.index <= until) {
        clip.frames.push(f);
        this.keptUsed += frameBytes(f);
      }
      if (!clip || f.index >= until) this.growing.delete(id);
    }
    this.evictKept();
    while (this.ringUsed > this.options.ringBytes && this.ring.length > 1) this.ringUsed -= frameBytes(this.ring.shift()!);
  }

  pushTrace(row: SpotTraceRow): void {
    this.traceRows.push(row);
    if (this.traceRows.length > this.options.traceRows) this.traceRows.splice(0, this.traceRows.length - this.options.traceRows);
  }

  /** Frames in the ring with from <= index <= to. */
  framesBetween(from: number, to: number): ReplayFrame[] {
    return this.ring.filter((f) => f.index >= from && f.index <= to);
  }

  /**
   * Adds a closed event and keeps its frames (onset - pad .. offset + pad; those after the newest frame are
   * appended as they come). Returns false when the ring no longer holds its onset or offset, or the clip alone
   * exceeds the kept-bytes cap (the event is listed but cannot be replayed).
   */
  addEvent(ev: EventRecord, classes: readonly string[] | null = null): boolean {
    if (this.eventList.some((e) => e.id === ev.id)) throw new RecorderInputError(`event ${ev.id} was added twice`);
    this.eventList.push(ev);
    if (classes) this.classes = [...classes];
    const frames = this.framesBetween(ev.onsetFrame - this.options.padFrames, ev.offsetFrame + this.options.padFrames);
    if (!frames.some((f) => f.index <= ev.onsetFrame) || !frames.some((f) => f.index >= ev.offsetFrame)) return false;
    const clip: ReplayClip = { eventId: ev.id, frames };
    const size = clipBytes(clip);
    if (size > this.options.keptBytes) return false;
    this.kept.set(ev.id, clip);
    this.keptUsed += size;
    const until = ev.offsetFrame + this.options.padFrames;
    if (frames[frames.length - 1].index < until) this.growing.set(ev.id, until);
    this.evictKept();
    return this.kept.has(ev.id);
  }

  /** Drops the oldest kept clips until the kept bytes fit their cap. */
  private evictKept(): void {
    for (const [id, c] of this.kept) {
      if (this.keptUsed <= this.options.keptBytes) break;
      this.kept.delete(id);
      this.growing.delete(id);
      this.keptUsed -= clipBytes(c);
    }
  }

  /** The kept clip of an event as it is now (a copy of the frame list: the clip may still grow). */
  clip(eventId: string): ReplayClip | null {
    const c = this.kept.get(eventId);
    return c ? { eventId, frames: [...c.frames] } : null;
  }

  /** The session so far (shares the recorded buffers; they are never mutated after recording). */
  snapshot(): SessionData {
    return {
      createdAt: this.createdAt,
      model: this.model,
      classes: this.classes,
      events: [...this.eventList],
      trace: [...this.traceRows],
      clips: this.eventList.flatMap((e) => this.clip(e.id) ?? []),
    };
  }

  reset(): void {
    this.ring = [];
    this.ringUsed = 0;
    this.kept.clear();
    this.growing.clear();
    this.keptUsed = 0;
    this.traceRows = [];
    this.eventList = [];
    this.model = null;
    this.classes = null;
    this.createdAt = new Date().toISOString();
  }
}
