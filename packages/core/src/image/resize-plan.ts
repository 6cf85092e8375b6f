import { OnnxMobilenetError } from '../errors/errors.js';
import { DEFAULTS, type PreprocessOptions } from '../options/defaults.js';

/** A rectangle in pixel coordinates. */
export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The geometry of preprocessing: resize the whole image to `width`×`height`, then keep `crop`.
 * Adapters that resize natively (sharp in Node) execute this plan; core executes it otherwise,
 * so both runtimes agree on every offset.
 */
export interface ResizePlan {
  /** Width of the resized image, before cropping. */
  width: number;
  /** Height of the resized image, before cropping. */
  height: number;
  /** The region of the resized image that becomes the model input. */
  crop: Rect;
}

/**
 * Computes the resize and crop of the reference evaluation for an image of `width`×`height`.
 *
 * `'shorter-side-crop'` scales the shorter side to `resizeShorter` and the longer side to
 * `round(ratio × longer)` (Python's round, half to even, as the reference script does), then takes
 * the `cropSize` square at `(w // 2 - cropSize // 2, h // 2 - cropSize // 2)`. `'squash'` resizes
 * straight to `cropSize`×`cropSize`. A resized image of more than `maxResizedPixels` (an extreme
 * aspect ratio: 100,000,000×1 would become 25,600,000,000×256) is `E_LIMIT`, before any decoder or
 * resampler allocates it.
 *
 * @example
 * ```ts
 * planResize(500, 375, DEFAULTS.preprocess);
 * // { width: 341, height: 256, crop: { left: 58, top: 16, width: 224, height: 224 } }
 * ```
 */
export function planResize(width: number, height: number, options: PreprocessOptions, maxResizedPixels: number = DEFAULTS.limits.maxResizedPixels): ResizePlan {
  if (!(width >= 1 && height >= 1)) {
    throw new OnnxMobilenetError('E_INPUT', `image size must be at least 1x1, got ${width}x${height}`);
  }
  const size = options.cropSize;
  if (options.mode === 'squash') {
    return { width: size, height: size, crop: { left: 0, top: 0, width: size, height: size } };
  }
  const shorter = options.resizeShorter;
  const ratio = shorter / Math.min(width, height);
  const w = width > height ? Math.max(shorter, roundHalfEven(ratio * width)) : shorter;
  const h = width > height ? shorter : Math.max(shorter, roundHalfEven(ratio * height));
  if (w * h > maxResizedPixels) {
    throw new OnnxMobilenetError(
      'E_LIMIT',
      `the image is ${width}x${height}: resizing its shorter side to ${shorter} makes it ${w}x${h} (${w * h} pixels), over limits.maxResizedPixels (${maxResizedPixels})`,
    );
  }
  const half = Math.floor(size / 2);
  const crop = { left: Math.floor(w / 2) - half, top: Math.floor(h / 2) - half, width: size, height: size };
  return { width: w, height: h, crop };
}

/**
 * Rounds half to even, like Python 3's `round`, so sizes match the reference script exactly.
 *
 * @example
 * ```ts
 * roundHalfEven(340.5); // 340
 * roundHalfEven(341.5); // 342
 * ```
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
