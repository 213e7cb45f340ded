/**
 * A FrameSource over a user's video file that delivers EVERY frame, in order, waiting for the consumer
 * (never real-time dropping):
 *  - Y4M is decoded here (Chromium's <video> does not play it);
 *  - WebM (VP8/VP9/AV1) and MP4 (H.264) are demuxed here and decoded with WebCodecs, one chunk after another,
 *    so every coded frame comes out exactly once (measured: <video> playback with pause-per-frame skipped 11%
 *    of cap12_edit);
 *  - anything else (other codecs, fragmented MP4) goes through a muted <video>: it plays, and on each requestVideoFrameCallback we
 *    pause, hand the presented frame on, then resume. `presentedFrames` shows when the player skipped frames;
 *    they are counted in `droppedFrames` rather than hidden.
 * A file the browser cannot decode rejects start() with UnreadableVideoError naming the file.
 */
import { UnreadableVideoError } from './errors';
import type { Frame, FrameSource, SourceInfo } from './types';
import { Y4mBlobReader, y4mFrameToRgba, Y4mFormatError } from './y4m';
import { demuxWebm, webmToEncoded, WebmFormatError } from './webm-demux';
import { demuxMp4, Mp4FormatError } from './mp4-demux';
import type { EncodedVideo } from './encoded-video';
import { decodeFrames, decoderConfig, VideoDecodeError } from './webcodecs-frames';

type OnFrame = (frame: Frame) => Promise<void> | void;

async function isY4m(file: Blob, name: string): Promise<boolean> {
  if (/\.y4m$/i.test(name)) return true;
  const head = new Uint8Array(await file.slice(0, 10).arrayBuffer());
  return new TextDecoder().decode(head) === 'YUV4MPEG2 ';
}

export class VideoFileSource implements FrameSource {
  readonly info: SourceInfo;
  /** Frames the <video> path skipped; 0 when every frame was delivered (always 0 for Y4M and WebCodecs). */
  droppedFrames = 0;
  /** How the file is being decoded, once start() has chosen. */
  decodePath: 'y4m' | 'webcodecs' | 'video-element' | null = null;
  private stopped = false;
  private stopHook: (() => void) | null = null;

  constructor(private readonly file: Blob, readonly name: string = file instanceof File ? file.name : 'video') {
    this.info = { kind: 'file', label: name, nominalFps: null, frameCount: null };
  }

  stop(): void {
    this.stopped = true;
    this.stopHook?.();
  }

  async start(onFrame: OnFrame): Promise<void> {
    this.stopped = false;
    if (this.file.size === 0) throw new UnreadableVideoError(`${this.name}: the file is empty.`);
    if (await isY4m(this.file, this.name)) {
      this.decodePath = 'y4m';
      return this.runY4m(onFrame);
    }
    const encoded = await this.demux();
    const config = encoded ? decoderConfig(encoded) : null;
    if (encoded && config) {
      if ((await VideoDecoder.isConfigSupported(config)).supported) {
        this.decodePath = 'webcodecs';
        return this.runWebCodecs(encoded, config, onFrame);
      }
    }
    this.decodePath = 'video-element';
    return this.runVideo(onFrame);
  }

  /** WebM or MP4 demuxed for WebCodecs, or null (other container, no WebCodecs, or codec we do not map). */
  private async demux(): Promise<EncodedVideo | null> {
    if (typeof VideoDecoder === 'undefined') return null;
    const head = new Uint8Array(await this.file.slice(0, 12).arrayBuffer());
    const webm = head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3;
    const mp4 = String.fromCharCode(...head.subarray(4, 8)) === 'ftyp';
    if (!webm && !mp4) return null;
    const bytes = new Uint8Array(await this.file.arrayBuffer());
    try {
      return webm ? webmToEncoded(demuxWebm(bytes)) : demuxMp4(bytes);
    } catch (err) {
      if (err instanceof WebmFormatError) throw new UnreadableVideoError(`${this.name}: ${err.message}.`, { cause: err });
      // an MP4 we cannot demux (e.g. fragmented) may still play in <video>
      if (err instanceof Mp4FormatError) return null;
      throw err;
    }
  }

