import { beforeEach, describe, expect, it } from 'vitest';
import { resetAppStore, useAppStore } from './store';

const s = () => useAppStore.getState();

describe('app store slices', () => {
  beforeEach(resetAppStore);

  it('starts idle with the 68-point overlay and no problem', () => {
    expect(s().sourceStatus).toBe('idle');
    expect(s().sourceKind).toBeNull();
    expect(s().overlayMode).toBe('68');
    expect(s().problem).toBeNull();
    expect(s().gpuStatus).toBe('unknown');
  });

  it('source slice records kind, label and status', () => {
    s().setSource('camera', 'Fake camera', 'starting');
    s().setSourceStatus('running');
    expect([s().sourceKind, s().sourceLabel, s().sourceStatus]).toEqual(['camera', 'Fake camera', 'running']);
  });

  it('settings slice toggles the overlay and remembers the picked camera', () => {
    s().setOverlayMode('478');
    s().setCameraId('abc');
    expect(s().overlayMode).toBe('478');
    expect(s().cameraId).toBe('abc');
  });

  it('stats slice derives the GPU status from the backend and resets per source', () => {
    s().setBackend('webgpu', null);
    expect(s().gpuStatus).toBe('webgpu');
    s().setBackend('cpu', 'navigator.gpu is missing');
    expect(s().gpuStatus).toBe('fallback');
    expect(s().fallbackReason).toBe('navigator.gpu is missing');
    s().setStats({ fpsIn: 30, timingIn: { frameMs: 33.3, jitterMs: 1.2, frames: 30 }, fpsProcessed: 2, stageMs: { detect: 5 }, faceFound: true, faceCount: 2, framesProcessed: 7, backlog: { frames: 3, bytes: 900, lagMs: 120, dropped: 0, received: 10 } });
    expect(s().faceCount).toBe(2);
    expect(s().backlog?.frames).toBe(3);
    s().resetStats();
    expect([s().fpsIn, s().framesProcessed, s().faceFound, s().backlog]).toEqual([0, 0, false, null]);
    expect(s().backend).toBe('cpu'); // the backend survives a source change
  });

  it('problem slice sets and clears notices without touching others', () => {
    s().setNotice('faces', 'Several faces');
    s().setNotice('gpu', 'No WebGPU');
    const before = s().notices;
    s().setNotice('faces', 'Several faces');
    expect(s().notices).toBe(before); // unchanged text: no new object, no re-render
    s().setNotice('faces', null);
    expect(s().notices).toEqual({ gpu: 'No WebGPU' });
    s().setProblem({ code: 'no-camera', title: 't', message: 'm', actions: ['use-demo'] });
    expect(s().problem?.code).toBe('no-camera');
  });

  it('reset restores the initial state', () => {
    s().setOverlayMode('off');
    s().setProblem({ code: 'x', title: 't', message: 'm', actions: [] });
    resetAppStore();
    expect(s().overlayMode).toBe('68');
    expect(s().problem).toBeNull();
  });
});
