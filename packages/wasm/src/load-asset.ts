import type { AdapterOptions, AssetRef } from '@onnx-mobilenet/core';
import { fetchAsset, type LoadAssetOptions, openCacheStorage, subtleSha256Hex } from '@onnx-mobilenet/core/adapter';

/**
 * The wasm path's downloads: core's `fetchAsset` (bounded, sha256-checked with WebCrypto), each
 * redirect followed here and checked against the network policy before it is requested (these
 * runtimes show the `Location` of a redirect, unlike browsers), kept in the Cache API where the
 * runtime has one.
 */
export async function loadAssetFetch(
  asset: Exclude<AssetRef, { kind: 'bytes' }>,
  options: LoadAssetOptions & Pick<AdapterOptions, 'cacheName'>,
): Promise<Uint8Array> {
  // Workers and Deno have Cache Storage; Node, Bun and Vercel Edge do not: every cold start there downloads again, so pass bytes or a path
  const cache = await openCacheStorage(options.cacheName);
  return fetchAsset(asset, options, { cache, sha256Hex: subtleSha256Hex, access: { network: options.network } });
}
