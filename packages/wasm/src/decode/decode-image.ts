import { DEFAULTS, OnnxMobilenetError, type Limits, type PreprocessOptions, type RawImage } from '@onnx-mobilenet/core';
import {
  assertJpegScans,
  bytesView,
  clipText,
  describeError,
  describeValue,
  fetchImage,
  imageOrientation,
  jpegReachesEnd,
  orientImage,
  parseUrl,
  readImageHeader,
  redactUrl,
  resolveLimits,
  resolvePreprocessOptions,
  type DecodeContext,
  type DecodedImage,
  type ImageDecoder,
  type NetworkPolicy,
} from '@onnx-mobilenet/core/adapter';
import { normalizeToCHW, resizeAndCrop } from '@onnx-mobilenet/core/preprocess';
import { CODEC_NAMES, CODEC_WASM_FILES, type CodecModules, type WasmCodecName } from './codec-files.js';
import { CodecFailure, EmscriptenCodec } from './emscripten-codec.js';
import { decodePngPixels } from './png.js';

/**
 * Image inputs the wasm decoder reads: the bytes of an encoded JPEG, PNG or WebP (`Uint8Array`,
 * `ArrayBuffer`), a `Blob` (a `File` from `request.formData()`), or an `http(s):` URL (string or
 * `URL`, fetched under the classifier's limits and network policy). Raw pixels and prepared
 * tensors are accepted everywhere too (core handles them).
 */
export type EdgeImageSource = Uint8Array | ArrayBuffer | Blob | URL | string;

/**
 * The formats the wasm decoder reads.
 *
 * @example
 * ```ts
 * `reads ${EDGE_IMAGE_FORMATS.join(', ')}`; // 'reads JPEG, PNG, WebP'
 * ```
 */
export const EDGE_IMAGE_FORMATS = ['JPEG', 'PNG', 'WebP'] as const;

/** A blob-like input: read by its size first, then its bytes (no `Blob` global needed to tell). */
interface BlobLike {
  readonly size: number;
  readonly type?: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}
const isBlobLike = (v: unknown): v is BlobLike =>
  typeof v === 'object' && v !== null && typeof (v as BlobLike).arrayBuffer === 'function' && typeof (v as BlobLike).size === 'number';

/**
 * The wasm codecs of one decoder, instantiated on first use from the modules it was given; `E_INPUT`
 * for a module that is not a `WebAssembly.Module`.
 *
 * @example
 * ```ts
 * const codecs = new EdgeCodecs({ jpeg, webp });
 * const pixels = await decodeEncodedImage(bytes, 'upload.jpg', codecs, resolveLimits());
 * ```
 */
export class EdgeCodecs {
  private readonly codecs: Partial<Record<WasmCodecName, EmscriptenCodec>> = {};

  constructor(modules: CodecModules) {
    for (const codec of Object.keys(CODEC_WASM_FILES) as WasmCodecName[]) {
      const module = modules[codec];
      if (module === undefined) continue;
      // by its tag, not instanceof: a module from another realm (a VM context, a bundler's) is one too
      if (Object.prototype.toString.call(module) !== '[object WebAssembly.Module]') {
        throw new OnnxMobilenetError(
          'E_INPUT',
          `codecs.${codec} must be a WebAssembly.Module (the statically imported ${CODEC_WASM_FILES[codec].file}), got ${describeValue(module)}`,
        );
      }
      this.codecs[codec] = new EmscriptenCodec(codec, module);
    }
  }

  /** The codec for `codec`, or `E_IMAGE_DECODE` naming the module that was not given. */
  get(codec: WasmCodecName, name: string): EmscriptenCodec {
    const found = this.codecs[codec];
    if (found) return found;
    throw new OnnxMobilenetError(
      'E_IMAGE_DECODE',
      `cannot decode image ${name}: it is ${CODEC_NAMES[codec]}, and this decoder was made without the ${CODEC_NAMES[codec]} codec; pass codecs.${codec} (a WebAssembly.Module of ${CODEC_WASM_FILES[codec].file})`,
    );
  }
}

const formatName = (format: string) => (format === 'heif' ? 'AVIF/HEIF' : format.toUpperCase());

/** `E_IMAGE_DECODE` for bytes of a format the wasm decoder does not read, naming it and the way out. */
function unsupportedFormat(name: string, what: string): OnnxMobilenetError {
  return new OnnxMobilenetError(
    'E_IMAGE_DECODE',
    `cannot decode image ${name}: it is ${what}, not one of the formats the wasm decoder reads (${EDGE_IMAGE_FORMATS.join(', ')}); convert it to one of them, or classify it with the Node or browser adapter, which decode more`,
  );
}

