import type { Sharp } from 'sharp';
import { OnnxMobilenetError, type Limits } from '@onnx-mobilenet/core';
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
  jpegOrientation,
  parseUrl,
  resolveLimits,
  type DecodeContext,
  type DecodedImage,
  type NetworkPolicy,
  type OpenedImage,
  redactUrl,
} from '@onnx-mobilenet/core/adapter';
import { nodeNetworkAccess } from './guarded-fetch.js';
import type { ResizePlan } from '@onnx-mobilenet/core/preprocess';
import { MAX_INPUT_CHANNELS, checkPixelFormat, labqRefusal, nodeImageHeader, type NodeImageFormat } from './image-format.js';
import type { LocalRoots } from './local-roots.js';
import { loadSharp, vipsVersion } from './native-modules.js';
import { filePathFromUrl, readLocalFile, showPath } from './read-local-file.js';
import { shrinkOnLoadIsExact } from './shrink-on-load.js';

/**
 * Image inputs the Node adapter decodes: a file path, the bytes of an encoded JPEG, PNG, WebP,
 * GIF, TIFF or AVIF (`Buffer`, `Uint8Array`, `ArrayBuffer`), or a `URL` (`file:`, `http(s):`).
 * Raw pixels and prepared tensors are accepted everywhere too (core handles them).
 *
 * The format is read from the bytes, not the file name; anything else (SVG, PDF, HEIC, libvips'
 * own .v, ...) is refused with `E_IMAGE_DECODE` naming it. Colours: sRGB, greyscale and CMYK with
 * 8- or 16-bit samples, CIELab and scRGB float become sRGB; other colour spaces and sample types
 * (float greyscale, 32-bit integers, XYZ, multiband) are refused the same way. Embedded ICC
 * profiles are ignored, as in the reference preprocessing (Pillow): the stored samples are used.
 */
export type NodeImageSource = string | URL | Uint8Array | ArrayBuffer;

/**
 * The local path an image string names: a `file:` URL's path, or the string itself; undefined for
 * an `http(s):` URL. The one reading of image strings, shared with the queue worker's check.
 *
 * @example
 * ```ts
 * localImagePath('file:///data/a.jpg'); // '/data/a.jpg'
 * localImagePath('https://example.com/a.jpg'); // undefined
 * ```
 */
export function localImagePath(input: string): string | Buffer | undefined {
  if (/^https?:\/\//i.test(input)) return undefined;
  if (input.startsWith('file:')) return filePathFromUrl(parseUrl(input, 'image'), 'image');
  return input;
}

/**
 * A local image file, read by us, bounded, and handed to sharp as bytes: the bytes whose format is
 * checked are the bytes decoded, and libvips loaders that only take files (its .v format) are out
 * of reach. A `Buffer` path (a name that is not UTF-8) is opened by its bytes.
 */
async function readImageFile(path: string | Buffer, limits: Limits, roots: LocalRoots | undefined): Promise<{ data: Uint8Array; name: string }> {
  const options = { what: 'image', maxBytes: limits.maxEncodedBytes, failCode: 'E_IMAGE_DECODE', limitName: 'limits.maxEncodedBytes', roots } as const;
  return { data: await readLocalFile(path, options), name: clipText(typeof path === 'string' ? path : showPath(path)) };
}

/** Loads the encoded bytes sharp should decode. */
async function toSharpInput(
  input: NodeImageSource,
  signal: AbortSignal | undefined,
  limits: Limits,
  network: NetworkPolicy | undefined,
  roots: LocalRoots | undefined,
): Promise<{ data: Uint8Array; name: string }> {
  if (typeof input === 'string') {
    if (input === '') throw new OnnxMobilenetError('E_INPUT', 'expected an image path, got an empty string');
    const path = localImagePath(input);
    if (path === undefined) return toSharpInput(parseUrl(input, 'image'), signal, limits, network, roots);
    return readImageFile(path, limits, roots);
  }
  if (input instanceof URL) {
    if (input.protocol === 'file:') return readImageFile(filePathFromUrl(input, 'image'), limits, roots);
    if (input.protocol !== 'http:' && input.protocol !== 'https:') {
      throw new OnnxMobilenetError('E_INPUT', `unsupported image URL scheme ${input.protocol} in ${clipText(redactUrl(input))}`);
    }
    return { data: (await fetchImage(input.href, limits, signal, nodeNetworkAccess(network))).bytes, name: clipText(redactUrl(input)) };
  }
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    // A detached buffer reads as 0 bytes; it is reported as empty below.
    const data = bytesView(input, 'image');
    const name = `${data.byteLength}-byte ${input instanceof Uint8Array ? 'buffer' : 'ArrayBuffer'}`;
    assertEncodedBytes(name, data.byteLength, limits);
    return { data, name };
  }
  throw new OnnxMobilenetError(
    'E_INPUT',
    `unsupported image input: ${describeValue(input)}. Pass a path, a URL, encoded image bytes, raw pixels {data, width, height, channels} or a prepared tensor {data, dims}`,
  );
}

