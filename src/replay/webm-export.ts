/**
 * A WebM of a replay: the replay canvas's captureStream recorded by MediaRecorder (VP9, else VP8), one frame
 * requested per drawn replay frame and each held for its slowed duration, all in the page (nothing uploaded).
 */
export class WebmExportError extends Error {
  override readonly name = 'WebmExportError';
}

const MIME_TYPES = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'];

/** The first WebM type this browser's MediaRecorder supports, or null. */
export function webmMimeType(): string | null {
  if (typeof MediaRecorder === 'undefined') return null;
  return MIME_TYPES.find((t) => MediaRecorder.isTypeSupported(t)) ?? null;
}

const START_POLL_MS = 20;
const START_TIMEOUT_MS = 5000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Records `frameCount` frames drawn by `draw(i)` into `canvas`, each shown for `frameMs` (wall clock: the
 * recorder timestamps frames as they come). Resolves with the WebM blob.
 */
export async function recordCanvasWebm(canvas: HTMLCanvasElement, frameCount: number, frameMs: number, draw: (i: number) => void): Promise<Blob> {
  if (!Number.isInteger(frameCount) || frameCount < 1) throw new WebmExportError(`nothing to record: ${frameCount} frames`);
  if (!(frameMs > 0)) throw new WebmExportError(`frame duration must be > 0 ms, got ${frameMs}`);
  const mimeType = webmMimeType();
  if (!mimeType) throw new WebmExportError('this browser cannot record WebM video (no MediaRecorder with a WebM type)');
  const stream = canvas.captureStream(0);
  const track = stream.getVideoTracks()[0] as CanvasCaptureMediaStreamTrack | undefined;
  if (!track) throw new WebmExportError('the replay canvas gave no video track to record');
  const recorder = new MediaRecorder(stream, { mimeType, videoBitsPerSecond: 4_000_000 });
  const chunks: Blob[] = [];
  let failure: Error | null = null;
  recorder.ondataavailable = (e) => { if (e.data.size > 0) chunks.push(e.data); };
  recorder.onerror = (e) => { failure = new WebmExportError(`recording failed: ${(e as ErrorEvent).message ?? 'MediaRecorder error'}`); };
  const stopped = new Promise<void>((resolve) => { recorder.onstop = () => resolve(); });
  const started = new Promise<void>((resolve) => { recorder.onstart = () => resolve(); });
  recorder.start();
  // Chromium starts the recorder on the first captured frame, and frames requested before it has started are
  // lost: offer the first frame until it has (a few ms), then record every frame.
  let isStarted = false;
  void started.then(() => { isStarted = true; });
  for (let waited = 0; !isStarted; waited += START_POLL_MS) {
    if (waited > START_TIMEOUT_MS) {
      recorder.stop();
      track.stop();
      throw new WebmExportError(`the recorder did not start within ${START_TIMEOUT_MS} ms`);
    }
    draw(0);
    track.requestFrame();
    await sleep(START_POLL_MS);
  }
  try {
    for (let i = 0; i < frameCount && !failure; i++) {
      draw(i);
      track.requestFrame();
      await sleep(frameMs);
    }
  } finally {
    recorder.stop();
    await stopped;
    track.stop();
  }
  if (failure) throw failure;
  if (chunks.length === 0) throw new WebmExportError('the recorder produced no data');
  return new Blob(chunks, { type: 'video/webm' });
}
