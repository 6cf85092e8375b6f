import type { ClassifierBackend, ClassifierOptions } from '@onnx-mobilenet/core';
import { decodeImageWeb, type WebImageSource } from './decode-image.js';
import { loadAssetWeb } from './load-asset.js';
import { availableProviders, loadOrt, providerName, type OrtWeb } from './load-ort.js';

const configured = new WeakSet<object>();

/** Sets onnxruntime-web's process-wide settings once per runtime module, before its first session. */
function configureEnv(ort: OrtWeb, options: ClassifierOptions): void {
  if (configured.has(ort.env)) return;
  configured.add(ort.env);
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  // Threads need SharedArrayBuffer, which only cross-origin-isolated pages get.
  ort.env.wasm.numThreads = options.threads ?? (isolated ? Math.min(4, cores) : 1);
  if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
}

/**
 * The browser backend: onnxruntime-web sessions (wasm by default; WebGPU or WebNN when asked for
 * and present, else wasm with a warning), the platform's image decoders, fetch with Cache Storage
 * and SubtleCrypto checks.
 *
 * @example
 * ```ts
 * import { createClassifierWithBackend, createWebBackend } from '@onnx-mobilenet/web';
 * const options = { model: 'mobilenetv2-12-int8' };
 * const classifier = await createClassifierWithBackend(createWebBackend(options), options);
 * ```
 */
export function createWebBackend(options: ClassifierOptions = {}): ClassifierBackend<WebImageSource> {
  let ort: OrtWeb | undefined;
  return {
    name: 'onnxruntime-web',
    async createSession(model, sessionOptions) {
      const { providers, dropped } = availableProviders(sessionOptions.executionProviders ?? ['wasm']);
      if (dropped.length > 0) console.warn(`[onnx-mobilenet] ${dropped.join(', ')} is not available in this browser; using ${providers.map(providerName).join(', ')}`);
      ort = await loadOrt(providers);
      configureEnv(ort, options);
      try {
        return await ort.InferenceSession.create(model, { ...sessionOptions, executionProviders: providers });
      } catch (err) {
        if (providers.every((ep) => providerName(ep) === 'wasm')) throw err;
        console.warn(`[onnx-mobilenet] ${providers.map(providerName).join(', ')} failed (${(err as Error).message}); falling back to wasm`);
        return ort.InferenceSession.create(model, { ...sessionOptions, executionProviders: ['wasm'] });
      }
    },
    createTensor(data, dims) {
      if (!ort) throw new Error('createTensor before createSession');
      return new ort.Tensor('float32', data, dims);
    },
    loadAsset: loadAssetWeb,
    decodeImage: (input, _plan, context) => decodeImageWeb(input, context),
  };
}
