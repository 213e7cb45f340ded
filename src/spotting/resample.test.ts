import { describe, expect, it } from 'vitest';
import { DEFAULT_MIN_CONFIDENCE, ClassifyInputError, classifyEvent, poolProbabilities, softmax, UNCERTAIN } from './classify-event';
import { eventClipFrames, eventClips, ResampleError } from './resample';

describe('resampling an event for MOL', () => {
  it('follows the training sampling for L >= 8: stride floor(L/8), one clip per offset, tail unused', () => {
    // L = 20 (frames 100..119): s = 2, clips start at 100 and 101; frames 116..119 are never used.
    expect(eventClips(100, 119)).toEqual([
      [100, 102, 104, 106, 108, 110, 112, 114],
      [101, 103, 105, 107, 109, 111, 113, 115],
    ]);
    expect(eventClips(0, 7)).toEqual([[0, 1, 2, 3, 4, 5, 6, 7]]);
    expect(eventClips(10, 25)).toHaveLength(2);
    expect(eventClipFrames(100, 119)).toEqual([100, 102, 104, 106, 108, 110, 112, 114]);
    // L = 24: s = 3, the middle clip is offset 1.
    expect(eventClipFrames(0, 23)).toEqual([1, 4, 7, 10, 13, 16, 19, 22]);
  });

  it('repeats frames evenly for short events (L < 8), rounding half up, keeping onset and offset', () => {
    // L = 5: k * 4 / 7 = 0, .57, 1.14, 1.71, 2.29, 2.86, 3.43, 4 -> 0, 1, 1, 2, 2, 3, 3, 4
    expect(eventClipFrames(50, 54)).toEqual([50, 51, 51, 52, 52, 53, 53, 54]);
    // L = 3: k * 2 / 7 -> 0, .29, .57, .86, 1.14, 1.43, 1.71, 2 -> 0, 0, 1, 1, 1, 1, 2, 2
    expect(eventClipFrames(10, 12)).toEqual([10, 10, 11, 11, 11, 11, 12, 12]);
    expect(eventClipFrames(7, 7)).toEqual(Array(8).fill(7));
  });

  it('names bad spans', () => {
    expect(() => eventClips(10, 9)).toThrow(ResampleError);
    expect(() => eventClips(1.5, 9)).toThrow(/integers/);
    expect(() => eventClips(0, 9, 1)).toThrow(/clip length/);
  });
});

describe('classifying an event with abstention', () => {
  const three = ['surprise', 'positive', 'negative'];
  const five = ['surprise', 'happiness', 'disgust', 'repression', 'others'];

  it('returns the most probable class at or above the confidence threshold', () => {
    const c = classifyEvent([0.1, 0.7, 0.2], three);
    expect(c).toEqual({ label: 'positive', classIndex: 1, confidence: 0.7, probabilities: { surprise: 0.1, positive: 0.7, negative: 0.2 } });
    expect(classifyEvent([0.5, 0.3, 0.2], three).label).toBe('surprise');
    expect(DEFAULT_MIN_CONFIDENCE).toBe(0.5);
  });

  it('abstains below the threshold, for 3 and 5 classes, and honours a configured threshold', () => {
    const c = classifyEvent([0.45, 0.3, 0.25], three);
    expect(c.label).toBe(UNCERTAIN);
    expect(c.classIndex).toBe(0);
    expect(classifyEvent([0.3, 0.2, 0.2, 0.15, 0.15], five).label).toBe(UNCERTAIN);
    expect(classifyEvent([0.3, 0.2, 0.2, 0.15, 0.15], five, 0.25).label).toBe('surprise');
    expect(classifyEvent([0.1, 0.05, 0.8, 0.03, 0.02], five).label).toBe('disgust');
    expect(classifyEvent([0.1, 0.7, 0.2], three, 0.9).label).toBe(UNCERTAIN);
  });

  it('softmax and pooling: logits become probabilities, clips are averaged', () => {
    const p = softmax([2, 0, 0]);
    expect(p.reduce((a, b) => a + b)).toBeCloseTo(1, 12);
    expect(p[0]).toBeCloseTo(Math.exp(2) / (Math.exp(2) + 2), 12);
    expect(softmax([1000, 0, 0])[0]).toBe(1);
    expect(poolProbabilities([[0.2, 0.8, 0], [0.6, 0.2, 0.2]])).toEqual([0.4, 0.5, 0.1]);
    expect(classifyEvent(poolProbabilities([softmax([3, 0, 0]), softmax([0, 0, 3])]), three).label).toBe(UNCERTAIN);
  });

  it('names bad input', () => {
    expect(() => classifyEvent([0.5, 0.5], ['a', 'b'])).toThrow(/3 or 5 classes/);
    expect(() => classifyEvent([0.2, 0.3, 0.5], ['a', 'a', 'b'])).toThrow(/unique/);
    expect(() => classifyEvent([0.2, 0.3, 0.5], ['a', 'uncertain', 'b'])).toThrow(/reserved/);
    expect(() => classifyEvent([0.2, 0.3], three)).toThrow(ClassifyInputError);
    expect(() => classifyEvent([2, 0.5, 1], three)).toThrow(/softmax/);
    expect(() => classifyEvent([Number.NaN, 0.5, 0.5], three)).toThrow(/finite/);
    expect(() => classifyEvent([0.2, 0.3, 0.5], three, 1.5)).toThrow(/minConfidence/);
    expect(() => poolProbabilities([])).toThrow(ClassifyInputError);
    expect(() => poolProbabilities([[1, 0, 0], [1, 0]])).toThrow(/class count/);
  });
});
