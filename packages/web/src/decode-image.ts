import { OnnxMobilenetError, type Limits, type RawImage } from '@onnx-mobilenet/core';
import {
  assertEncodedBytes,
  assertInputPixels,
  assertJpegScans,
  bytesView,
  checkImageHeader,
  clipText,
  decodeWithin,
  describeError,
  describeValue,
  fetchImage,
  isRawImage,
  parseUrl,
  readImageHeader,
  type DecodeContext,
  type NetworkPolicy,
  type ImageHeader,
  type OpenedImage,
  type Warn,
  redactUrl,
} from '@onnx-mobilenet/core/adapter';
import { webNetworkAccess } from './load-asset.js';
import { readPixels } from './read-pixels.js';
import { assertImageDecoder } from './runtime-support.js';

/**
 * Image inputs the browser adapter decodes with the platform: elements, canvases, bitmaps, video
 * frames, `ImageData`, `Blob`/`File`, a URL (string or `URL`, fetched), or the bytes of an encoded
 * image (JPEG, PNG, WebP, GIF, BMP, ICO, AVIF: what the browser decodes). Raw pixels and prepared
 * tensors are accepted everywhere too (core handles them).
 *
 * Encoded images are checked against `limits.maxInputPixels` from their header, and JPEGs against
 * `limits.maxJpegScans` from their bytes, before decoding; a decode that takes longer than
 * `limits.decodeTimeoutMs` fails with `E_LIMIT`;
 * elements and canvases by their size, before a canvas is allocated. SVG is not decoded from bytes
 * or URLs (`E_IMAGE_DECODE`): draw it in an `<img>` and pass that. An `<img>` or `<video>` from
 * another origin must be loaded with `crossOrigin = "anonymous"` from a server that sends CORS
 * headers, or its pixels cannot be read (`E_INPUT`).
 */
export type WebImageSource =
  | HTMLImageElement
  | HTMLCanvasElement
  | HTMLVideoElement
  | OffscreenCanvas
  | ImageBitmap
  | ImageData
  | VideoFrame
  | Blob
  | URL
  | string
  | Uint8Array
  | ArrayBuffer;

/** `instanceof` that tolerates globals absent in workers or older browsers. */
export function isA<T>(value: unknown, name: string): value is T {
  const ctor = (globalThis as Record<string, unknown>)[name];
  return typeof ctor === 'function' && value instanceof (ctor as new () => T);
}

/** How an element names itself in errors: its source address, shortened (data: URLs can be megabytes). */
function elementName(tag: string, src: string): string {
  return `<${tag} src="${clipText(redactUrl(src), 80)}">`;
}

async function readBlobBytes(blob: Blob, name: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await blob.arrayBuffer());
  } catch (err) {
    throw new OnnxMobilenetError('E_IMAGE_DECODE', `cannot read ${name}: ${describeError(err)}`, { cause: err });
  }
}

const HEADER_PREFIX_BYTES = 64 * 1024;

/**
 * The header of a blob, from its first 64 KiB where that settles it (PNG, WebP, BMP, and almost
 * every JPEG), else from the whole file: a JPEG frame header may follow large EXIF/ICC segments,
 * GIF frames and icon entries can sit anywhere, and an AVIF's `meta` box may follow its data.
 */
async function readBlobHeader(blob: Blob, name: string): Promise<ImageHeader | undefined> {
  const header = readImageHeader(await readBlobBytes(blob.slice(0, HEADER_PREFIX_BYTES), name));
  const settled = header === undefined || header.format === 'svg' || (header.width !== undefined && ['jpeg', 'png', 'webp', 'bmp'].includes(header.format));
  return settled || blob.size <= HEADER_PREFIX_BYTES ? header : readImageHeader(await readBlobBytes(blob, name));
}

/**
 * Refuses an encoded image by its header before the platform decodes it: SVG, which browsers do
 * not decode from bytes (and whose size is whatever its text says), then core's header check
 * (over `limits.maxInputPixels`, a decompression bomb; a header cut short).
 */
function checkEncodedHeader(header: ImageHeader | undefined, name: string, type: string, limits: Limits): void {
  if (header?.format === 'svg' || (!header && type === 'image/svg+xml')) {
    throw new OnnxMobilenetError(
      'E_IMAGE_DECODE',
      `cannot decode ${name}: it is an SVG document, which is not decoded from bytes or URLs in browsers. Draw it in an <img> and pass the element (its size is checked against limits.maxInputPixels)`,
    );
  }
  // unrecognized, or unsized (TIFF, an AVIF sequence): the platform decides, and its result is checked after
  if (header) checkImageHeader(header, name, limits);
}

