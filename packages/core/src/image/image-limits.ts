// The image limits' checks, each one function with one message, called by core and by every
// adapter where the quantity is first known: the bytes' count before they are read or decoded,
// the header's size before a decoder allocates pixels. `name` is how messages name the image
// (a path, an address, `Blob`, `123-byte buffer`), as in `assertJpegScans`.
import { byteLimitError, OnnxMobilenetError } from '../errors/errors.js';
import type { Limits } from '../options/defaults.js';
import { describeImageBytes, type EncodedImageFormat, IMAGE_FORMAT_NAMES, type ImageHeader } from './image-header.js';

/**
 * `E_LIMIT` for an image of more than `limits.maxInputPixels` pixels. Core checks every image it
 * plans; an adapter calls it first where it learns a size before allocating that much (a header
 * before decoding, a canvas source before drawing it).
 *
 * @example
 * ```ts
 * assertInputPixels('upload.png', 30000, 30000, limits); // throws: "image upload.png is 30000x30000 (900000000 pixels), over limits.maxInputPixels (100000000)"
 * ```
 */
export function assertInputPixels(name: string, width: number, height: number, limits: Pick<Limits, 'maxInputPixels'>): void {
  const pixels = width * height;
  if (pixels > limits.maxInputPixels) {
    throw new OnnxMobilenetError('E_LIMIT', `image ${name} is ${width}x${height} (${pixels} pixels), over limits.maxInputPixels (${limits.maxInputPixels})`);
  }
}

/**
 * `E_LIMIT` for more than `limits.maxEncodedBytes` bytes of an encoded image, before they are read
 * (a blob's or file's size) or decoded (bytes given). Downloads stop at the same limit as they read.
 *
 * @example
 * ```ts
 * assertEncodedBytes('upload.jpg', blob.size, limits);
 * ```
 */
export function assertEncodedBytes(name: string, bytes: number, limits: Pick<Limits, 'maxEncodedBytes'>): void {
  if (bytes > limits.maxEncodedBytes) throw byteLimitError(`image ${name}`, bytes, 'limits.maxEncodedBytes', limits.maxEncodedBytes);
}

/** Formats whose header always holds the image's size: without one, the file is cut short or corrupt. */
const SIZED_IN_HEADER: ReadonlySet<EncodedImageFormat> = new Set<EncodedImageFormat>(['jpeg', 'png', 'gif', 'webp', 'bmp', 'ico']);

/**
 * Checks an encoded image's header before it is decoded: its size against `limits.maxInputPixels`
 * ({@link assertInputPixels}), and `E_IMAGE_DECODE` for a format whose header always holds a size
 * but does not (cut short or corrupt). Formats sized elsewhere (TIFF, SVG, an AVIF/HEIF sequence)
 * pass unsized: the decoder's size is checked once it is known.
 *
 * @example
 * ```ts
 * const header = readImageHeader(bytes);
 * if (header) checkImageHeader(header, 'upload.jpg', limits);
 * ```
 */
export function checkImageHeader(header: ImageHeader, name: string, limits: Pick<Limits, 'maxInputPixels'>): void {
  const { width, height } = header;
  if (width === 0 || height === 0) {
    throw new OnnxMobilenetError(
      'E_IMAGE_DECODE',
      `cannot decode image ${name}: its ${IMAGE_FORMAT_NAMES[header.format]} header gives a size of ${width}x${height}`,
    );
  }
  if (width !== undefined && height !== undefined) assertInputPixels(name, width, height, limits);
  else if (SIZED_IN_HEADER.has(header.format)) {
    throw new OnnxMobilenetError(
      'E_IMAGE_DECODE',
      `cannot decode image ${name}: its ${IMAGE_FORMAT_NAMES[header.format]} header is cut short or corrupt (no image size in it)`,
    );
  }
}

/**
 * `E_IMAGE_DECODE` for encoded bytes of a format `reader` does not decode, naming what they are
 * ({@link describeImageBytes}) and the formats it reads, then `advice` (where else to go).
 *
 * @example
 * ```ts
 * throw unsupportedFormatError('a.heic', bytes, 'the Node adapter', ['jpeg', 'png']);
 * // "cannot decode image a.heic: it is HEIC/HEIF, not one of the formats the Node adapter reads (JPEG, PNG)"
 * ```
 */
export function unsupportedFormatError(
  name: string,
  bytes: Uint8Array,
  reader: string,
  supported: readonly EncodedImageFormat[],
  advice = '',
): OnnxMobilenetError {
  const formats = supported.map((format) => IMAGE_FORMAT_NAMES[format]).join(', ');
  return new OnnxMobilenetError(
    'E_IMAGE_DECODE',
    `cannot decode image ${name}: it is ${describeImageBytes(bytes)}, not one of the formats ${reader} reads (${formats})${advice}`,
  );
}
