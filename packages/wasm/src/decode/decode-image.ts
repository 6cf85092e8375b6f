import { DEFAULTS, OnnxMobilenetError, type Limits, type PreprocessOptions, type RawImage } from '@onnx-mobilenet/core';
import {
  assertEncodedBytes,
  assertJpegScans,
  bytesView,
  checkImageHeader,
  IMAGE_FORMAT_NAMES,
  imageOrientation,
  jpegReachesEnd,
  orientImage,
  readImageHeader,
  resolveLimits,
  resolvePreprocessOptions,
  unsupportedFormatError,
  type DecodeContext,
  type ImageDecoder,
  type OpenedImage,
} from '@onnx-mobilenet/core/adapter';
import { normalizeToCHW, resizeAndCrop } from '@onnx-mobilenet/core/preprocess';
import type { CodecModules } from './codec-files.js';
import { EdgeCodecs, codecError, cutShort } from './edge-codecs.js';
import type { EmscriptenCodec } from './emscripten-codec.js';
import { decodePngPixels } from './png.js';
import { readInput, type EdgeDecoderOptions, type EdgeImageSource } from './read-input.js';

export { EdgeCodecs } from './edge-codecs.js';
export type { EdgeDecoderOptions, EdgeImageSource } from './read-input.js';

/**
 * The formats the wasm decoder reads, by core's format ids (`IMAGE_FORMAT_NAMES` names them).
 *
 * @example
 * ```ts
 * EDGE_IMAGE_FORMATS.map((f) => IMAGE_FORMAT_NAMES[f]).join(', '); // 'JPEG, PNG, WebP'
 * ```
 */
export const EDGE_IMAGE_FORMATS = ['jpeg', 'png', 'webp'] as const;

/** True for a WebP whose VP8X header marks it animated. */
const isAnimatedWebp = (b: Uint8Array) => b.length > 20 && String.fromCharCode(b[12]!, b[13]!, b[14]!, b[15]!) === 'VP8X' && (b[20]! & 0x02) !== 0;

/**
 * Opens encoded JPEG, PNG or WebP bytes as far as their size, checking before any pixel is
 * decoded: `limits.maxEncodedBytes` on the bytes, the format from the header (anything else is
 * `E_IMAGE_DECODE` naming it), `limits.maxInputPixels` on the header's size (`E_LIMIT`), and for
 * a JPEG `limits.maxJpegScans` and that its data reaches its end. The size is as oriented (EXIF
 * orientation 5-8 swaps it); `decode()` (and `decodeWhole()`) return the whole image, 8-bit (RGBA, RGB or grey; core
 * drops alpha and keeps the stored colour, as the reference and the other adapters do), turned
 * as libvips reads the orientation and sharp's rotate() applies it. `name` names the image in messages.
 */
export function openEncodedImage(bytes: Uint8Array, name: string, codecs: EdgeCodecs, limits: Limits): OpenedImage & { decodeWhole(): Promise<RawImage> } {
  if (bytes.byteLength === 0) throw new OnnxMobilenetError('E_IMAGE_DECODE', `cannot decode image ${name}: it is empty (0 bytes)`);
  assertEncodedBytes(name, bytes.byteLength, limits);
  const header = readImageHeader(bytes);
  if (header?.format !== 'jpeg' && header?.format !== 'png' && header?.format !== 'webp') {
    throw unsupportedFormatError(
      name,
      bytes,
      'the wasm decoder',
      EDGE_IMAGE_FORMATS,
      '; convert it to one of them, or classify it with the Node or browser adapter, which decode more',
    );
  }
  checkImageHeader(header, name, limits);
  const format = IMAGE_FORMAT_NAMES[header.format];
  const codec = header.format === 'png' ? undefined : codecs.get(header.format, name);
  if (header.format === 'jpeg') {
    assertJpegScans(bytes, name, limits);
    if (!jpegReachesEnd(bytes)) throw cutShort(name, format);
  } else if (header.format === 'webp' && isAnimatedWebp(bytes)) {
    throw new OnnxMobilenetError(
      'E_IMAGE_DECODE',
      `cannot decode image ${name}: it is an animated WebP, which the wasm decoder does not read; pass one frame as a still image`,
    );
  }
  const stored = { width: header.width!, height: header.height! }; // checkImageHeader: sized
  const orientation = imageOrientation(bytes) ?? 1; // where the bytes leave it in doubt, as stored
  const turned = orientation >= 5;
  const decodeWhole = async () => orientImage(await decodeStored(bytes, name, format, codec, stored), orientation);
  return {
    name,
    width: turned ? stored.height : stored.width,
    height: turned ? stored.width : stored.height,
    decodeWhole,
    decode: async () => ({ whole: await decodeWhole() }),
  };
}

