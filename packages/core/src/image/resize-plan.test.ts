import { describe, expect, it } from 'vitest';
import { DEFAULTS, resolvePreprocessOptions } from '../options/defaults.js';
import { planResize, roundHalfEven } from './resize-plan.js';

const card = DEFAULTS.preprocess;

describe('planResize', () => {
  it('scales a landscape photo to shorter side 256 and crops the reference center', () => {
    // 256/375*500 = 341.33 -> 341; left = 341//2 - 112 = 58; top = 128 - 112 = 16
    expect(planResize(500, 375, card)).toEqual({ width: 341, height: 256, crop: { left: 58, top: 16, width: 224, height: 224 } });
  });

  it('handles portrait and odd sizes with floor division offsets', () => {
    // 256/333*500 = 384.38 -> 384; top = 192 - 112 = 80
    expect(planResize(333, 500, card)).toEqual({ width: 256, height: 384, crop: { left: 16, top: 80, width: 224, height: 224 } });
    // 256/200*511 = 654.08 -> 654; left = 327 - 112 = 215
    expect(planResize(511, 200, card).crop.left).toBe(215);
    // odd resized width: 256/100*101 = 258.56 -> 259; left = 129 - 112 = 17
    expect(planResize(101, 100, card)).toEqual({ width: 259, height: 256, crop: { left: 17, top: 16, width: 224, height: 224 } });
  });

  it('enlarges photos whose shorter side is under 256', () => {
    expect(planResize(64, 48, card)).toEqual({ width: 341, height: 256, crop: { left: 58, top: 16, width: 224, height: 224 } });
    expect(planResize(1, 1, card)).toEqual({ width: 256, height: 256, crop: { left: 16, top: 16, width: 224, height: 224 } });
  });

  it('squashes to the crop size in squash mode', () => {
    const squash = resolvePreprocessOptions({ mode: 'squash' });
    expect(planResize(500, 375, squash)).toEqual({ width: 224, height: 224, crop: { left: 0, top: 0, width: 224, height: 224 } });
  });

  it('rounds half to even like Python', () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4, 2.6, 341.5].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2, 3, 342]);
    // 256/512*683 = 341.5 -> 342 (even), not 341 or Math.round's 342 by luck: check 340.5 too
    expect(planResize(681, 512, card).width).toBe(340); // 256/512*681 = 340.5 -> 340
  });

  it('rejects impossible options', () => {
    expect(() => resolvePreprocessOptions({ cropSize: 300 })).toThrow(/cannot exceed/);
    expect(() => resolvePreprocessOptions({ std: [1, 0, 1] })).toThrow(/none zero/);
    expect(() => resolvePreprocessOptions({ mode: 'stretch' as never })).toThrow(/mode/);
  });
});

describe('planResize bounds the resized image', () => {
  it('refuses an extreme aspect ratio before anything is allocated: 1e8x1 would become 25,600,000,000x256', () => {
    expect(() => planResize(100_000_000, 1, DEFAULTS.preprocess)).toThrow(
      expect.objectContaining({ code: 'E_LIMIT', message: expect.stringContaining('25600000000x256 (6553600000000 pixels), over limits.maxResizedPixels') }),
    );
    expect(() => planResize(1, 100_000_000, DEFAULTS.preprocess)).toThrow(expect.objectContaining({ code: 'E_LIMIT' }));
  });

  it('takes every size up to the limit: 2^24 pixels is a 256:1 panorama at 256', () => {
    // 65536x256 is exactly 2^24 pixels; one more column is over
    expect(planResize(65_536, 256, DEFAULTS.preprocess)).toMatchObject({ width: 65_536, height: 256 });
    expect(() => planResize(65_537, 256, DEFAULTS.preprocess)).toThrow(expect.objectContaining({ code: 'E_LIMIT' }));
    expect(planResize(6000, 1000, DEFAULTS.preprocess, 1536 * 256)).toMatchObject({ width: 1536, height: 256 });
    expect(() => planResize(6000, 1000, DEFAULTS.preprocess, 1536 * 256 - 1)).toThrow(expect.objectContaining({ code: 'E_LIMIT' }));
  });

  it('squash never resizes past cropSize, whatever the aspect ratio', () => {
    expect(planResize(100_000_000, 1, resolvePreprocessOptions({ mode: 'squash' }))).toMatchObject({ width: 224, height: 224 });
  });
});
