/**
 * Named ingest errors. Sources reject `start()` with one of these; the app turns each into an on-screen
 * message with a way forward (see src/app/error-messages.ts). `code` is stable and is what the UI and
 * tests key on.
 */
export type IngestErrorCode =
  | 'camera-permission-denied'
  | 'no-camera'
  | 'camera-in-use'
  | 'camera-unplugged'
  | 'camera-failed'
  | 'unreadable-video'
  | 'demo-unavailable';

export abstract class IngestError extends Error {
  abstract readonly code: IngestErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The user (or a policy) refused camera access. */
export class CameraPermissionError extends IngestError {
  override name = 'CameraPermissionError';
  readonly code = 'camera-permission-denied';
}

/** getUserMedia found no video input device, or mediaDevices is unavailable (insecure origin). */
export class NoCameraError extends IngestError {
  override name = 'NoCameraError';
  readonly code = 'no-camera';
}

/** The device exists but could not be opened (held by another application, hardware error). */
export class CameraInUseError extends IngestError {
  override name = 'CameraInUseError';
  readonly code = 'camera-in-use';
}

/** The camera track ended while we were capturing (unplugged, revoked, driver reset). */
export class CameraUnpluggedError extends IngestError {
  override name = 'CameraUnpluggedError';
  readonly code = 'camera-unplugged';
}

/** Any other camera failure (e.g. constraints that no device satisfies). */
export class CameraFailedError extends IngestError {
  override name = 'CameraFailedError';
  readonly code = 'camera-failed';
}

/** A chosen or dropped file that the browser cannot decode as video (or a corrupt/empty file). */
export class UnreadableVideoError extends IngestError {
  override name = 'UnreadableVideoError';
  readonly code = 'unreadable-video';
}

/** The bundled demo clip could not be loaded or decoded. */
export class DemoUnavailableError extends IngestError {
  override name = 'DemoUnavailableError';
  readonly code = 'demo-unavailable';
}

/** Maps a getUserMedia DOMException to the named error it means. */
export function cameraErrorFrom(err: unknown): IngestError {
  const name = err instanceof Error || (typeof err === 'object' && err !== null && 'name' in err) ? String((err as { name: unknown }).name) : '';
  const detail = err instanceof Error ? err.message : String(err);
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return new CameraPermissionError(`Camera access was denied (${detail}).`, { cause: err });
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return name === 'OverconstrainedError'
        ? new CameraFailedError(`No camera supports the requested mode (${detail}).`, { cause: err })
        : new NoCameraError(`No camera was found (${detail}).`, { cause: err });
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return new CameraInUseError(`The camera could not be started; another application may be using it (${detail}).`, { cause: err });
    default:
      return new CameraFailedError(`The camera failed: ${name ? `${name}: ` : ''}${detail}`, { cause: err });
  }
}
