import { describe, expect, it } from 'vitest';
import { parseLabels } from './labels.js';
import { predictionsFromLogits, softmax, topK } from './postprocess.js';

describe('softmax', () => {
  it('refuses NaN and +Infinity scores with E_INFERENCE naming the class; -Infinity gets probability 0', () => {
    // Before: one NaN made every probability NaN, and NaN passed a 0.5 threshold (NaN < 0.5 is false).
    expect(() => softmax([1, Number.NaN, 3])).toThrow(expect.objectContaining({ code: 'E_INFERENCE', message: expect.stringContaining('class 1 is NaN') }));
    expect(() => softmax([1, 2, Number.POSITIVE_INFINITY])).toThrow(
      expect.objectContaining({ code: 'E_INFERENCE', message: expect.stringContaining('class 2 is Infinity') }),
    );
    expect(() => softmax([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY])).toThrow(expect.objectContaining({ code: 'E_INFERENCE' }));
    expect(Array.from(softmax([Number.NEGATIVE_INFINITY, 0, 0]))).toEqual([0, 0.5, 0.5]);
  });

  it('matches hand-computed values', () => {
    const p = softmax(new Float32Array([1, 2, 3]));
    [0.09003057, 0.24472847, 0.66524096].forEach((v, i) => {
      expect(p[i]).toBeCloseTo(v, 6);
    });
  });
  it('is stable for huge logits', () => {
    expect(Array.from(softmax([1000, 1000, -1000]))).toEqual([0.5, 0.5, 0]);
  });
  it('reads a slice at an offset', () => {
    expect(Array.from(softmax([9, 0, 0], 1, 2))).toEqual([0.5, 0.5]);
  });
});

describe('topK', () => {
  it('agrees with a full sort on random scores', () => {
    let s = 3;
    const scores = new Float32Array(1000).map(() => {
      s = (s * 16807) % 2147483647;
      return s / 2147483647;
    });
    const sorted = Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!);
    for (const k of [1, 5, 37, 1000]) expect(topK(scores, k)).toEqual(sorted.slice(0, k));
  });
  it('keeps the lower index first on ties and honours a filter', () => {
    expect(topK([1, 3, 3, 2], 3)).toEqual([1, 2, 3]);
    expect(topK([1, 3, 3, 2], 2, (i) => i !== 1)).toEqual([2, 3]);
    expect(topK([1, 2], 0)).toEqual([]);
  });
});

describe('predictionsFromLogits', () => {
  const labels = parseLabels('n00000001 cat\nn00000002 dog\nn00000003 fox\nn00000004 owl');
  const logits = new Float32Array([2, 4, 3, 1]);

  it('returns plain prediction objects best first', () => {
    const p = predictionsFromLogits(logits, labels, { topK: 2 });
    expect(p.map((x) => x.label)).toEqual(['dog', 'fox']);
    expect(p[0]).toEqual({ index: 1, id: 'n00000002', label: 'dog', probability: expect.closeTo(0.6439, 4) });
  });
  it('applies threshold, allow and deny by index, id or label', () => {
    expect(predictionsFromLogits(logits, labels, { topK: 4, threshold: 0.2 }).map((x) => x.label)).toEqual(['dog', 'fox']);
    expect(predictionsFromLogits(logits, labels, { topK: 4, allow: [0, 'owl'] }).map((x) => x.label)).toEqual(['cat', 'owl']);
    expect(predictionsFromLogits(logits, labels, { topK: 2, deny: ['n00000002', 'FOX'] }).map((x) => x.label)).toEqual(['cat', 'owl']);
  });
  it('rejects unknown classes with E_INPUT', () => {
    expect(() => predictionsFromLogits(logits, labels, { topK: 1, allow: ['unicorn'] })).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });
});
