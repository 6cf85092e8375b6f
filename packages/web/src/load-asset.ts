import { OnnxMobilenetError, concatBytes, describeError, guardDownload, type AssetRef, type LoadAssetOptions } from '@onnx-mobilenet/core';
import { sha256Hex } from './sha256.js';

/**
 * Name of the Cache Storage bucket downloads are kept in (the `cacheDir` option overrides it).
 *
 * @example
 * ```ts
 * await caches.delete(CACHE_NAME); // forget every cached model and label file
 * ```
 */
export const CACHE_NAME = 'onnx-mobilenet';

let warnedNoCrypto = false;

function absoluteUrl(asset: Exclude<AssetRef, { kind: 'bytes' }>): string {
  const raw = asset.kind === 'path' ? asset.path : asset.url;
  const base = (globalThis as { location?: { href: string } }).location?.href;
  try {
    return new URL(raw, base).href;
  } catch {
    throw new OnnxMobilenetError('E_INPUT', `not a valid URL: ${raw}`);
  }
}

async function verify(url: string, bytes: Uint8Array, expected: string | undefined): Promise<boolean> {
  if (!expected) return true;
  const actual = await sha256Hex(bytes);
  if (actual === null) {
    if (!warnedNoCrypto) {
      warnedNoCrypto = true;
      console.warn('[onnx-mobilenet] crypto.subtle is unavailable (page not served over https or localhost): downloads are not checked by sha256');
    }
    return true;
  }
  return actual === expected.toLowerCase();
}

async function openCache(name: string): Promise<Cache | null> {
  try {
    return typeof caches === 'undefined' ? null : await caches.open(name);
  } catch {
    return null; // opaque origins and some private modes refuse Cache Storage
  }
}

/** Reads a response body with progress, refusing HTML pages and short bodies. */
async function readBody(url: string, response: Response, options: LoadAssetOptions, onData: () => void, expectedBytes?: number): Promise<Uint8Array> {
  const type = response.headers.get('content-type') ?? '';
  if (options.purpose === 'model' && /text\/html/i.test(type)) {
    await response.body?.cancel().catch(() => undefined);
    throw new OnnxMobilenetError('E_DOWNLOAD', `${url} returned an HTML page (${type}), not an ONNX model`);
  }
  const header = response.headers.get('content-length');
  // A compressed response's Content-Length counts encoded bytes, not the body we read.
  const declared = header && !response.headers.get('content-encoding') ? Number(header) : undefined;
  const total = declared ?? expectedBytes;
  const tooBig = (n: number) => new OnnxMobilenetError('E_LIMIT', `${url} has ${n} bytes or more, over the limit of ${options.maxBytes}`);
  if (declared !== undefined && declared > options.maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooBig(declared);
  }
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    let step: ReadableStreamReadResult<Uint8Array>;
    try {
      step = await reader.read();
    } catch (err) {
      throw new OnnxMobilenetError('E_DOWNLOAD', `the download of ${url} broke after ${loaded} bytes: ${describeError(err)}`, { cause: err });
    }
    if (step.done) break;
    onData();
    if (loaded + step.value.byteLength > options.maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooBig(loaded + step.value.byteLength);
    }
    chunks.push(step.value);
    loaded += step.value.byteLength;
    options.onProgress?.({ url, loaded, total });
  }
  if (declared !== undefined && loaded !== declared) {
    throw new OnnxMobilenetError('E_DOWNLOAD', `${url} ended after ${loaded} of ${declared} bytes`);
  }
  return concatBytes(chunks);
}

/**
 * The browser's `loadAsset`: fetches with progress, refuses HTTP errors, HTML pages and short
 * bodies with `E_DOWNLOAD`, checks sha256 with SubtleCrypto (`E_MODEL_CHECKSUM`), and keeps
 * verified files in the Cache Storage API (where it exists) so later loads stay offline.
 */
export async function loadAssetWeb(asset: Exclude<AssetRef, { kind: 'bytes' }>, options: LoadAssetOptions): Promise<Uint8Array> {
  const url = absoluteUrl(asset);
  const sha256 = asset.sha256;
  const cacheable = /^https?:/i.test(url);
  const cache = cacheable ? await openCache(options.cacheDir ?? CACHE_NAME) : null;
  if (cache) {
    const hit = await cache.match(url).catch(() => undefined);
    if (hit) {
      const bytes = new Uint8Array(await hit.arrayBuffer());
      if (await verify(url, bytes, sha256)) return bytes;
      await cache.delete(url).catch(() => false); // altered or corrupt: fetch a verified copy
    }
  }
  let response: Response | undefined;
  const bytes = await guardDownload(url, options, async (signal, onData) => {
    try {
      response = await fetch(url, { signal });
    } catch (err) {
      throw new OnnxMobilenetError('E_DOWNLOAD', `could not fetch ${url}: ${describeError(err)}`, { cause: err });
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new OnnxMobilenetError('E_DOWNLOAD', `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''} from ${url}`);
    }
    return readBody(url, response, options, onData, asset.kind === 'url' ? asset.bytes : undefined);
  });
  if (!(await verify(url, bytes, sha256))) {
    throw new OnnxMobilenetError(
      'E_MODEL_CHECKSUM',
      `sha256 mismatch for ${url} (downloaded ${bytes.byteLength} bytes): expected ${sha256!.toLowerCase()}, got ${await sha256Hex(bytes)}. It was not used.`,
    );
  }
  if (cache) {
    const type = response?.headers.get('content-type') ?? 'application/octet-stream';
    await cache.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': type } })).catch(() => undefined);
  }
  return bytes;
}
