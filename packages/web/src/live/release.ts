// What a stream's inputs hold and who closes them: core hands every input a stream took back to
// `decoder.release` once, classified, dropped or failed.
import type { WebImageSource } from '../decode-image.js';
import { isA } from '../decode-image.js';

/** Bitmaps a feed made itself (a `<video>`'s frame where the browser has no `VideoFrame`); the caller's own bitmaps stay open. */
const feedBitmaps = new WeakSet<ImageBitmap>();

/** Marks a bitmap a feed made, so that {@link releaseWebInput} closes it. */
export function ownBitmap(bitmap: ImageBitmap): ImageBitmap {
  feedBitmaps.add(bitmap);
  return bitmap;
}

/**
 * Closes what a stream's input holds: a `VideoFrame` (camera or GPU memory, which the browser
 * otherwise keeps until garbage collection, warning about it), or an `ImageBitmap` a live feed
 * made. Anything else holds nothing to release.
 *
 * @example
 * ```ts
 * const backend = { ...createWebBackend(), decoder: { ...decoder, release: releaseWebInput } };
 * ```
 */
export function releaseWebInput(input: WebImageSource): void {
  if (isA<VideoFrame>(input, 'VideoFrame')) input.close();
  else if (isA<ImageBitmap>(input, 'ImageBitmap') && feedBitmaps.has(input)) input.close();
}
