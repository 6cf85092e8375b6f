import { OnnxMobilenetError } from '../errors/errors.js';

/** Channels per pixel of a {@link RawImage}: gray, RGB or RGBA. */
export type Channels = 1 | 3 | 4;

/**
 * Decoded 8-bit pixels, row-major and interleaved (HWC): `data.length === width * height * channels`.
 * Gray images are replicated to RGB and alpha is dropped during preprocessing.
 *
 * @example
 * ```ts
 * const red: RawImage = { data: new Uint8Array([255, 0, 0]), width: 1, height: 1, channels: 3 };
 * ```
 */
export interface RawImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: Channels;
}

/**
 * A tensor already prepared for the model: float32, CHW, `dims` `[1, 3, H, W]` or `[3, H, W]`.
 * It goes to the model unchanged.
 *
 * @example
 * ```ts
 * const input: PreparedTensor = { data: new Float32Array(3 * 224 * 224), dims: [1, 3, 224, 224] };
 * ```
 */
export interface PreparedTensor {
  data: Float32Array;
  dims: readonly number[];
}

/**
 * True for a value shaped like a {@link RawImage} (typed-array `data`, `width`, `height`, `channels`).
 *
 * @example
 * ```ts
 * isRawImage({ data: new Uint8Array(3), width: 1, height: 1, channels: 3 }); // true
 * ```
 */
export function isRawImage(value: unknown): value is RawImage {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<RawImage>;
  return (
    (v.data instanceof Uint8Array || v.data instanceof Uint8ClampedArray) && typeof v.width === 'number' && typeof v.height === 'number' && 'channels' in v
  );
}

/**
 * True for a value shaped like a {@link PreparedTensor} (Float32Array `data` and `dims`).
 *
 * @example
 * ```ts
 * isPreparedTensor({ data: new Float32Array(150528), dims: [1, 3, 224, 224] }); // true
 * ```
 */
export function isPreparedTensor(value: unknown): value is PreparedTensor {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<PreparedTensor>;
  return v.data instanceof Float32Array && Array.isArray(v.dims);
}

/**
 * Throws `E_INPUT` unless the image's size, channel count and buffer length agree.
 *
 * @example
 * ```ts
 * assertRawImage({ data: new Uint8Array(5), width: 2, height: 2, channels: 3 }); // throws: needs 12
 * ```
 */
export function assertRawImage(image: RawImage): void {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new OnnxMobilenetError('E_INPUT', `raw image width and height must be positive integers, got ${width}x${height}`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new OnnxMobilenetError('E_INPUT', `raw image channels must be 1, 3 or 4, got ${String(channels)}`);
  }
  const expected = width * height * channels;
  if (data.length !== expected) {
    throw new OnnxMobilenetError('E_INPUT', `raw image data has ${data.length} bytes but ${width}x${height}x${channels} needs ${expected}`);
  }
}
