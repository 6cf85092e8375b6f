import type { AssetRef } from '@onnx-mobilenet/core';
import { type AssetCache, CACHE_NAME, fetchAsset, type LoadAssetOptions, subtleSha256Hex } from '@onnx-mobilenet/core/adapter';

/**
 * The Cache API's bucket as core's `AssetCache` (Workers, Deno), or `null` where there is none
 * (Node, Bun, Vercel Edge): there every cold start downloads again, so pass bytes or a path.
 */
async function cacheBucket(name: string): Promise<AssetCache | null> {
  const storage = (globalThis as { caches?: CacheStorage }).caches;
  const bucket = await storage?.open(name).catch(() => undefined);
  if (!bucket) return null;
  return {
    match: (url) => bucket.match(url),
    put: (url, bytes, headers) => bucket.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers })),
    delete: (url) => bucket.delete(url),
  };
}

/**
 * The wasm path's downloads: core's `fetchAsset` (bounded, sha256-checked with WebCrypto), each
 * redirect followed here and checked against the network policy before it is requested (these
 * runtimes show the `Location` of a redirect, unlike browsers), kept in the Cache API where the
 * runtime has one.
 */
export async function loadAssetFetch(
  asset: Exclude<AssetRef, { kind: 'bytes' }>,
  options: LoadAssetOptions & { cacheName?: string | undefined },
): Promise<Uint8Array> {
  const cache = await cacheBucket(options.cacheName ?? CACHE_NAME);
  return fetchAsset(asset, options, { cache, sha256Hex: subtleSha256Hex, access: { network: options.network } });
}