/** A decode failure of a codec as a typed error: a cut-short file says so, anything else quotes the codec. */
function codecError(err: unknown, name: string, format: string): OnnxMobilenetError {
  if (err instanceof OnnxMobilenetError) return err;
  const reason = err instanceof CodecFailure ? err.message : describeError(err);
  if (/unsupported color conversion/i.test(reason)) {
    return new OnnxMobilenetError(
      'E_IMAGE_DECODE',
      `cannot decode image ${name}: it is a CMYK (or YCCK) JPEG, which the wasm decoder does not convert to RGB; save it as an RGB JPEG, or classify it with the Node adapter`,
      { cause: err },
    );
  }
  return new OnnxMobilenetError('E_IMAGE_DECODE', `cannot decode image ${name} (${format}): ${clipText(reason)}`, { cause: err });
}

const cutShort = (name: string, format: string) =>
  new OnnxMobilenetError('E_IMAGE_DECODE', `cannot decode image ${name}: the ${format} file is cut short (truncated)`);

/** True for TIFF's byte-order marks (classic and BigTIFF), which core's header reader leaves unrecognised. */
const isTiff = (b: Uint8Array) =>
  (b[0] === 0x49 && b[1] === 0x49 && (b[2] === 0x2a || b[2] === 0x2b) && b[3] === 0) || // II*\0, II+\0
  (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && (b[3] === 0x2a || b[3] === 0x2b)); // MM\0*, MM\0+

/** True for a WebP whose VP8X header marks it animated. */
const isAnimatedWebp = (b: Uint8Array) => b.length > 20 && String.fromCharCode(b[12]!, b[13]!, b[14]!, b[15]!) === 'VP8X' && (b[20]! & 0x02) !== 0;

/**
 * Decodes encoded JPEG, PNG or WebP bytes to 8-bit pixels (RGBA, RGB or grey; core drops alpha and
 * keeps the stored colour, as the reference and the other adapters do) with EXIF orientation
 * applied. Before any pixel is decoded: `limits.maxEncodedBytes` on the bytes, the format from
 * the header (anything else is `E_IMAGE_DECODE` naming it), `limits.maxInputPixels` on the
 * header's size (`E_LIMIT`), and for a JPEG `limits.maxJpegScans` and that its data reaches its
 * end. `name` names the image in messages.
 *
 * @example
 * ```ts
 * const pixels = await decodeEncodedImage(bytes, 'upload.jpg', new EdgeCodecs({ jpeg }), resolveLimits());
 * ```
 */
export async function decodeEncodedImage(bytes: Uint8Array, name: string, codecs: EdgeCodecs, limits: Limits): Promise<RawImage> {
  if (bytes.byteLength === 0) throw new OnnxMobilenetError('E_IMAGE_DECODE', `cannot decode image ${name}: it is empty (0 bytes)`);
  if (bytes.byteLength > limits.maxEncodedBytes) {
    throw new OnnxMobilenetError('E_LIMIT', `${name} has ${bytes.byteLength} bytes, over limits.maxEncodedBytes (${limits.maxEncodedBytes})`);
  }
  const header = readImageHeader(bytes);
  if (!header) throw unsupportedFormat(name, isTiff(bytes) ? 'TIFF' : `an unrecognised format (${bytes.byteLength} bytes)`);
  if (header.format !== 'jpeg' && header.format !== 'png' && header.format !== 'webp') throw unsupportedFormat(name, formatName(header.format));
  const format = header.format === 'webp' ? 'WebP' : formatName(header.format);
  const { width, height } = header;
  if (!width || !height) {
    throw new OnnxMobilenetError('E_IMAGE_DECODE', `cannot decode image ${name}: its ${format} header is cut short or corrupt (no image size in it)`);
  }
  if (width * height > limits.maxInputPixels) {
    throw new OnnxMobilenetError(
      'E_LIMIT',
      `image ${name} is ${width}x${height} (${width * height} pixels), over limits.maxInputPixels (${limits.maxInputPixels})`,
    );
  }
  let image: RawImage;
  if (header.format === 'png') {
    try {
      image = decodePngPixels(bytes);
    } catch (err) {
      throw codecError(err, name, format);
    }
  } else {
    const codec = codecs.get(header.format, name);
    if (header.format === 'jpeg') {
      assertJpegScans(bytes, name, limits);
      // libjpeg pads a cut-short file with grey; libvips (sharp's failOn 'error') refuses it
      if (!jpegReachesEnd(bytes)) throw cutShort(name, format);
    } else if (isAnimatedWebp(bytes)) {
      throw new OnnxMobilenetError(
        'E_IMAGE_DECODE',
        `cannot decode image ${name}: it is an animated WebP, which the wasm decoder does not read; pass one frame as a still image`,
      );
    }
    let decoded: Awaited<ReturnType<EmscriptenCodec['decode']>>;
    try {
      decoded = await codec.decode(bytes);
    } catch (err) {
      throw codecError(err, name, format);
    }
    if (decoded.warnings.some((w) => /premature end/i.test(w))) throw cutShort(name, format);
    const { data, width: w, height: h } = decoded.pixels;
    image = { data, width: w, height: h, channels: 4 };
  }
  if (image.width !== width || image.height !== height) {
    throw new OnnxMobilenetError(
      'E_IMAGE_DECODE',
      `cannot decode image ${name}: it decoded to ${image.width}x${image.height}, but its header says ${width}x${height}`,
    );
  }
  // as libvips reads it and sharp's rotate() applies it; where the bytes leave it in doubt, as stored
  return orientImage(image, imageOrientation(bytes) ?? 1);
}