/**
 * An image sharp has opened: its pipeline, the format its bytes were sniffed as, its stored size,
 * its size as oriented (EXIF orientations 5-8 swap width and height), and whether it has alpha.
 */
interface SharpImage {
  image: Sharp;
  format: NodeImageFormat;
  stored: { width: number; height: number };
  width: number;
  height: number;
  hasAlpha: boolean;
}

/**
 * Opens an input with sharp as far as its size (core's `ImageDecoder.open`): its bytes read
 * (bounded), their format sniffed (anything but `NODE_IMAGE_FORMATS` refused), the header's
 * size checked against `limits.maxInputPixels`, a JPEG of more than `limits.maxJpegScans` scans
 * refused, the pixel format checked; nothing decoded. `decode(plan)` then executes core's resize
 * plan inside sharp's native pipeline. Each step still running after `limits.decodeTimeoutMs`
 * fails with `E_LIMIT` (sharp's thread may go on: nothing stops libjpeg).
 */
export async function openImageNode(input: NodeImageSource, { signal, limits, network }: DecodeContext, roots?: LocalRoots): Promise<OpenedImage> {
  const { data, name } = await toSharpInput(input, signal, limits, network, roots);
  const started = Date.now();
  const opened = await sharpStep(openImage(data, name, limits), name, limits);
  const decode = (plan: ResizePlan) => sharpStep(decodePlanned(opened, plan), name, limits, Date.now() - started);
  return { name, width: opened.width, height: opened.height, decode };
}

/**
 * A sharp step held to what is left of `limits.decodeTimeoutMs` (`spentMs`: the image's earlier
 * steps), its failure a typed error.
 */
function sharpStep<T>(step: Promise<T>, name: string, limits: Limits, spentMs = 0): Promise<T> {
  return decodeWithin(step, name, limits, spentMs).catch((err: unknown) => {
    throw decodeError(err, name, limits);
  });
}

/**
 * Executes core's resize plan in sharp: EXIF orientation applied, converted to 8-bit sRGB, alpha
 * dropped, resized with the antialiased linear kernel (bilinear, as the reference; sharp's default
 * lanczos3 costs accuracy), then the center crop. Large JPEGs are shrunk while loading (DCT
 * scaling) where the factor divides their size; others are decoded whole, since a partial last
 * row would shift the crop. An image to enlarge, or with alpha, comes back whole for core.
 */
async function decodePlanned({ image, format, stored, width, height, hasAlpha }: SharpImage, p: ResizePlan): Promise<DecodedImage> {
  if (p.width > width || p.height > height || hasAlpha) {
    // Enlarging: libvips upsamples with another pixel alignment than the reference (mean
    // difference up to 0.12 in normalised units measured here), so hand core the small decoded image.
    // Alpha: libvips premultiplies by it to resize (a transparent pixel turned black, a
    // half-transparent one half as bright), while the reference (Pillow's convert('RGB')) drops
    // it and keeps the stored colour; unresized, removeAlpha() keeps it, and core resizes.
    return { whole: await fullRgb(image) };
  }
  // A JPEG is shrunk while loading only where that keeps the geometry exact; an extract of the
  // whole stored image before the resize is sharp's way to load it whole instead (unlike a
  // pipeline colourspace, it leaves the colour conversion, CMYK's included, as it is).
  const exact = format !== 'jpeg' || shrinkOnLoadIsExact(width, height, p);
  const { data: pixels, info } = await (exact ? image : image.extract({ left: 0, top: 0, ...stored }))
    // fastShrinkOnLoad off: the fast path shrinks JPEGs further while decoding and shifted the
    // mean difference from the reference from under 0.01 to 0.03 on 909x768 photos.
    .resize(p.width, p.height, { fit: 'fill', kernel: 'linear', fastShrinkOnLoad: false })
    .extract(p.crop)
    // EXIF orientation last: sharp then resizes in the stored orientation (still shrinking while
    // loading) and turns the result; asked before the extract, it turned the whole image first
    // and loaded every rotated JPEG at full size (43 instead of 12 ms for 3000x2248).
    .rotate()
    .removeAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== p.crop.width || info.height !== p.crop.height) {
    throw new Error(`sharp returned ${info.width}x${info.height}x${info.channels}, expected ${p.crop.width}x${p.crop.height}x3`);
  }
  return { crop: { data: pixels, width: info.width, height: info.height, channels: 3 } };
}

/**
 * A sharp pipeline for encoded bytes of a supported format whose pixels convert to sRGB correctly,
 * with its size; anything else is refused here, before sharp decodes a pixel (or, for formats
 * outside the list, before sharp sees the bytes at all).
 */
