import type { AdapterOptions, AssetRef } from '@onnx-mobilenet/core';
import {
  CACHE_NAME,
  type FetchBoundedOptions,
  fetchAsset,
  type LoadAssetOptions,
  type NetworkPolicy,
  openCacheStorage,
  subtleSha256Hex,
} from '@onnx-mobilenet/core/adapter';

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

/** The browser's asset loading options: core's, plus the Cache Storage bucket (the `cacheName` option). */
export type WebLoadAssetOptions = LoadAssetOptions & Pick<AdapterOptions, 'cacheName'>;

/**
 * The browser's `loadAsset`: core's `fetchAsset` (fetch with progress, HTTP errors, HTML pages
 * and short bodies refused with `E_DOWNLOAD`, sha256 checked with SubtleCrypto) with the page's
 * address as the base of relative URLs, the page's network rules, and Cache Storage (where it
 * exists) so later loads stay offline, written while the classifier goes on loading. Every cached
 * file is checked on every load: against its pinned sha256, or the hash recorded with it.
 *
 * @example
 * ```ts
 * const model = await loadAssetWeb({ kind: 'url', url: '/models/mobilenetv2-12-int8.onnx' }, { purpose: 'model', maxBytes: 2 ** 28, timeoutMs: 30_000 });
 * ```
 */
export async function loadAssetWeb(asset: Exclude<AssetRef, { kind: 'bytes' }>, options: WebLoadAssetOptions): Promise<Uint8Array> {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  const cache = await openCacheStorage(options.cacheName);
  return fetchAsset(asset, options, { cache, sha256Hex: subtleSha256Hex, access: webNetworkAccess(options.network), base, storeInBackground: true });
}

export { CACHE_NAME };
