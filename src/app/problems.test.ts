import { describe, expect, it } from 'vitest';
import { cameraErrorFrom, CameraPermissionError, CameraUnpluggedError, NoCameraError, UnreadableVideoError } from '../ingest/errors';
import { GpuLostError, problemFromError } from './problems';
import { preferredBackend } from './startup';

const domError = (name: string, message = 'x') => Object.assign(new Error(message), { name });

describe('cameraErrorFrom', () => {
  it.each([
    ['NotAllowedError', 'camera-permission-denied'],
    ['SecurityError', 'camera-permission-denied'],
    ['NotFoundError', 'no-camera'],
    ['NotReadableError', 'camera-in-use'],
    ['OverconstrainedError', 'camera-failed'],
    ['SomethingNew', 'camera-failed'],
  ])('maps %s to %s', (name, code) => {
    expect(cameraErrorFrom(domError(name)).code).toBe(code);
  });

  it('keeps the browser message and the cause', () => {
    const cause = domError('NotAllowedError', 'Permission denied by user');
    const err = cameraErrorFrom(cause);
    expect(err).toBeInstanceOf(CameraPermissionError);
    expect(err.message).toContain('Permission denied by user');
    expect(err.cause).toBe(cause);
  });
});

describe('problemFromError', () => {
  it('offers the demo and a file when the camera is denied, and says how to allow it', () => {
    const p = problemFromError(new CameraPermissionError('Camera access was denied (x).'), 'camera');
    expect(p.code).toBe('camera-permission-denied');
    expect(p.title).toBe('Camera access was denied');
    expect(p.message).toMatch(/site settings/);
    expect(p.actions).toEqual(['use-demo', 'choose-file', 'retry']);
  });

  it('gives every named ingest error its own title and a way forward', () => {
    for (const [err, kind] of [
      [new NoCameraError('none'), 'camera'],
      [new CameraUnpluggedError('gone'), 'camera'],
      [new UnreadableVideoError('a.webm: bad'), 'file'],
    ] as const) {
      const p = problemFromError(err, kind);
      expect(p.code).toBe(err.code);
      expect(p.title).not.toBe('Something went wrong');
      expect(p.message).toContain(err.message);
      expect(p.actions.length).toBeGreaterThan(0);
      expect(p.actions).not.toContain(kind === 'file' ? 'retry' : 'use-camera');
    }
  });

  it('asks for a reload after a GPU loss and reports unknown failures as tracking failures', () => {
    expect(problemFromError(new GpuLostError('device lost'), 'demo')).toMatchObject({ code: 'gpu-lost', actions: ['reload'] });
    const p = problemFromError(new TypeError('boom'), 'demo');
    expect(p.code).toBe('pipeline-failed');
    expect(p.message).toContain('boom');
    expect(p.actions).toContain('choose-file');
  });
});

describe('preferredBackend', () => {
  it('reads ?backend= and defaults to webgpu for missing or unknown values', () => {
    expect(preferredBackend('?backend=cpu')).toBe('cpu');
    expect(preferredBackend('?source=demo&backend=webgl')).toBe('webgl');
    expect(preferredBackend('')).toBe('webgpu');
    expect(preferredBackend('?backend=metal')).toBe('webgpu');
  });
});
