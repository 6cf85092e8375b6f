import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../options/defaults.js';
import { assertEncodedBytes, assertInputPixels, checkImageHeader, unsupportedFormatError } from './image-limits.js';

const limits = { ...DEFAULTS.limits, maxInputPixels: 1000, maxEncodedBytes: 100 };
const thrown = (f: () => void) => {
  try {
    f();
  } catch (err) {
    return err;
  }
  return 'passed';
};

describe('the image limits, one message each', () => {
  it('limits.maxInputPixels: the image, its size and pixels, the setting and its value; the limit itself passes', () => {
    expect(thrown(() => assertInputPixels('a.png', 40, 26, limits))).toMatchObject({
      code: 'E_LIMIT',
      message: 'image a.png is 40x26 (1040 pixels), over limits.maxInputPixels (1000)',
    });
    expect(thrown(() => assertInputPixels('a.png', 40, 25, limits))).toBe('passed');
  });

  it('limits.maxEncodedBytes: the image, its bytes, the setting and its value', () => {
    expect(thrown(() => assertEncodedBytes('Blob', 101, limits))).toMatchObject({
      code: 'E_LIMIT',
      message: 'image Blob has 101 bytes, over limits.maxEncodedBytes (100)',
    });
    expect(thrown(() => assertEncodedBytes('Blob', 100, limits))).toBe('passed');
  });

  it('a header: its size through assertInputPixels; a format that always holds a size but gives none is cut short; TIFF and AVIF may be unsized', () => {
    expect(thrown(() => checkImageHeader({ format: 'gif', width: 1, height: 20000 }, 'g.gif', limits))).toMatchObject({
      code: 'E_LIMIT',
      message: 'image g.gif is 1x20000 (20000 pixels), over limits.maxInputPixels (1000)',
    });
    expect(thrown(() => checkImageHeader({ format: 'jpeg' }, 'j.jpg', limits))).toMatchObject({
      code: 'E_IMAGE_DECODE',
      message: 'cannot decode image j.jpg: its JPEG header is cut short or corrupt (no image size in it)',
    });
    for (const format of ['tiff', 'avif', 'heif', 'svg'] as const) expect(thrown(() => checkImageHeader({ format }, 'x', limits))).toBe('passed');
  });

  it('a header that gives a size of 0 is corrupt, as one that gives none: no adapter decodes an empty image', () => {
    for (const [width, height] of [
      [0, 16],
      [16, 0],
    ] as const)
      expect(thrown(() => checkImageHeader({ format: 'png', width, height }, 'p.png', limits))).toMatchObject({
        code: 'E_IMAGE_DECODE',
        message: `cannot decode image p.png: its PNG header gives a size of ${width}x${height}`,
      });
  });

  it('a format an adapter does not read: what the bytes are, and what it reads', () => {
    const gif = new TextEncoder().encode('GIF89a');
    expect(unsupportedFormatError('u.gif', gif, 'the wasm decoder', ['jpeg', 'png', 'webp'], '; convert it')).toMatchObject({
      code: 'E_IMAGE_DECODE',
      message: 'cannot decode image u.gif: it is GIF, not one of the formats the wasm decoder reads (JPEG, PNG, WebP); convert it',
    });
  });
});
