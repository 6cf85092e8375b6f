import type { LoadAssetOptions } from '../backend.js';
import { OnnxMobilenetError } from '../errors/errors.js';
import { redactUrl } from './network-policy.js';
import { type FetchBoundedOptions, fetchBounded, parseUrl, type ResponseLike, readBody } from './read-body.js';
import type { AssetRef } from './sources.js';

/**
 * Where downloads are kept between runs, keyed by URL: the adapters wrap the Cache Storage API
 * (browsers, Workers, Deno) in it.
 */
export interface AssetCache {
  match(url: string): Promise<ResponseLike | undefined>;
  /** Must take its copy of `bytes` before it returns (a `Response` made from them does): the caller keeps them. */
  put(url: string, bytes: Uint8Array, headers: Record<string, string>): Promise<void>;
  delete(url: string): Promise<boolean>;
}

/** What a runtime provides to {@link fetchAsset}. */
export interface FetchAssetPlatform {
  /** The cache to keep downloads in, or `null` where there is none. */
  cache: AssetCache | null;
  /** Hex sha256 of bytes, or `null` where the runtime cannot hash (a page not served over https). */
  sha256Hex(bytes: Uint8Array): Promise<string | null>;
  /** How downloads meet the network policy here (`fetchBounded`'s redirect handling and trusted origin), and the fetch to use. */
  access: Pick<FetchBoundedOptions, 'network' | 'redirect' | 'trustedOrigin' | 'fetch'>;
  /** What relative paths and URLs resolve against (a page's address); absent where nothing does. */
  base?: string | undefined;
  /**
   * Resolve with the bytes before the cache has stored them (browsers: a page outlives the write,
   * and a 3.6 MB Cache Storage write took 53-114 ms in Chromium, which a first result does not need). Off where a
   * runtime may end work left pending (Workers after their response).
   */
  storeInBackground?: boolean | undefined;
}

/**
 * Name of the Cache Storage bucket downloads are kept in (the `cacheName` option of the web adapter and the wasm path overrides it).
 *
 * @example
 * ```ts
 * await caches.delete(CACHE_NAME); // forget every cached model and label file
 * ```
 */
export const CACHE_NAME = 'onnx-mobilenet';

/**
 * The part of the Cache Storage API (browsers, Workers, Deno) that {@link openCacheStorage} uses,
 * declared for this file alone: core has no DOM typings, and other runtimes have no `caches`.
 */
declare const caches:
  | undefined
  | {
      open(name: string): Promise<{
        match(url: string): Promise<ResponseLike | undefined>;
        put(url: string, response: unknown): Promise<void>;
        delete(url: string): Promise<boolean>;
      }>;
    };
declare const Response: new (body: Uint8Array, init: { headers: Record<string, string> }) => unknown;

/**
 * The runtime's Cache Storage bucket `name` (default {@link CACHE_NAME}) as an {@link AssetCache},
 * or `null` where there is none (Node, Bun, Vercel Edge) or it is refused (opaque origins, some
 * private modes): then every load downloads again. The one wrapping of the web standard, for every
 * adapter that caches with it.
 *
 * @example
 * ```ts
 * const cache = await openCacheStorage(options.cacheName);
 * return fetchAsset(asset, options, { cache, sha256Hex: subtleSha256Hex, access: { network: options.network } });
 * ```
 */
export async function openCacheStorage(name: string = CACHE_NAME): Promise<AssetCache | null> {
  try {
    if (typeof caches === 'undefined') return null;
    const bucket = await caches.open(name);
    return {
      match: (url) => bucket.match(url),
      put: (url, bytes, headers) => bucket.put(url, new Response(bytes, { headers })),
      delete: (url) => bucket.delete(url),
    };
  } catch {
    return null;
  }
}

/** How long a cache that honours `Cache-Control` (the Cache API of Cloudflare Workers) may keep a download: a year. */
const CACHE_CONTROL = 'public, max-age=31536000';

/** Header of a cache entry that records the sha256 of its body when it was stored. */
const HASH_HEADER = 'x-onnx-mobilenet-sha256';

/**
 * Hex sha256 with the platform's WebCrypto (`crypto.subtle`: browsers on secure origins, Workers,
 * Node, Deno, Bun), or `null` where it is absent.
 *
 * @example
 * ```ts
 * const hex = await subtleSha256Hex(new TextEncoder().encode('abc')); // 'ba7816bf…'
 * ```
 */