async function decodeBlob(blob: Blob, name: string, limits: Limits, warn: Warn | undefined, bytes?: Uint8Array): Promise<OpenedImage> {
  if (blob.size === 0) throw new OnnxMobilenetError('E_IMAGE_DECODE', `cannot decode ${name}: it is empty`);
  assertEncodedBytes(name, blob.size, limits);
  const header = bytes ? readImageHeader(bytes) : await readBlobHeader(blob, name);
  checkEncodedHeader(header, name, blob.type, limits);
  // the scan count needs the whole file (bounded by maxEncodedBytes above)
  if (header?.format === 'jpeg') assertJpegScans(bytes ?? (await readBlobBytes(blob, name)), name, limits);
  assertImageDecoder(name, 'bitmap');
  let bitmap: ImageBitmap;
  // EXIF orientation applied, no premultiplication, the stored samples: an embedded ICC profile
  // is ignored, as by the reference (Pillow) and the Node adapter.
  const decoding = createImageBitmap(blob, { imageOrientation: 'from-image', premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  try {
    bitmap = await decodeWithin(decoding, name, limits);
  } catch (err) {
    if (err instanceof OnnxMobilenetError) {
      decoding.then(
        (late) => late.close(),
        () => undefined,
      ); // past the deadline: free the bitmap once the browser is done
      throw err;
    }
    throw new OnnxMobilenetError('E_IMAGE_DECODE', `cannot decode ${name} (${blob.type || 'unknown type'}, ${blob.size} bytes): ${describeError(err)}`, {
      cause: err,
    });
  }
  try {
    return opened(name, readPixels(bitmap, name, bitmap.width, bitmap.height, limits, { straightAlpha: true, warn }));
  } finally {
    bitmap.close();
  }
}

/** Fetches an image URL (relative ones against the page) under the classifier's limits (core's `fetchImage`). */
async function fetchBlob(url: string, signal: AbortSignal | undefined, limits: Limits, network: NetworkPolicy | undefined): Promise<Blob> {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  const { bytes, contentType } = await fetchImage(parseUrl(url, 'image', base).href, limits, signal, webNetworkAccess(network));
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: contentType });
}

/**
 * Opens one input by decoding it with the platform's decoders (`createImageBitmap` with
 * `imageOrientation: 'from-image'`, a canvas to read pixels): a browser tells an image's size as
 * oriented only once it has decoded it. The pixels come back whole: core resizes and crops, so
 * Node and browsers build the same tensor up to decoder differences.
 */
export async function openImageWeb(input: WebImageSource, { signal, limits, warn, network }: DecodeContext): Promise<OpenedImage> {
  const taken = snapshotWeb(input, { limits, warn });
  return isRawImage(taken) ? opened(callTimeSource(input)!.name, taken) : toPixels(taken, signal, limits, warn, network);
}

/** An image the platform decoded whole, as core's decoder role hands it over. */
const opened = (name: string, whole: RawImage): OpenedImage => ({ name, width: whole.width, height: whole.height, decode: async () => ({ whole }) });

/**
 * The pixels of an input the caller can still change or close, read now (synchronously, at call
 * time: core calls this before a call returns): `ImageData` (copied; float16 converted to 8-bit),
 * canvases, `ImageBitmap`, `VideoFrame`, `<video>` (its current frame) and a loaded `<img>`.
 * Anything else (a `<img>` still loading, blobs, URLs, bytes) is returned as it is.
 */
export function snapshotWeb(input: WebImageSource, { limits, warn }: Omit<DecodeContext, 'signal'>): WebImageSource | RawImage {
  if (isA<ImageData>(input, 'ImageData')) return imageDataPixels(input, limits);
  const source = callTimeSource(input);
  if (!source) return input;
  // a 2D canvas holds premultiplied pixels: what it shows is all there is
  const canvas = isA<HTMLCanvasElement>(input, 'HTMLCanvasElement') || isA<OffscreenCanvas>(input, 'OffscreenCanvas');
  const drawable = input as Parameters<typeof readPixels>[0];
  return readPixels(drawable, source.name, source.width, source.height, limits, canvas ? undefined : { straightAlpha: true, warn });
}

/**
 * The bytes {@link snapshotWeb} copies of `input` (RGBA, 4 a pixel; 0 for an input it leaves as it
 * is), read from its size without copying, so core can count them against `limits.maxPendingBytes`
 * first: 3,000 array items of a 12-megapixel `ImageData` would otherwise be copied at once.
 */
export function snapshotBytesWeb(input: WebImageSource, { limits }: Omit<DecodeContext, 'signal'>): number {
  const source = callTimeSource(input);
  if (!source) return 0;
  // the pixel limit names the problem (the image's size) before the copy budget does
  assertInputPixels(source.name, source.width, source.height, limits);
  return source.width * source.height * 4;
}

