import { OnnxMobilenetError, fetchBounded, parseUrl, type AssetRef, type LoadAssetOptions } from '@onnx-mobilenet/core';
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
  return parseUrl(raw, asset.kind === 'path' ? 'file' : 'download', base).href;
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
  const { bytes, contentType } = await fetchBounded(url, {
    what: options.purpose,
    maxBytes: options.maxBytes,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    onProgress: options.onProgress,
    expectedBytes: asset.kind === 'url' ? asset.bytes : undefined,
    refuseHtml: options.purpose === 'model',
  });
  if (!(await verify(url, bytes, sha256))) {
    throw new OnnxMobilenetError(
      'E_MODEL_CHECKSUM',
      `sha256 mismatch for ${url} (downloaded ${bytes.byteLength} bytes): expected ${sha256!.toLowerCase()}, got ${await sha256Hex(bytes)}. It was not used.`,
    );
  }
  if (cache) {
    const type = contentType || 'application/octet-stream';
    await cache.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': type } })).catch(() => undefined);
  }
  return bytes;
}