async function openImage(data: Uint8Array, name: string, limits: Limits): Promise<SharpImage> {
  if (data.byteLength === 0) throw new OnnxMobilenetError('E_IMAGE_DECODE', `cannot decode image ${name}: it is empty (0 bytes)`);
  const header = nodeImageHeader(data, name);
  checkImageHeader(header, name, limits);
  if (header.format === 'jpeg') assertJpegScans(data, name, limits);
  // limitInputPixels: libvips' own refusal of decompression bombs, behind core's check of the same
  // size (from the header, then from what sharp reads below), which answers first with the limit's message.
  // ignoreIcc: the reference (Pillow) and ImageNet training read the stored samples, never the
  // embedded profile; applying it through lcms also cost more than the decode (5.6 vs 2.8 ms for a
  // 500x375 photo). CMYK still converts, with sharp's own CMYK profile.
  // sharp's own timeout stops libvips where it checks it (not inside libjpeg's reading of a
  // progressive file's scans); decodeWithin answers the call at the deadline in any case.
  const sharp = await loadSharp();
  const image = sharp(data, { failOn: 'error', limitInputPixels: limits.maxInputPixels, limitInputChannels: MAX_INPUT_CHANNELS, ignoreIcc: true }).timeout({
    seconds: Math.ceil(limits.decodeTimeoutMs / 1000),
  });
  // A JPEG's size and orientation come from its header, without sharp's metadata round trip (4% of
  // a 500x375 decode): every JPEG colour space (sRGB, grey, CMYK, 8-bit) is one sharp converts.
  // Where the header leaves any doubt, sharp reads it.
  const orientation = header.format === 'jpeg' ? jpegOrientation(data) : undefined;
  if (header.width && header.height && orientation !== undefined) {
    return sized(image, 'jpeg', { width: header.width, height: header.height, orientation, hasAlpha: false });
  }
  const meta = await image.metadata();
  const { convertFirst } = checkPixelFormat(meta, header.format, name);
  if (!meta.width || !meta.height) throw new Error('the image has no size');
  return sized(convertFirst ? image.pipelineColourspace('srgb') : image, header.format, { ...meta, width: meta.width, height: meta.height });
}

/** The {@link SharpImage} of a pipeline and what its header or metadata said. */
function sized(
  image: Sharp,
  format: NodeImageFormat,
  meta: { width: number; height: number; orientation?: number | undefined; hasAlpha: boolean },
): SharpImage {
  const swap = (meta.orientation ?? 1) >= 5;
  const stored = { width: meta.width, height: meta.height };
  return { image, format, stored, width: swap ? meta.height : meta.width, height: swap ? meta.width : meta.height, hasAlpha: meta.hasAlpha };
}

/** The whole image as 8-bit sRGB RGB: EXIF orientation applied, alpha dropped (the stored colours kept), no resize. */
async function fullRgb(image: Sharp): Promise<{ data: Uint8Array; width: number; height: number; channels: 3 }> {
  const { data, info } = await image.rotate().removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

/** sharp's failure as a typed error: its timeout is E_LIMIT, anything else E_IMAGE_DECODE. */
function decodeError(err: unknown, name: string, limits: Limits): OnnxMobilenetError {
  if (err instanceof OnnxMobilenetError) return err;
  if (/^timeout: \d+s/i.test(describeError(err))) {
    return new OnnxMobilenetError('E_LIMIT', `decoding image ${name} took longer than limits.decodeTimeoutMs (${limits.decodeTimeoutMs} ms)`, { cause: err });
  }
  const labq = labqRefusal(describeError(err), name, vipsVersion());
  if (labq) return labq;
  if (/exceeds channel limit/i.test(describeError(err))) {
    return new OnnxMobilenetError(
      'E_IMAGE_DECODE',
      `cannot decode image ${name}: it has more than ${MAX_INPUT_CHANNELS} channels (colour, alpha and extra samples together); save it without its extra channels`,
      { cause: err },
    );
  }
  return new OnnxMobilenetError('E_IMAGE_DECODE', `cannot decode image ${name}: ${describeError(err)}`, { cause: err });
}

/**
 * Decodes to full-size 8-bit sRGB pixels without resizing (EXIF orientation applied, alpha dropped),
 * for tools and custom pipelines. The result is a raw image any classifier accepts. `limits` bound
 * the input as a classifier's do (unset ones from `DEFAULTS.limits`; an invalid one is `E_INPUT`).
 *
 * @example
 * ```ts
 * const pixels = await decodeFullImageNode('photo.jpg'); // { data, width, height, channels: 3 }
 * await classifier.classify(pixels);
 * ```
 */
export async function decodeFullImageNode(
  input: NodeImageSource,
  given: Partial<Limits> = {},
): Promise<{ data: Uint8Array; width: number; height: number; channels: 3 }> {
  const limits = resolveLimits(given);
  const { data, name } = await toSharpInput(input, undefined, limits, undefined, undefined);
  const started = Date.now();
  const { image, width, height } = await sharpStep(openImage(data, name, limits), name, limits);
  assertInputPixels(name, width, height, limits);
  return sharpStep(fullRgb(image), name, limits, Date.now() - started);
}