/** The name and size of an input {@link snapshotWeb} reads at call time; undefined for one it leaves as it is. */
function callTimeSource(input: WebImageSource): { name: string; width: number; height: number } | undefined {
  if (isA<ImageData>(input, 'ImageData')) return { name: 'ImageData', width: input.width, height: input.height };
  if (isA<HTMLCanvasElement>(input, 'HTMLCanvasElement') || isA<OffscreenCanvas>(input, 'OffscreenCanvas')) {
    return { name: input.constructor.name, width: input.width, height: input.height };
  }
  if (isA<ImageBitmap>(input, 'ImageBitmap')) return { name: 'ImageBitmap', width: input.width, height: input.height };
  if (isA<VideoFrame>(input, 'VideoFrame')) return { name: 'VideoFrame', width: input.displayWidth, height: input.displayHeight };
  if (isA<HTMLVideoElement>(input, 'HTMLVideoElement')) {
    return { name: elementName('video', input.currentSrc || input.src), width: input.videoWidth, height: input.videoHeight };
  }
  if (isA<HTMLImageElement>(input, 'HTMLImageElement') && input.complete && input.naturalWidth > 0) {
    return { name: elementName('img', input.currentSrc || input.src), width: input.naturalWidth, height: input.naturalHeight };
  }
  return undefined;
}

/** Float typed arrays an `ImageData` may hold (`pixelFormat: 'rgba-float16'`), where the browser has them. */
const FLOAT_ARRAYS = ['Float16Array', 'Float32Array']
  .map((name) => (globalThis as Record<string, unknown>)[name])
  .filter((c) => typeof c === 'function') as (new () => ArrayLike<number>)[];

/**
 * An `ImageData`'s pixels as 8-bit RGBA, copied: 8-bit ones as they are, float ones
 * (`pixelFormat: 'rgba-float16'`, values 0 to 1) rounded to 0-255, as a canvas stores them.
 * Anything else is `E_INPUT`: its bytes would be read as something they are not.
 */
function imageDataPixels(image: ImageData, limits: Limits): RawImage {
  const { width, height } = image;
  assertInputPixels('ImageData', width, height, limits);
  const data = image.data as ArrayLike<number>;
  if (data instanceof Uint8ClampedArray) return { data: data.slice(), width, height, channels: 4 };
  const format = String((image as { pixelFormat?: unknown }).pixelFormat ?? 'unknown');
  if (!FLOAT_ARRAYS.some((Float) => data instanceof Float) || data.length !== width * height * 4) {
    throw new OnnxMobilenetError(
      'E_INPUT',
      `the ImageData has pixelFormat ${JSON.stringify(format)}, which is not supported; pass 8-bit ImageData ('rgba-unorm8') or float16 ('rgba-float16')`,
    );
  }
  const out = new Uint8ClampedArray(data.length);
  // Uint8ClampedArray clamps to 0-255 and rounds half to even; NaN becomes 0
  for (let i = 0; i < data.length; i++) out[i] = data[i]! * 255;
  return { data: out, width, height, channels: 4 };
}

async function toPixels(
  input: WebImageSource,
  signal: AbortSignal | undefined,
  limits: Limits,
  warn: Warn | undefined,
  network: NetworkPolicy | undefined,
): Promise<OpenedImage> {
  if (isA<Blob>(input, 'Blob')) return decodeBlob(input, isA<File>(input, 'File') ? input.name : 'Blob', limits, warn);
  if (typeof input === 'string' || isA<URL>(input, 'URL')) {
    const url = String(input);
    if (url === '') throw new OnnxMobilenetError('E_INPUT', 'expected an image URL, got an empty string');
    // a data: URL may be megabytes long: messages quote it cut short
    return decodeBlob(await fetchBlob(url, signal, limits, network), clipText(redactUrl(url)), limits, warn);
  }
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    const bytes = bytesView(input, 'image');
    return decodeBlob(new Blob([bytes as Uint8Array<ArrayBuffer>]), `${bytes.byteLength}-byte buffer`, limits, warn, bytes);
  }
  if (isA<HTMLImageElement>(input, 'HTMLImageElement')) {
    const name = elementName('img', input.currentSrc || input.src);
    try {
      await decodeWithin(input.decode(), name, limits);
    } catch (err) {
      if (err instanceof OnnxMobilenetError) throw err;
      throw new OnnxMobilenetError('E_IMAGE_DECODE', `cannot decode ${name}: ${describeError(err)}`, { cause: err });
    }
    return opened(name, readPixels(input, name, input.naturalWidth, input.naturalHeight, limits, { straightAlpha: true, warn }));
  }
  throw new OnnxMobilenetError(
    'E_INPUT',
    `unsupported image input: ${describeValue(input)}. Pass an <img>, <canvas>, <video>, OffscreenCanvas, ImageBitmap, ImageData, VideoFrame, Blob, URL, encoded bytes, raw pixels {data, width, height, channels} or a prepared tensor {data, dims}`,
  );
}
