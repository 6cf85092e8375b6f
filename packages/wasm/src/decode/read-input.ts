// The encoded bytes of a wasm-decoder input, read under the classifier's limits, and its name.
import { OnnxMobilenetError, type Limits } from '@onnx-mobilenet/core';
import {
  assertEncodedBytes,
  bytesView,
  clipText,
  describeError,
  describeValue,
  fetchImage,
  parseUrl,
  redactUrl,
  type NetworkPolicy,
} from '@onnx-mobilenet/core/adapter';

/**
 * Image inputs the wasm decoder reads: the bytes of an encoded JPEG, PNG or WebP (`Uint8Array`,
 * `ArrayBuffer`), a `Blob` (a `File` from `request.formData()`), or an `http(s):` URL (string or
 * `URL`, fetched under the classifier's limits and network policy). Raw pixels and prepared
 * tensors are accepted everywhere too (core handles them).
 */
export type EdgeImageSource = Uint8Array | ArrayBuffer | Blob | URL | string;

/** What `createEdgeDecoder` may be given besides the codecs. */
export interface EdgeDecoderOptions {
  /**
   * Reads a local file named by a path or a `file:` URL (the Node/Bun/Deno entry passes
   * `readImageFile`, bounded by `limits.maxEncodedBytes`); without it such an input is `E_INPUT`.
   */
  readFile?: ((path: string | URL, limits: Limits) => Promise<{ bytes: Uint8Array; name: string }>) | undefined;
}

/** A blob-like input: read by its size first, then its bytes (no `Blob` global needed to tell). */
interface BlobLike {
  readonly size: number;
  readonly type?: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}
const isBlobLike = (v: unknown): v is BlobLike =>
  typeof v === 'object' && v !== null && typeof (v as BlobLike).arrayBuffer === 'function' && typeof (v as BlobLike).size === 'number';

/** The encoded bytes of an input, and its name for messages. */
export async function readInput(
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
    assertEncodedBytes(name, input.size, limits);
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
