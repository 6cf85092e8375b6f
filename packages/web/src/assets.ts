/**
 * `@onnx-mobilenet/web/assets`: the web platform's asset loading (fetch with the classifier's
 * network policy, Cache Storage, SubtleCrypto checks) without onnxruntime-web, for adapters on
 * other fetch-and-Cache-API runtimes (`@onnx-mobilenet/wasm` in Workers and edge functions).
 *
 * @module @onnx-mobilenet/web/assets
 */
export { CACHE_NAME, loadAssetWeb, webNetworkAccess, type WebLoadAssetOptions } from './load-asset.js';
