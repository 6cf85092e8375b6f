import { OnnxMobilenetError, type ClassifierOptions } from '@onnx-mobilenet/core';
import type { ClassifierBackend } from '@onnx-mobilenet/core/adapter';
import type { InferenceSession } from 'onnxruntime-common';
import { decodeImageWeb, type WebImageSource } from './decode-image.js';
import { loadAssetWeb } from './load-asset.js';
import { acceleratedProvidersEnabled, availableProviders, isAccelerated, loadOrt, providerName, type OrtWeb } from './load-ort.js';
import { threadsWouldLoadAppScript } from './thread-support.js';

/** Settings of the browser backend beyond the classifier options. */
export interface WebBackendOptions {
  /**
   * How long onnxruntime-web may take to start with wasm threads (fetching and compiling its
   * wasm, starting its thread workers) before `createClassifier` rejects with `E_MODEL_LOAD`.
   * Default 20,000 ms. Single-threaded starts have no such limit (they cannot hang that way).
   */
  startTimeoutMs?: number;
}

const DEFAULT_START_TIMEOUT_MS = 20_000;
const configured = new WeakSet<object>();

/**
 * Sets onnxruntime-web's process-wide settings once per runtime module, before its first session,
 * and returns the number of wasm threads it will use.
 */
function configureEnv(ort: OrtWeb, options: ClassifierOptions, startTimeoutMs: number): number {
  if (configured.has(ort.env)) return ort.env.wasm.numThreads ?? 1;
  configured.add(ort.env);
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  // Threads need SharedArrayBuffer, which only cross-origin-isolated pages get.
  let threads = options.threads ?? (isolated ? Math.min(4, cores) : 1);
  // With wasmPaths naming its .mjs (or a folder of it), onnxruntime-web loads that file and starts threads on it.
  const ownScript = typeof options.wasmPaths === 'string' || !!options.wasmPaths?.mjs;
  if (threads > 1 && !ownScript && threadsWouldLoadAppScript(ort)) {
    console.warn(
      `[onnx-mobilenet] using 1 wasm thread instead of ${threads}: onnxruntime-web is bundled into the same script as your code ` +
        `(e.g. a Web Worker built with Vite's default worker.format 'iife'), so its thread workers would start your script instead of its own. ` +
        `For threads, build the worker as an ES module (Vite: worker: { format: 'es' }) or set wasmPaths.`,
    );
    threads = 1;
  }
  ort.env.wasm.numThreads = threads;
  // A thread worker that never reports back would leave the session pending forever.
  if (threads > 1) ort.env.wasm.initTimeout = startTimeoutMs;
  if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
  return threads;
}

/** onnxruntime-web's own message when `env.wasm.initTimeout` ran out. */
const INIT_TIMEOUT = /initializing failed due to timeout/;

/**
 * The browser backend: onnxruntime-web sessions (wasm by default; WebGPU or WebNN when asked for
 * and present, else wasm with a warning), the platform's image decoders, fetch with Cache Storage
 * and SubtleCrypto checks.
 *
 * @example
 * ```ts
 * import { createClassifierWithBackend } from '@onnx-mobilenet/core/adapter';
 * import { createWebBackend } from '@onnx-mobilenet/web/adapter';
 * const options = { model: 'mobilenetv2-12-int8' };
 * const classifier = await createClassifierWithBackend(createWebBackend(options), options);
 * ```
 */
export function createWebBackend(options: ClassifierOptions = {}, webOptions: WebBackendOptions = {}): ClassifierBackend<WebImageSource> {
  const startTimeoutMs = webOptions.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  let ort: OrtWeb | undefined;

  async function create(runtime: OrtWeb, model: Uint8Array, sessionOptions: InferenceSession.SessionOptions, threads: number) {
    // onnxruntime-web cannot start more intra-op threads than env.wasm.numThreads gave it.
    const capped = (sessionOptions.intraOpNumThreads ?? 0) > threads ? { ...sessionOptions, intraOpNumThreads: threads } : sessionOptions;
    try {
      return await runtime.InferenceSession.create(model, capped);
    } catch (err) {
      if (!INIT_TIMEOUT.test((err as Error)?.message ?? '')) throw err;
      throw new OnnxMobilenetError(
        'E_MODEL_LOAD',
        `onnxruntime-web did not start within ${startTimeoutMs} ms with ${threads} wasm threads: its thread workers never reported back ` +
          `(or its wasm file downloads too slowly). Pass threads: 1, or build the Web Worker that runs it as an ES module (Vite: worker: { format: 'es' }).`,
        { cause: err },
      );
    }
  }

  return {
    name: 'onnxruntime-web',
    async createSession(model, sessionOptions) {
      const available = availableProviders(sessionOptions.executionProviders ?? ['wasm']);
      let providers = available.providers;
      if (available.dropped.length > 0) console.warn(`[onnx-mobilenet] ${available.dropped.join(', ')} is not available in this browser; using ${providers.map(providerName).join(', ')}`);
      if (providers.some(isAccelerated) && !acceleratedProvidersEnabled()) {
        const accelerated = providers.filter(isAccelerated).map(providerName).join(', ');
        providers = availableProviders(providers.filter((ep) => !isAccelerated(ep))).providers;
        console.warn(
          `[onnx-mobilenet] ${accelerated} is not available without onnxruntime-web's full build: call enableAcceleratedProviders() ` +
            `from 'onnx-mobilenet/accelerated' once before createClassifier; using ${providers.map(providerName).join(', ')}`,
        );
      }
      const runtime = await loadOrt(providers);
      ort = runtime;
      const threads = configureEnv(runtime, options, startTimeoutMs);
      try {
        return await create(runtime, model, { ...sessionOptions, executionProviders: providers }, threads);
      } catch (err) {
        if (err instanceof OnnxMobilenetError || providers.every((ep) => providerName(ep) === 'wasm')) throw err;
        console.warn(`[onnx-mobilenet] ${providers.map(providerName).join(', ')} failed (${(err as Error).message}); falling back to wasm`);
        return create(runtime, model, { ...sessionOptions, executionProviders: ['wasm'] }, threads);
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
