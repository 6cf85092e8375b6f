import { OnnxMobilenetError, bytesView, describeError, describeValue, fetchBounded, parseUrl, type DecodeContext, type DecodedImage, type Limits, type RawImage } from '@onnx-mobilenet/core';

/**
 * Image inputs the browser adapter decodes with the platform: elements, canvases, bitmaps, video
 * frames, `ImageData`, `Blob`/`File`, a URL (string or `URL`, fetched), or the bytes of an encoded
 * image. Raw pixels and prepared tensors are accepted everywhere too (core handles them).
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

type Drawable = CanvasImageSource & object;

/** Draws a source onto a canvas of its size and reads the RGBA pixels back. */
function readPixels(source: Drawable, width: number, height: number): RawImage {
  if (!(width > 0 && height > 0)) {
    throw new OnnxMobilenetError('E_IMAGE_DECODE', `the image has no pixels (${width}x${height}); is it loaded?`);
  }
  let ctx: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
  if (typeof OffscreenCanvas !== 'undefined') {
    ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  } else {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    ctx = canvas.getContext('2d', { willReadFrequently: true });
  }
  if (!ctx) throw new OnnxMobilenetError('E_IMAGE_DECODE', 'this browser gave no 2D canvas context to read pixels with');
  ctx.drawImage(source, 0, 0, width, height);
  const data = ctx.getImageData(0, 0, width, height).data;
  return { data, width, height, channels: 4 };
}

async function decodeBlob(blob: Blob, name: string, limits: Limits): Promise<RawImage> {
  if (blob.size === 0) throw new OnnxMobilenetError('E_IMAGE_DECODE', `cannot decode ${name}: it is empty`);
  if (blob.size > limits.maxEncodedBytes) {
    throw new OnnxMobilenetError('E_LIMIT', `${name} has ${blob.size} bytes, over limits.maxEncodedBytes (${limits.maxEncodedBytes})`);
  }
  let bitmap: ImageBitmap;
  try {
    // EXIF orientation applied, colours as the platform shows them, no premultiplication.
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image', premultiplyAlpha: 'none' });
  } catch (err) {
    throw new OnnxMobilenetError('E_IMAGE_DECODE', `cannot decode ${name} (${blob.type || 'unknown type'}, ${blob.size} bytes): ${describeError(err)}`, {
      cause: err,
    });
  }
  try {
    if (bitmap.width * bitmap.height > limits.maxInputPixels) {
      throw new OnnxMobilenetError('E_LIMIT', `${name} is ${bitmap.width}x${bitmap.height}, over limits.maxInputPixels (${limits.maxInputPixels})`);
    }
    return readPixels(bitmap, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}

/**
 * Fetches an image URL (relative ones against the page) through core's bounded reader: abandoned
 * after `limits.downloadTimeoutMs` without data, stopped past `limits.maxEncodedBytes` decoded.
 */
async function fetchBlob(url: string, signal: AbortSignal | undefined, limits: Limits): Promise<Blob> {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  const { bytes, contentType } = await fetchBounded(parseUrl(url, 'image', base).href, {
    what: 'image',
    maxBytes: limits.maxEncodedBytes,
    timeoutMs: limits.downloadTimeoutMs,
    signal,
  });
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
  if (isA<ImageData>(input, 'ImageData')) return { data: input.data, width: input.width, height: input.height, channels: 4 };
  if (isA<Blob>(input, 'Blob')) return decodeBlob(input, isA<File>(input, 'File') ? input.name : 'Blob', limits);
  if (typeof input === 'string' || isA<URL>(input, 'URL')) {
    const url = String(input);
    if (url === '') throw new OnnxMobilenetError('E_INPUT', 'expected an image URL, got an empty string');
    return decodeBlob(await fetchBlob(url, signal, limits), url, limits);
  }
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    const bytes = bytesView(input, 'image');
    return decodeBlob(new Blob([bytes as Uint8Array<ArrayBuffer>]), `${bytes.byteLength}-byte buffer`, limits);
  }
  if (isA<HTMLImageElement>(input, 'HTMLImageElement')) {
    try {
      await input.decode();
    } catch (err) {
      throw new OnnxMobilenetError('E_IMAGE_DECODE', `cannot decode <img src="${input.currentSrc || input.src}">: ${describeError(err)}`, { cause: err });
    }
    return readPixels(input, input.naturalWidth, input.naturalHeight);
  }
  if (isA<HTMLVideoElement>(input, 'HTMLVideoElement')) return readPixels(input, input.videoWidth, input.videoHeight);
  if (isA<VideoFrame>(input, 'VideoFrame')) return readPixels(input, input.displayWidth, input.displayHeight);
  if (isA<ImageBitmap>(input, 'ImageBitmap') || isA<HTMLCanvasElement>(input, 'HTMLCanvasElement') || isA<OffscreenCanvas>(input, 'OffscreenCanvas')) {
    const source = input as ImageBitmap | HTMLCanvasElement | OffscreenCanvas;
    return readPixels(source, source.width, source.height);
  }
  throw new OnnxMobilenetError(
    'E_INPUT',
    `unsupported image input: ${describeValue(input)}. Pass an <img>, <canvas>, <video>, OffscreenCanvas, ImageBitmap, ImageData, VideoFrame, Blob, URL, encoded bytes, raw pixels {data, width, height, channels} or a prepared tensor {data, dims}`,
  );
}