/** The stored pixels (unturned), decoded by the codec (PNG in JavaScript), checked against the header's size. */
async function decodeStored(
  bytes: Uint8Array,
  name: string,
  format: string,
  codec: EmscriptenCodec | undefined,
  stored: { width: number; height: number },
): Promise<RawImage> {
  let image: RawImage;
  try {
    if (!codec) image = decodePngPixels(bytes);
    else {
      const decoded = await codec.decode(bytes);
      if (decoded.warnings.some((w) => /premature end/i.test(w))) throw cutShort(name, format);
      image = { data: decoded.pixels.data, width: decoded.pixels.width, height: decoded.pixels.height, channels: 4 };
    }
  } catch (err) {
    throw codecError(err, name, format);
  }
  if (image.width !== stored.width || image.height !== stored.height) {
    throw new OnnxMobilenetError(
      'E_IMAGE_DECODE',
      `cannot decode image ${name}: it decoded to ${image.width}x${image.height}, but its header says ${stored.width}x${stored.height}`,
    );
  }
  return image;
}

/**
 * Decodes encoded JPEG, PNG or WebP bytes to 8-bit pixels with EXIF orientation applied, after the
 * checks of {@link openEncodedImage}. For tools and custom pipelines; a classifier opens and plans first.
 *
 * @example
 * ```ts
 * const pixels = await decodeEncodedImage(bytes, 'upload.jpg', new EdgeCodecs({ jpeg }), resolveLimits());
 * ```
 */
export async function decodeEncodedImage(bytes: Uint8Array, name: string, codecs: EdgeCodecs, limits: Limits): Promise<RawImage> {
  return openEncodedImage(bytes, name, codecs, limits).decodeWhole();
}

/**
 * The wasm package's image decoder (core's `ImageDecoder` role): encoded JPEG, PNG and WebP to
 * pixels with wasm codecs instantiated from the given precompiled modules (see
 * {@link CodecModules}) and PNG in JavaScript, no DOM and no native module. It does no resizing:
 * core resizes and crops the whole image, as for the browser adapter.
 *
 * A decode runs synchronously inside its codec and cannot be interrupted, so
 * `limits.decodeTimeoutMs` cannot stop one; `limits.maxInputPixels` (from the header) and
 * `limits.maxJpegScans` bound the work before it starts.
 *
 * @example
 * ```ts
 * import jpeg from './mozjpeg_dec.wasm';
 * import webp from './webp_dec.wasm';
 * const decoder = createEdgeDecoder({ jpeg, webp });
 * ```
 */
export function createEdgeDecoder(modules: CodecModules, options: EdgeDecoderOptions = {}): ImageDecoder<EdgeImageSource> {
  const codecs = new EdgeCodecs(modules);
  return {
    // whole decoded images wait for core's resize: as in browsers, no more than a batch at once
    // (a 12-megapixel photo is 48 MB of RGBA, and a Worker has 128 MB)
    maxConcurrent: DEFAULTS.batchSize,
    async open(input: EdgeImageSource, { signal, limits, network }: DecodeContext): Promise<OpenedImage> {
      const { bytes, name } = await readInput(input, signal, limits, network, options);
      return openEncodedImage(bytes, name, codecs, limits);
    },
  };
}

/**
 * The model input the classifier builds from an encoded image: decoded here, then resized,
 * cropped and normalised by core as `classifier.prepare()` does (CHW float32, `3 × cropSize ×
 * cropSize` values). For fidelity checks and custom pipelines.
 *
 * @example
 * ```ts
 * const tensor = await prepareEncodedImage(bytes, { jpeg, webp });
 * ```
 */
export async function prepareEncodedImage(
  bytes: Uint8Array | ArrayBuffer,
  modules: CodecModules | EdgeCodecs,
  { preprocess, limits }: { preprocess?: Partial<PreprocessOptions>; limits?: Partial<Limits> } = {},
): Promise<Float32Array> {
  const pre = resolvePreprocessOptions(preprocess);
  const resolved = resolveLimits(limits);
  const codecs = modules instanceof EdgeCodecs ? modules : new EdgeCodecs(modules);
  const view = bytesView(bytes, 'image');
  const image = await decodeEncodedImage(view, `${view.byteLength}-byte buffer`, codecs, resolved);
  return normalizeToCHW(resizeAndCrop(image, pre, resolved.maxResizedPixels), pre.mean, pre.std);
}
