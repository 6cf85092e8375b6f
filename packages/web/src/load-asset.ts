import { OnnxMobilenetError, type AssetRef } from '@onnx-mobilenet/core';
import { fetchBounded, parseUrl, readBody, type FetchBoundedOptions, type LoadAssetOptions, type NetworkPolicy, redactUrl } from '@onnx-mobilenet/core/adapter';
import { sha256Hex } from './sha256.js';

/**
 * Name of the Cache Storage bucket downloads are kept in (the web adapter's `cacheDir` option overrides it).
 *
 * @example
 * ```ts
 * await caches.delete(CACHE_NAME); // forget every cached model and label file
 * ```
 */
export const CACHE_NAME = 'onnx-mobilenet';

/**
 * How the browser adapter downloads under a classifier's network policy. A page cannot see the
 * address a request connects to, nor (with `redirect: 'manual'`) where a redirect leads, so:
 * literal non-public hosts and `localhost` names are refused on the first request and where the
 * browser's redirects ended, except URLs of the page's own origin (its own server, which the
 * page's author chose); `allowHost` sees the same two URLs. The browser follows redirects by its
 * own rules (at most 20; Chrome's Private Network Access also guards public-to-private requests).
 *
 * @example
 * ```ts
 * const { bytes } = await fetchImage(url, limits, signal, webNetworkAccess(network));
 * ```
 */
export function webNetworkAccess(network: NetworkPolicy | undefined): Pick<FetchBoundedOptions, 'network' | 'redirect' | 'trustedOrigin'> {
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
  return { network, redirect: 'follow', trustedOrigin: origin && origin !== 'null' ? origin : undefined };
}

/** The browser's asset loading options: core's, plus the Cache Storage name of the web adapter's options. */
export type WebLoadAssetOptions = LoadAssetOptions & { cacheName?: string | undefined };

function absoluteUrl(asset: Exclude<AssetRef, { kind: 'bytes' }>): string {
  const raw = asset.kind === 'path' ? asset.path : asset.url;
  const base = (globalThis as { location?: { href: string } }).location?.href;
  return parseUrl(raw, asset.kind === 'path' ? 'file' : 'download', base).href;
}

async function verify(bytes: Uint8Array, expected: string | undefined, options: LoadAssetOptions): Promise<boolean> {
  if (!expected) return true;
  const actual = await sha256Hex(bytes);
  if (actual === null) {
    options.warn?.('crypto.subtle is unavailable (page not served over https or localhost): downloads are not checked by sha256', 'ONNX_MOBILENET_NO_CRYPTO');
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

/** How long a Cache API that honours `Cache-Control` (Cloudflare Workers) may keep a download: a year. */
const CACHE_CONTROL = 'public, max-age=31536000';

/** Header of a Cache Storage entry that records the sha256 of its body when it was stored. */
const HASH_HEADER = 'x-onnx-mobilenet-sha256';

/**
 * A cached copy that still matches its pinned sha256, or the hash recorded when it was stored;
 * read through the bounded reader. Anything else (altered, unrecorded, unreadable) is dropped so
 * a verified copy is fetched.
 */
async function readCached(cache: Cache, url: string, sha256: string | undefined, options: LoadAssetOptions): Promise<Uint8Array | undefined> {
  const hit = await cache.match(url).catch(() => undefined);
  if (!hit) return undefined;
  const expected = sha256 ?? hit.headers.get(HASH_HEADER) ?? undefined;
  const bytes = await readBody(hit, { url, what: `cached ${options.purpose}`, maxBytes: options.maxBytes }).catch(() => undefined);
  if (bytes && (expected || !globalThis.crypto?.subtle) && (await verify(bytes, expected, options))) return bytes;
  await cache.delete(url).catch(() => false);
  return undefined;
}

/**
 * The browser's `loadAsset`: fetches with progress, refuses HTTP errors, HTML pages and short
 * bodies with `E_DOWNLOAD`, checks sha256 with SubtleCrypto (`E_MODEL_CHECKSUM`), and keeps
 * verified files in the Cache Storage API (where it exists) so later loads stay offline. Every
 * cached file is checked on every load: against its pinned sha256, or the hash recorded with it.
 *
 * @example
 * ```ts
 * const model = await loadAssetWeb({ kind: 'url', url: 'https://example.com/model.onnx' }, { purpose: 'model', maxBytes: 2 ** 28, timeoutMs: 30_000 });
 * ```
 */
export async function loadAssetWeb(asset: Exclude<AssetRef, { kind: 'bytes' }>, options: WebLoadAssetOptions): Promise<Uint8Array> {
  const url = absoluteUrl(asset);
  const sha256 = asset.sha256;
  const cacheable = /^https?:/i.test(url);
  const cache = cacheable ? await openCache(options.cacheName ?? CACHE_NAME) : null;
  if (cache) {
    const cached = await readCached(cache, url, sha256, options);
    if (cached) return cached;
  }
  const { bytes, contentType } = await fetchBounded(url, {
    ...webNetworkAccess(options.network),
    what: options.purpose,
    maxBytes: options.maxBytes,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    onProgress: options.onProgress,
    expectedBytes: asset.kind === 'url' ? asset.bytes : undefined,
    refuseHtml: options.purpose === 'model',
  });
  if (!(await verify(bytes, sha256, options))) {
    throw new OnnxMobilenetError(
      'E_MODEL_CHECKSUM',
      `sha256 mismatch for ${redactUrl(url)} (downloaded ${bytes.byteLength} bytes): expected ${sha256!.toLowerCase()}, got ${await sha256Hex(bytes)}. It was not used.`,
    );
  }
  if (cache) {
    // A lifetime, because the Cache API of Cloudflare Workers (and miniflare's) keeps an entry
    // only as long as its Cache-Control allows: none, and it expires at once. Browsers' Cache
    // Storage ignores it and keeps entries until deleted; every load checks the hash either way.
    const headers: Record<string, string> = { 'content-type': contentType || 'application/octet-stream', 'cache-control': CACHE_CONTROL };
    const actual = await sha256Hex(bytes);
    if (actual) headers[HASH_HEADER] = actual; // so an entry without a pinned hash is checked too
    await cache.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers })).catch(() => undefined);
  }
  return bytes;
}
