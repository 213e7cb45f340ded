import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initTfBackend, pixelsToUnitFloat } from './tf-backend';

// Node has neither WebGPU nor WebGL: the real fallback chain must end on the CPU backend and say why.
describe('initTfBackend', () => {
  it('falls back webgpu -> webgl -> cpu with a human-readable reason for each step', async () => {
    const info = await initTfBackend('webgpu');
    expect(info.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info.fallbackReason).toMatch(/^webgpu: .*navigator\.gpu is missing.*; webgl: /);
    // idempotent: a second call reports the same choice
    expect(await initTfBackend('cpu')).toBe(info);
  });

  it('converts pixels to float [0, 1] right after fromPixels', async () => {
    await initTfBackend();
    // tfjs's PixelData form (what fromPixels accepts outside a browser): RGBA bytes
    const img = { data: new Uint8Array([255, 0, 51, 255, 0, 102, 255, 255]), width: 2, height: 1 };
    const t = pixelsToUnitFloat(img);
    expect(t.dtype).toBe('float32');
    expect(t.shape).toEqual([1, 2, 3]);
    const v = await t.data();
    expect([...v].map((x) => Math.round(x * 255))).toEqual([255, 0, 51, 0, 102, 255]);
    t.dispose();
  });
});
