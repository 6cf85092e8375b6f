import { describe, expect, it } from 'vitest';
import { OnnxMobilenetError } from '../errors/errors.js';
import { cosineSimilarity, l2Normalize, nearestNeighbors } from './similarity.js';

describe('cosineSimilarity', () => {
  it('matches hand-computed values', () => {
    // [1,2,3]·[4,5,6] = 32; |a|² = 14, |b|² = 77
    expect(cosineSimilarity([1, 2, 3], [4, 5, 6])).toBeCloseTo(32 / Math.sqrt(14 * 77), 12);
    expect(cosineSimilarity([1, 0], [0, 1])).toBe(0);
    expect(cosineSimilarity([3, 4], [6, 8])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 0], [-2, 0])).toBeCloseTo(-1, 12);
    expect(cosineSimilarity(Float32Array.of(1, 1), Float32Array.of(1, 0))).toBeCloseTo(Math.SQRT1_2, 7);
  });

  it('is 0 (not NaN) when either vector is all zeros', () => {
    expect(cosineSimilarity([0, 0, 0], [1, 2, 3])).toBe(0);
    expect(cosineSimilarity([1, 2, 3], [0, 0, 0])).toBe(0);
    expect(cosineSimilarity([0, 0], [0, 0])).toBe(0);
    expect(cosineSimilarity([], [])).toBe(0);
  });

  it('refuses vectors of different lengths with E_INPUT naming both lengths', () => {
    let caught: unknown;
    try {
      cosineSimilarity([1, 2, 3], [1, 2]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(OnnxMobilenetError);
    expect(caught).toMatchObject({ code: 'E_INPUT', message: expect.stringMatching(/lengths 3 and 2/) });
  });
});

describe('nearestNeighbors', () => {
  // Similarities to [1, 0]: 0, 1/√2, 1, 1/√2, -1
  const set = [
    [0, 1],
    [1, 1],
    [2, 0],
    [1, 1],
    [-1, 0],
  ]; // 1 and 3 tie exactly

  it('orders by similarity, most similar first, ties by position', () => {
    const all = nearestNeighbors([1, 0], set, 10);
    expect(all.map((n) => n.index)).toEqual([2, 1, 3, 0, 4]);
    expect(all[0]!.similarity).toBeCloseTo(1, 12);
    expect(all[1]!.similarity).toBeCloseTo(Math.SQRT1_2, 12);
    expect(all[2]!.similarity).toBeCloseTo(Math.SQRT1_2, 12);
    expect(all[3]!.similarity).toBe(0);
    expect(all[4]!.similarity).toBeCloseTo(-1, 12);
  });

  it('returns k of them: one by default, none for k ≤ 0, all when k exceeds the set', () => {
    expect(nearestNeighbors([1, 0], set).map((n) => n.index)).toEqual([2]);
    expect(nearestNeighbors([1, 0], set, 2).map((n) => n.index)).toEqual([2, 1]);
    expect(nearestNeighbors([1, 0], set, 0)).toEqual([]);
    expect(nearestNeighbors([1, 0], set, -3)).toEqual([]);
    expect(nearestNeighbors([1, 0], set, 99)).toHaveLength(set.length);
    expect(nearestNeighbors([1, 0], [], 3)).toEqual([]);
  });

  it('puts zero vectors at similarity 0 and refuses a vector of another length with E_INPUT', () => {
    expect(
      nearestNeighbors(
        [1, 0],
        [
          [0, 0],
          [-1, 0],
        ],
        2,
      ),
    ).toEqual([
      { index: 0, similarity: 0 },
      { index: 1, similarity: -1 },
    ]);
    expect(() =>
      nearestNeighbors(
        [1, 0],
        [
          [1, 0],
          [1, 0, 0],
        ],
        2,
      ),
    ).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });
});

describe('l2Normalize', () => {
  it('scales to unit length as float32, leaving the input alone', () => {
    const input = [3, 4];
    const unit = l2Normalize(input);
    expect(unit).toBeInstanceOf(Float32Array);
    expect(Array.from(unit)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(input).toEqual([3, 4]);
    expect(Array.from(l2Normalize(Float32Array.of(-2, 0, 0)))).toEqual([-1, 0, 0]);
  });

  it('keeps a zero vector zero (no NaN) and an empty one empty', () => {
    expect(Array.from(l2Normalize([0, 0, 0]))).toEqual([0, 0, 0]);
    expect(l2Normalize([])).toHaveLength(0);
  });
});