/** What {@link createEdgeDecoder} may be given besides the codecs. */
export interface EdgeDecoderOptions {
  /**
   * Reads a local file named by a path or a `file:` URL (the Node/Bun/Deno entry passes
   * `readImageFile`, bounded by `limits.maxEncodedBytes`); without it such an input is `E_INPUT`.
   */
  readFile?: ((path: string | URL, limits: Limits) => Promise<{ bytes: Uint8Array; name: string }>) | undefined;
}

/** The encoded bytes of an input, and its name for messages. */
async function readInput(
  input: EdgeImageSource,
  signal: AbortSignal | undefined,
  limits: Limits,
  network: NetworkPolicy | undefined,
  options: EdgeDecoderOptions,
): Promise<{ bytes: Uint8Array; name: string }> {
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    const bytes = bytesView(input, 'image');
    return { bytes, name: `${bytes.byteLength}-byte ${input instanceof Uint8Array ? 'buffer' : 'ArrayBuffer'}` };
  }
  if (typeof input === 'string' || input instanceof URL) {
    const text = String(input);
    if (text === '') throw new OnnxMobilenetError('E_INPUT', 'expected an image URL, got an empty string');
    // as the Node adapter reads strings: http(s) and file: URLs, anything else a path
    const url = typeof input === 'string' && !/^(https?|file):/i.test(input) ? undefined : parseUrl(text, 'image');
    if (!url || url.protocol === 'file:') {
      if (options.readFile) return options.readFile(url ?? text, limits);
      throw new OnnxMobilenetError(
        'E_INPUT',
        `cannot read image ${clipText(redactUrl(text))}: this runtime has no files to read; pass the image's bytes, a Blob or an http(s) URL`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new OnnxMobilenetError('E_INPUT', `unsupported image URL scheme ${url.protocol} in ${clipText(redactUrl(url.href))}`);
    }
    const { bytes } = await fetchImage(url.href, limits, signal, { network });
    return { bytes, name: clipText(redactUrl(url.href)) };
  }
  if (isBlobLike(input)) {
    const name = `${input.size}-byte ${(input as { name?: unknown }).name ? `file ${JSON.stringify(clipText(String((input as { name?: unknown }).name), 80))}` : 'Blob'}`;
    if (input.size > limits.maxEncodedBytes) {
      throw new OnnxMobilenetError('E_LIMIT', `${name} has ${input.size} bytes, over limits.maxEncodedBytes (${limits.maxEncodedBytes})`);
    }
    try {
      return { bytes: new Uint8Array(await input.arrayBuffer()), name };
    } catch (err) {
      throw new OnnxMobilenetError('E_IMAGE_DECODE', `cannot read ${name}: ${describeError(err)}`, { cause: err });
    }
  }
  throw new OnnxMobilenetError(
    'E_INPUT',
    `unsupported image input: ${describeValue(input)}. Pass encoded image bytes (Uint8Array, ArrayBuffer), a Blob, an http(s) URL, raw pixels {data, width, height, channels} or a prepared tensor {data, dims}`,
  );
}

/**
 * The wasm package's image decoder (core's `ImageDecoder` role): encoded JPEG, PNG and WebP to
 * pixels with wasm codecs instantiated from the given precompiled modules (see
 * {@link CodecModules}) and PNG in JavaScript, no DOM and no native module. It does no resizing:
 * core resizes and crops, as for the browser adapter.
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
    async decodeImage(input: EdgeImageSource, _plan, { signal, limits, network }: DecodeContext): Promise<DecodedImage> {
      const { bytes, name } = await readInput(input, signal, limits, network, options);
      return { image: await decodeEncodedImage(bytes, name, codecs, limits), planned: false };
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
