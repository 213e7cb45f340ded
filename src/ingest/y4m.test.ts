import { describe, expect, it } from 'vitest';
import { parseY4mHeader, Y4mBlobReader, y4mFrameToRgba, Y4mFormatError } from './y4m';

const enc = (s: string): Uint8Array<ArrayBuffer> => new Uint8Array(new TextEncoder().encode(s));

function y4m(header: string, frames: Uint8Array<ArrayBuffer>[], frameLine = 'FRAME\n'): Blob {
  return new Blob([enc(header + '\n'), ...frames.flatMap((f) => [enc(frameLine), f])]);
}

describe('parseY4mHeader', () => {
  it('reads size, rate, chroma and range', () => {
    const line = 'YUV4MPEG2 W640 H480 F30000:1001 Ip A1:1 C420jpeg XYSCSS=420JPEG';
    const h = parseY4mHeader(enc(line + '\nFRAME'));
    expect(h).toMatchObject({ width: 640, height: 480, chroma: '420', fullRange: false, headerBytes: line.length + 1, frameBytes: 640 * 480 * 1.5 });
    expect(h.fps).toBeCloseTo(29.97, 2);
    expect(parseY4mHeader(enc('YUV4MPEG2 W3 H3 C444 XCOLORRANGE=FULL\n'))).toMatchObject({ chroma: '444', fullRange: true, frameBytes: 27 });
    expect(parseY4mHeader(enc('YUV4MPEG2 W5 H3 F25:1\n')).frameBytes).toBe(15 + 2 * 3 * 2); // odd width rounds chroma up
  });

  it('rejects what it cannot read with a named error', () => {
    expect(() => parseY4mHeader(enc('RIFF....WEBPVP8 \n'))).toThrow(Y4mFormatError);
    expect(() => parseY4mHeader(enc('YUV4MPEG2 W0 H480\n'))).toThrow(/frame size/);
    expect(() => parseY4mHeader(enc('YUV4MPEG2 W4 H4 C420p10\n'))).toThrow(/C420p10/);
    expect(() => parseY4mHeader(enc('YUV4MPEG2 W4 H4'))).toThrow(Y4mFormatError);
  });
});

describe('y4mFrameToRgba', () => {
  it('maps limited-range BT.601 black, white and colours', () => {
    const h = parseY4mHeader(enc('YUV4MPEG2 W2 H2 C420jpeg\n'));
    const white = y4mFrameToRgba(h, new Uint8Array([235, 235, 235, 235, 128, 128]));
    expect([...white.subarray(0, 4)]).toEqual([255, 255, 255, 255]);
    const black = y4mFrameToRgba(h, new Uint8Array([16, 16, 16, 16, 128, 128]));
    expect([...black.subarray(0, 4)]).toEqual([0, 0, 0, 255]);
    // pure red in BT.601 limited: Y 81, Cb 90, Cr 240
    const red = y4mFrameToRgba(h, new Uint8Array([81, 81, 81, 81, 90, 240]));
    expect(red[0]).toBeGreaterThanOrEqual(253);
    expect(red[1]).toBeLessThanOrEqual(2);
    expect(red[2]).toBeLessThanOrEqual(2);
  });
});

describe('Y4mBlobReader', () => {
  it('reads every frame in order, including FRAME lines with parameters', async () => {
    const f = (v: number): Uint8Array<ArrayBuffer> => new Uint8Array(6).fill(v);
    const blob = new Blob([enc('YUV4MPEG2 W2 H2 F30:1 C420jpeg\n'), enc('FRAME\n'), f(1), enc('FRAME Ixyz\n'), f(2), enc('FRAME\n'), f(3)]);
    const r = await Y4mBlobReader.open(blob);
    const got: number[] = [];
    for (let fr = await r.next(); fr; fr = await r.next()) got.push(fr.index * 10 + fr.yuv[0]);
    expect(got).toEqual([1, 12, 23]);
  });

  it('names a truncated final frame', async () => {
    const blob = y4m('YUV4MPEG2 W2 H2 C420jpeg', [new Uint8Array(6), new Uint8Array(3)]);
    const r = await Y4mBlobReader.open(blob);
    await r.next();
    await expect(r.next()).rejects.toThrow(/frame 1: truncated/);
  });
});