export async function subtleSha256Hex(bytes: Uint8Array): Promise<string | null> {
  const subtle = (globalThis as { crypto?: { subtle?: { digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer> } } }).crypto?.subtle;
  if (!subtle) return null;
  const digest = await subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function verify(bytes: Uint8Array, expected: string | undefined, options: LoadAssetOptions, platform: FetchAssetPlatform): Promise<boolean> {
  if (!expected) return true;
  const actual = await platform.sha256Hex(bytes);
  if (actual === null) {
    options.warn?.('crypto.subtle is unavailable (page not served over https or localhost): downloads are not checked by sha256', 'ONNX_MOBILENET_NO_CRYPTO');
    return true;
  }
  return actual === expected.toLowerCase();
}

/**
 * A cached copy that still matches its pinned sha256, or the hash recorded when it was stored;
 * read through the bounded reader. Anything else (altered, unrecorded, unreadable) is dropped so
 * a verified copy is fetched.
 */
async function readCached(url: string, sha256: string | undefined, options: LoadAssetOptions, platform: FetchAssetPlatform & { cache: AssetCache }) {
  const hit = await platform.cache.match(url).catch(() => undefined);
  if (!hit) return undefined;
  const expected = sha256 ?? hit.headers.get(HASH_HEADER) ?? undefined;
  const bytes = await readBody(hit, { url, what: `cached ${options.purpose}`, maxBytes: options.maxBytes }).catch(() => undefined);
  // an entry with no hash to check is kept only where nothing can hash (it could not have been recorded)
  if (bytes && (expected ? await verify(bytes, expected, options, platform) : (await platform.sha256Hex(bytes)) === null)) return bytes;
  await platform.cache.delete(url).catch(() => false);
  return undefined;
}

/**
 * `loadAsset` over fetch, for runtimes without a file system of their own (browsers, Workers,
 * edge functions): fetches with progress, refuses HTTP errors, HTML pages and short bodies with
 * `E_DOWNLOAD`, checks sha256 (`E_MODEL_CHECKSUM`), and keeps verified files in the platform's
 * cache so later loads stay offline. Every cached file is checked on every load: against its
 * pinned sha256, or the hash recorded with it.
 *
 * @example
 * ```ts
 * const model = await fetchAsset(asset, options, { cache: null, sha256Hex: subtleSha256Hex, access: { network: options.network } });
 * ```
 */
export async function fetchAsset(asset: Exclude<AssetRef, { kind: 'bytes' }>, options: LoadAssetOptions, platform: FetchAssetPlatform): Promise<Uint8Array> {
  const url = parseUrl(asset.kind === 'path' ? asset.path : asset.url, asset.kind === 'path' ? 'file' : 'download', platform.base).href;
  const sha256 = asset.sha256;
  const cache = /^https?:/i.test(url) ? platform.cache : null;
  if (cache) {
    const cached = await readCached(url, sha256, options, { ...platform, cache });
    if (cached) return cached;
  }
  const { bytes, contentType } = await fetchBounded(url, {
    ...platform.access,
    what: options.purpose,
    maxBytes: options.maxBytes,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    onProgress: options.onProgress,
    expectedBytes: asset.kind === 'url' ? asset.bytes : undefined,
    refuseHtml: options.purpose === 'model',
  });
  // hashed once: for the pinned sha256, and for the cache entry's record
  const actual = sha256 || cache ? await platform.sha256Hex(bytes) : null;
  if (sha256 && actual === null) {
    options.warn?.('crypto.subtle is unavailable (page not served over https or localhost): downloads are not checked by sha256', 'ONNX_MOBILENET_NO_CRYPTO');
  }
  if (sha256 && actual !== null && actual !== sha256.toLowerCase()) {
    throw new OnnxMobilenetError(
      'E_MODEL_CHECKSUM',
      `sha256 mismatch for ${redactUrl(url)} (downloaded ${bytes.byteLength} bytes): expected ${sha256.toLowerCase()}, got ${actual}. It was not used.`,
    );
  }
  if (cache) {
    // Workers' Cache API drops an entry without a lifetime at once; browsers ignore it
    const headers: Record<string, string> = { 'content-type': contentType || 'application/octet-stream', 'cache-control': CACHE_CONTROL };
    if (actual) headers[HASH_HEADER] = actual; // so an entry without a pinned hash is checked too
    // put takes its copy before it returns (see AssetCache), so the caller may change the bytes;
    // a cache that fails, even at once, only costs a later download
    let store: Promise<unknown>;
    try {
      store = cache.put(url, bytes, headers).catch(() => undefined);
    } catch {
      store = Promise.resolve();
    }
    if (!platform.storeInBackground) await store;
  }
  return bytes;
}
