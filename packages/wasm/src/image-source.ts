import { OnnxMobilenetError, type RawImage } from '@onnx-mobilenet/core';
import { bytesView, clipText, type DecodeContext, describeError, describeValue, fetchImage, parseUrl, redactUrl } from '@onnx-mobilenet/core/adapter';
import type { WasmFileName } from './wasm-files.js';

/**
 * Image inputs of the wasm path: the bytes of an encoded image (JPEG, PNG, WebP), as a
 * `Uint8Array`, `ArrayBuffer` or `Blob` (a `File` from `request.formData()`), or an http(s) URL
 * (string or `URL`) fetched under the classifier's network policy. Raw pixels and prepared
 * tensors are accepted everywhere too (core handles them). Encoded images are checked against
 * `limits.maxEncodedBytes` before they are read and `limits.maxInputPixels` from their header
 * before they are decoded.
 */
export type WasmImageSource = Uint8Array | ArrayBuffer | Blob | URL | string;

/**
 * Decodes encoded image bytes to pixels, EXIF orientation applied; `name` is for messages, `wasm`
 * gives the precompiled codec modules.
 */
export type DecodeEncoded = (
  bytes: Uint8Array,
  name: string,
  context: DecodeContext,
  wasm: (file: WasmFileName) => Promise<WebAssembly.Module>,
) => Promise<RawImage>;

function isBlob(value: unknown): value is Blob {
  return typeof Blob === 'function' && value instanceof Blob;
}

async function readBlob(blob: Blob, name: string, context: DecodeContext): Promise<Uint8Array> {
  if (blob.size > context.limits.maxEncodedBytes) {
    throw new OnnxMobilenetError('E_LIMIT', `${name} has ${blob.size} bytes, over limits.maxEncodedBytes (${context.limits.maxEncodedBytes})`);
  }
  try {
    return new Uint8Array(await blob.arrayBuffer());
  } catch (err) {
    throw new OnnxMobilenetError('E_IMAGE_DECODE', `cannot read ${name}: ${describeError(err)}`, { cause: err });
  }
}

/** The encoded bytes of an input and the name its messages use. */
export async function encodedBytes(input: WasmImageSource, context: DecodeContext): Promise<{ bytes: Uint8Array; name: string }> {
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    const bytes = bytesView(input, 'image');
    return { bytes, name: `${bytes.byteLength}-byte buffer` };
  }
  if (isBlob(input)) {
    const name = typeof (input as { name?: unknown }).name === 'string' ? clipText((input as File).name, 80) : 'Blob';
    return { bytes: await readBlob(input, name, context), name };
  }
  if (typeof input === 'string' || input instanceof URL) {
    const text = String(input);
    if (text === '') throw new OnnxMobilenetError('E_INPUT', 'expected an image URL, got an empty string');
    // No page to resolve against and no file system: only absolute http(s) URLs.
    const url = parseUrl(text, 'image').href;
    // every redirect is followed here and checked against the policy before it is requested
    const { bytes } = await fetchImage(url, context.limits, context.signal, { network: context.network });
    return { bytes, name: clipText(redactUrl(url)) };
  }
  throw new OnnxMobilenetError(
    'E_INPUT',
    `unsupported image input: ${describeValue(input)}. Pass encoded bytes (Uint8Array, ArrayBuffer, Blob), an http(s) URL, raw pixels {data, width, height, channels} or a prepared tensor {data, dims}`,
  );
}
