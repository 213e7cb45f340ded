/** Makes the FrameSource for a source choice. */
import type { FrameSource, SourceKind } from '../ingest/types';
import { CameraSource } from '../ingest/camera-source';
import { DemoSource } from '../ingest/demo-source';
import { UnreadableVideoError } from '../ingest/errors';
import { VideoFileSource } from '../ingest/video-file-source';
import { useAppStore } from '../state/store';

export function createSource(kind: SourceKind, file?: File): FrameSource {
  switch (kind) {
    case 'camera':
      return new CameraSource({ deviceId: useAppStore.getState().cameraId ?? undefined, everyFrame: useAppStore.getState().cameraEveryFrame });
    case 'demo':
      return new DemoSource();
    case 'file':
      if (!file) throw new UnreadableVideoError('No file was chosen.');
      return new VideoFileSource(file);
  }
}
