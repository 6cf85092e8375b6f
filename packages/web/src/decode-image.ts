import { OnnxMobilenetError, type Limits, type RawImage } from '@onnx-mobilenet/core';
import {
  assertJpegScans,
  bytesView,
  decodeWithin,
  describeError,
  describeValue,
  fetchImage,
  parseUrl,
  readImageHeader,
  type DecodeContext,
  type DecodedImage,
  type ImageHeader,
} from '@onnx-mobilenet/core/adapter';
import { checkInputPixels, readPixels } from './read-pixels.js';

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
function isA<T>(value: unknown, name: string): value is T {
  const ctor = (globalThis as Record<string, unknown>)[name];
  return typeof ctor === 'function' && value instanceof (ctor as new () => T);
}

/** How an element names itself in errors: its source address, shortened (data: URLs can be megabytes). */
function elementName(tag: string, src: string): string {
  return `<${tag} src="${src.length > 80 ? `${src.slice(0, 77)}...` : src}">`;
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
 * Refuses an encoded image by its header before the platform decodes it: over
 * `limits.maxInputPixels` (a decompression bomb), a recognized format whose header holds no size,
 * or SVG, which browsers do not decode from bytes (and whose size is whatever its text says).
 */
function checkEncodedHeader(header: ImageHeader | undefined, name: string, type: string, limits: Limits): void {
  if (header?.format === 'svg' || (!header && type === 'image/svg+xml')) {
    throw new OnnxMobilenetError(
      'E_IMAGE_DECODE',
      `cannot decode ${name}: it is an SVG document, which is not decoded from bytes or URLs in browsers. Draw it in an <img> and pass the element (its size is checked against limits.maxInputPixels)`,
    );
  }
  if (!header) return; // unrecognized: the platform decides, and its result is checked after
  if (header.width === undefined || header.height === undefined) {
    if (header.format === 'heif') return; // an AVIF sequence sizes its track elsewhere; libavif applies its own size limit
    throw new OnnxMobilenetError(
      'E_IMAGE_DECODE',
      `cannot decode ${name}: its ${header.format.toUpperCase()} header is cut short or corrupt (no image size in it)`,
    );
  }
  checkInputPixels(name, header.width, header.height, limits);
}

async function decodeBlob(blob: Blob, name: string, limits: Limits, bytes?: Uint8Array): Promise<RawImage> {
  if (blob.size === 0) throw new OnnxMobilenetError('E_IMAGE_DECODE', `cannot decode ${name}: it is empty`);
  if (blob.size > limits.maxEncodedBytes) {
    throw new OnnxMobilenetError('E_LIMIT', `${name} has ${blob.size} bytes, over limits.maxEncodedBytes (${limits.maxEncodedBytes})`);
  }
  const header = bytes ? readImageHeader(bytes) : await readBlobHeader(blob, name);
  checkEncodedHeader(header, name, blob.type, limits);
  // the scan count needs the whole file (bounded by maxEncodedBytes above)
  if (header?.format === 'jpeg') assertJpegScans(bytes ?? (await readBlobBytes(blob, name)), name, limits);
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
    return readPixels(bitmap, name, bitmap.width, bitmap.height, limits);
  } finally {
    bitmap.close();
  }
}

/** Fetches an image URL (relative ones against the page) under the classifier's limits (core's `fetchImage`). */
async function fetchBlob(url: string, signal: AbortSignal | undefined, limits: Limits): Promise<Blob> {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  const { bytes, contentType } = await fetchImage(parseUrl(url, 'image', base).href, limits, signal);
  return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: contentType });
}

/**
 * Decodes one input to RGBA pixels with the platform's decoders (`createImageBitmap` with
 * `imageOrientation: 'from-image'`, a canvas to read pixels). It does no resizing: core resizes
 * and crops, so Node and browsers build the same tensor up to decoder differences.
 */
export async function decodeImageWeb(input: WebImageSource, { signal, limits }: DecodeContext): Promise<DecodedImage> {
  const image = await toPixels(input, signal, limits);
  return { image, planned: false };
}

async function toPixels(input: WebImageSource, signal: AbortSignal | undefined, limits: Limits): Promise<RawImage> {
  if (isA<ImageData>(input, 'ImageData')) {
    checkInputPixels('the ImageData', input.width, input.height, limits);
    return { data: input.data, width: input.width, height: input.height, channels: 4 };
  }
  if (isA<Blob>(input, 'Blob')) return decodeBlob(input, isA<File>(input, 'File') ? input.name : 'Blob', limits);
  if (typeof input === 'string' || isA<URL>(input, 'URL')) {
    const url = String(input);
    if (url === '') throw new OnnxMobilenetError('E_INPUT', 'expected an image URL, got an empty string');
    return decodeBlob(await fetchBlob(url, signal, limits), url, limits);
  }
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    const bytes = bytesView(input, 'image');
    return decodeBlob(new Blob([bytes as Uint8Array<ArrayBuffer>]), `${bytes.byteLength}-byte buffer`, limits, bytes);
  }
  if (isA<HTMLImageElement>(input, 'HTMLImageElement')) {
    const name = elementName('img', input.currentSrc || input.src);
    try {
      await decodeWithin(input.decode(), name, limits);
    } catch (err) {
      if (err instanceof OnnxMobilenetError) throw err;
      throw new OnnxMobilenetError('E_IMAGE_DECODE', `cannot decode ${name}: ${describeError(err)}`, { cause: err });
    }
    return readPixels(input, name, input.naturalWidth, input.naturalHeight, limits);
  }
  if (isA<HTMLVideoElement>(input, 'HTMLVideoElement')) {
    return readPixels(input, elementName('video', input.currentSrc || input.src), input.videoWidth, input.videoHeight, limits);
  }
  if (isA<VideoFrame>(input, 'VideoFrame')) return readPixels(input, 'the VideoFrame', input.displayWidth, input.displayHeight, limits);
  if (isA<ImageBitmap>(input, 'ImageBitmap') || isA<HTMLCanvasElement>(input, 'HTMLCanvasElement') || isA<OffscreenCanvas>(input, 'OffscreenCanvas')) {
    const source = input as ImageBitmap | HTMLCanvasElement | OffscreenCanvas;
    return readPixels(source, `the ${source.constructor.name}`, source.width, source.height, limits);
  }
  throw new OnnxMobilenetError(
    'E_INPUT',
    `unsupported image input: ${describeValue(input)}. Pass an <img>, <canvas>, <video>, OffscreenCanvas, ImageBitmap, ImageData, VideoFrame, Blob, URL, encoded bytes, raw pixels {data, width, height, channels} or a prepared tensor {data, dims}`,
  );
}
