import { describe, expect, it } from 'vitest';
import { movingAverage } from './smoothing.js';

describe('movingAverage', () => {
  it('averages with the past by its weight (values worked by hand)', () => {
    const average = movingAverage(0.5);
    expect([...average(new Float32Array([1, 0, 0]))]).toEqual([1, 0, 0]);
    expect([...average(new Float32Array([0, 1, 0]))]).toEqual([0.5, 0.5, 0]);
    expect([...average(new Float32Array([0, 1, 0]))]).toEqual([0.25, 0.75, 0]);
    const slow = movingAverage(0.8);
    slow(new Float32Array([1, 0]));
    const second = slow(new Float32Array([0, 1]));
    expect(second[0]).toBeCloseTo(0.8, 6);
    expect(second[1]).toBeCloseTo(0.2, 6);
  });

  it('returns each frame as it is at 0', () => {
    const average = movingAverage(0);
    average(new Float32Array([1, 0]));
    expect([...average(new Float32Array([0.25, 0.75]))]).toEqual([0.25, 0.75]);
  });

  it('stays a distribution, and a returned array is not changed by later frames', () => {
    const average = movingAverage(0.7);
    const first = average(new Float32Array([0.2, 0.3, 0.5]));
    const second = average(new Float32Array([0.6, 0.1, 0.3]));
    expect([...first]).toEqual([...new Float32Array([0.2, 0.3, 0.5])]);
    expect(second.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(second[0]).toBeCloseTo(0.7 * 0.2 + 0.3 * 0.6, 6);
  });
});
