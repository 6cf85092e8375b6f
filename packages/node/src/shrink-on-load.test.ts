import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '@onnx-mobilenet/core';
import { planResize } from '@onnx-mobilenet/core/preprocess';
import { jpegShrinkFactor, shrinkOnLoadIsExact } from './shrink-on-load.js';

const plan = (w: number, h: number) => planResize(w, h, DEFAULTS.preprocess);

describe('JPEG shrink-on-load', () => {
  it("picks sharp's factor: the largest of 8, 4, 2 that leaves at least 2x for the resize", () => {
    // shorter side / 256 is the shrink
    expect(jpegShrinkFactor(500, 375, plan(500, 375))).toBe(1); // 1.46
    expect(jpegShrinkFactor(1000, 750, plan(1000, 750))).toBe(1); // 2.93
    expect(jpegShrinkFactor(1500, 1125, plan(1500, 1125))).toBe(2); // 4.39
    expect(jpegShrinkFactor(1024, 1024, plan(1024, 1024))).toBe(2); // exactly 4
    expect(jpegShrinkFactor(4000, 3000, plan(4000, 3000))).toBe(4); // 11.72
    expect(jpegShrinkFactor(6000, 4500, plan(6000, 4500))).toBe(8); // 17.58
    expect(jpegShrinkFactor(2048, 4096, plan(2048, 4096))).toBe(4); // exactly 8 (portrait)
    expect(jpegShrinkFactor(1023, 1023, plan(1023, 1023))).toBe(1); // just under 4
  });

  it('is exact only where the factor divides both sides', () => {
    expect(shrinkOnLoadIsExact(500, 375, plan(500, 375))).toBe(true); // no shrink
    expect(shrinkOnLoadIsExact(4000, 3000, plan(4000, 3000))).toBe(true);
    expect(shrinkOnLoadIsExact(4032, 3024, plan(4032, 3024))).toBe(true); // a phone camera
    expect(shrinkOnLoadIsExact(1500, 1125, plan(1500, 1125))).toBe(false);
    expect(shrinkOnLoadIsExact(3000, 2250, plan(3000, 2250))).toBe(false);
    expect(shrinkOnLoadIsExact(6001, 4000, plan(6001, 4000))).toBe(false);
  });
});
