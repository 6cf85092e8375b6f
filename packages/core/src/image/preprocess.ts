import type { PreprocessOptions } from '../options/defaults.js';
import { assertRawImage, type RawImage } from './image.js';
import { normalizeToCHW } from './normalize.js';
import { resampleBilinear } from './resample.js';
import { planResize } from './resize-plan.js';

/**
 * Resizes and crops decoded pixels per `options` (see {@link planResize}) with core's
 * antialiased bilinear resampler, returning the 8-bit crop the model will see.
 *
 * @example
 * ```ts
 * const crop = resizeAndCrop(photo, DEFAULTS.preprocess); // 224×224, same channels as photo
 * ```
 */
export function resizeAndCrop(image: RawImage, options: PreprocessOptions, maxResizedPixels?: number): RawImage {
  assertRawImage(image);
  const plan = planResize(image.width, image.height, options, maxResizedPixels);
  return resampleBilinear(image, plan.width, plan.height, plan.crop);
}

/**
 * The whole preprocessing of the model card on decoded pixels: resize, crop, scale to [0, 1],
 * normalise with mean/std, HWC to CHW. Returns `3 × cropSize × cropSize` float32 values.
 *
 * @example
 * ```ts
 * const chw = preprocess(photo, DEFAULTS.preprocess);
 * const tensor = new ort.Tensor('float32', chw, [1, 3, 224, 224]);
 * ```
 */
export function preprocess(image: RawImage, options: PreprocessOptions): Float32Array {
  return normalizeToCHW(resizeAndCrop(image, options), options.mean, options.std);
}
