import { describe, expect, it } from 'vitest';
import { everyFrameFromSearch, laneRestFromSearch, preferredBackend } from './startup';

describe('startup URL options', () => {
  it('?backend= picks a known backend, else webgpu', () => {
    expect(preferredBackend('?backend=cpu')).toBe('cpu');
    expect(preferredBackend('?backend=nope')).toBe('webgpu');
    expect(preferredBackend('')).toBe('webgpu');
  });

  it('?model-rest= takes a non-negative number; anything else leaves the default', () => {
    expect(laneRestFromSearch('?model-rest=0')).toBe(0);
    expect(laneRestFromSearch('?model-rest=1.5')).toBe(1.5);
    expect(laneRestFromSearch('?model-rest=-1')).toBeUndefined();
    expect(laneRestFromSearch('?model-rest=x')).toBeUndefined();
    expect(laneRestFromSearch('?model-rest=')).toBeUndefined();
    expect(laneRestFromSearch('?source=demo')).toBeUndefined();
  });

  it('?frames=all keeps every camera frame, ?frames=live drops; otherwise the setting is left alone', () => {
    expect(everyFrameFromSearch('?frames=all')).toBe(true);
    expect(everyFrameFromSearch('?source=camera&frames=live')).toBe(false);
    expect(everyFrameFromSearch('?frames=some')).toBeUndefined();
    expect(everyFrameFromSearch('')).toBeUndefined();
  });
});