  private async runWebCodecs(video: EncodedVideo, config: VideoDecoderConfig, onFrame: OnFrame): Promise<void> {
    Object.assign(this.info, { frameCount: video.samples.length });
    let index = 0;
    try {
      for await (const vf of decodeFrames(video, config, () => this.stopped)) {
        try {
          await onFrame({ index: index++, timestampMs: vf.timestamp / 1000, width: vf.displayWidth, height: vf.displayHeight, image: vf });
        } finally {
          vf.close();
        }
      }
    } catch (err) {
      if (err instanceof VideoDecodeError) throw new UnreadableVideoError(`${this.name}: ${err.message}.`, { cause: err });
      throw err;
    }
  }

  private async runY4m(onFrame: OnFrame): Promise<void> {
    let reader: Y4mBlobReader;
    try {
      reader = await Y4mBlobReader.open(this.file);
    } catch (err) {
      throw new UnreadableVideoError(`${this.name}: not a readable Y4M file (${err instanceof Error ? err.message : String(err)}).`, { cause: err });
    }
    const h = reader.header;
    Object.assign(this.info, { nominalFps: h.fps, frameCount: reader.estimatedFrameCount });
    const fps = h.fps ?? 30;
    const canvas = new OffscreenCanvas(h.width, h.height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new UnreadableVideoError(`${this.name}: no 2D canvas to decode into.`);
    const image = new ImageData(h.width, h.height);
    while (!this.stopped) {
      let f: Awaited<ReturnType<Y4mBlobReader['next']>>;
      try {
        f = await reader.next();
      } catch (err) {
        if (err instanceof Y4mFormatError) throw new UnreadableVideoError(`${this.name}: ${err.message}`, { cause: err });
        throw err;
      }
      if (!f) return;
      y4mFrameToRgba(h, f.yuv, image.data);
      ctx.putImageData(image, 0, 0);
      await onFrame({ index: f.index, timestampMs: (f.index * 1000) / fps, width: h.width, height: h.height, image: canvas });
    }
  }

  private async runVideo(onFrame: OnFrame): Promise<void> {
    const url = URL.createObjectURL(this.file);
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.preload = 'auto';
    video.src = url;
    try {
      await new Promise<void>((resolve, reject) => {
        video.onloadeddata = () => resolve();
        video.onerror = () => reject(new UnreadableVideoError(`${this.name}: the browser cannot decode this file (${video.error?.message || `media error ${video.error?.code ?? '?'}`}).`));
      });
      const width = video.videoWidth;
      const height = video.videoHeight;
      if (!width || !height) throw new UnreadableVideoError(`${this.name}: the file has no video track.`);
      // tfjs and canvas readers size <video> inputs from these attributes, not from videoWidth.
      video.width = width;
      video.height = height;
      await new Promise<void>((resolve, reject) => {
        let index = 0;
        let lastPresented = 0;
        let failed = false;
        let inFlight: Promise<void> = Promise.resolve();
        // 'ended' can fire while the last frame is still being processed: resolve only after it.
        const finish = (): void => {
          video.onended = null;
          void inFlight.then(() => resolve());
        };
        this.stopHook = finish;
        video.onended = finish;
        video.onerror = () => reject(new UnreadableVideoError(`${this.name}: decoding failed mid-file.`));
        const onVideoFrame = (_now: number, meta: VideoFrameCallbackMetadata): void => {
          if (this.stopped || failed) return;
          video.pause();
          if (lastPresented && meta.presentedFrames > lastPresented + 1) this.droppedFrames += meta.presentedFrames - lastPresented - 1;
          lastPresented = meta.presentedFrames;
          const frame: Frame = { index: index++, timestampMs: meta.mediaTime * 1000, width, height, image: video };
          inFlight = Promise.resolve(onFrame(frame)).then(
            () => {
              if (this.stopped) return finish();
              if (video.ended) return finish();
              video.requestVideoFrameCallback(onVideoFrame);
              video.play().catch((err: unknown) => { failed = true; reject(err); });
            },
            (err: unknown) => { failed = true; reject(err); },
          ) as Promise<void>;
        };
        video.requestVideoFrameCallback(onVideoFrame);
        video.play().catch((err: unknown) => reject(new UnreadableVideoError(`${this.name}: playback failed (${err instanceof Error ? err.message : String(err)}).`, { cause: err })));
      });
    } finally {
      this.stopHook = null;
      video.pause();
      video.removeAttribute('src');
      video.load();
      URL.revokeObjectURL(url);
    }
  }
}
