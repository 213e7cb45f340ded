/**
 * A demuxed video (WebM or MP4, encoded-video.ts) decoded with WebCodecs, frame by frame in presentation order,
 * as an async iterator the consumer pulls at its own pace: a few chunks are in flight and at most a few
 * decoded frames wait, so a slow consumer holds little memory. The consumer closes each frame it takes.
 */
import type { EncodedVideo } from './encoded-video';

export class VideoDecodeError extends Error {
  override readonly name = 'VideoDecodeError';
}

/** WebCodecs' decoder configuration for a demuxed video, or null when its codec is not one WebCodecs takes. */
export function decoderConfig(video: EncodedVideo): VideoDecoderConfig | null {
  if (!video.codec) return null;
  return {
    codec: video.codec,
    codedWidth: video.width,
    codedHeight: video.height,
    ...(video.description ? { description: video.description } : {}),
  };
}

/**
 * Decoded frames of `video` in order. Throws VideoDecodeError (with the frame number) when decoding fails.
 * `stopped()` is checked between frames; returning early (break) closes the decoder and any frame not taken.
 */
export async function* decodeFrames(video: EncodedVideo, config: VideoDecoderConfig, stopped: () => boolean = () => false): AsyncGenerator<VideoFrame> {
  const samples = video.samples;
  const ready: VideoFrame[] = [];
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const poke = (): void => { const w = wake; wake = null; w?.(); };
  const decoder = new VideoDecoder({
    output: (f) => { ready.push(f); poke(); },
    error: (e) => { failure = e; poke(); },
  });
  decoder.addEventListener('dequeue', poke);
  decoder.configure(config);
  let submitted = 0;
  let index = 0;
  let flushed = false;
  try {
    while (!stopped()) {
      // keep a few chunks in flight, but never hold more than a few decoded frames (memory)
      while (submitted < samples.length && decoder.decodeQueueSize < 4 && ready.length < 4) {
        const s = samples[submitted++];
        decoder.decode(new EncodedVideoChunk({ type: s.key ? 'key' : 'delta', timestamp: s.timestampUs, data: s.data }));
      }
      if (failure) throw failure;
      if (!ready.length) {
        if (submitted === samples.length && !flushed) {
          await decoder.flush();
          flushed = true;
          continue;
        }
        if (flushed) break;
        await new Promise<void>((r) => {
          wake = r;
          if (ready.length || failure || decoder.decodeQueueSize < 4) poke();
        });
        continue;
      }
      index++;
      yield ready.shift()!;
    }
  } catch (err) {
    if (err instanceof DOMException || failure) {
      throw new VideoDecodeError(`decoding failed at frame ${index} (${err instanceof Error ? err.message : String(err)})`, { cause: err });
    }
    throw err;
  } finally {
    for (const f of ready) f.close();
    if (decoder.state !== 'closed') decoder.close();
  }
}
