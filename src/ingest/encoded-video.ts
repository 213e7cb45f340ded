/** A demuxed video track ready for WebCodecs: what the WebM and MP4 demuxers both produce. */
export interface EncodedVideoSample {
  /** presentation time in microseconds */
  timestampUs: number;
  key: boolean;
  data: Uint8Array;
}

export interface EncodedVideo {
  /** WebCodecs codec string, or null when the track's codec is not one we hand to WebCodecs */
  codec: string | null;
  /** codec configuration record (avcC, av1C), when the codec needs one */
  description: Uint8Array | null;
  width: number;
  height: number;
  /** in decode order */
  samples: EncodedVideoSample[];
}
