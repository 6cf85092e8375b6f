import { type AdapterOptions, DEFAULTS, OnnxMobilenetError, type ClassifierOptions } from '@onnx-mobilenet/core';
import { ADAPTER_OPTION_KINDS, type ClassifierBackend, ownOptions, type Warn, withoutPrototype } from '@onnx-mobilenet/core/adapter';
import type { InferenceSession } from 'onnxruntime-common';
import { openImageWeb, snapshotBytesWeb, snapshotWeb, type WebImageSource } from './decode-image.js';
import { int8FactsOnWeb } from './int8-facts.js';
import { releaseWebInput, webLiveSources } from './live/index.js';
import { loadAssetWeb } from './load-asset.js';
import { ortFilesError } from './ort-files.js';
import { acceleratedProvidersEnabled, availableProviders, isAccelerated, loadOrt, providerName, type OrtWeb } from './load-ort.js';
import { warmStart, warmStarted } from './warm-start.js';
import { configureWasmEnv, wasmThreadLimit } from './wasm-env.js';

/**
 * The browser adapter's options beside the common `ClassifierOptions`: those of `AdapterOptions`,
 * of which it uses `wasmPaths` and `cacheName` (`cacheDir` and `imageRoots` are Node's, ignored here).
 */
export type WebOptions = AdapterOptions;

/** Settings of the browser backend beyond the classifier options. */
export interface WebBackendOptions {
  /**
   * How long onnxruntime-web may take to start with wasm threads (fetching and compiling its
   * wasm, starting its thread workers) before `createClassifier` rejects with `E_RUNTIME`.
   * Default `DEFAULTS.webStartTimeoutMs` (20,000 ms). Single-threaded starts have no such limit (they cannot hang that way).
   */
  startTimeoutMs?: number | undefined;
}

/** onnxruntime-web's own message when `env.wasm.initTimeout` ran out. */
const INIT_TIMEOUT = /initializing failed due to timeout/;

/** The execution providers to ask onnxruntime-web for: those this page can run, with a warning for each one dropped. */
function usableProviders(requested: readonly InferenceSession.ExecutionProviderConfig[], warn: Warn): InferenceSession.ExecutionProviderConfig[] {
  const available = availableProviders(requested);
  let providers = available.providers;
  if (available.dropped.length > 0)
    warn(`${available.dropped.join(', ')} is not available in this browser; using ${providers.map(providerName).join(', ')}`, 'ONNX_MOBILENET_EP_UNAVAILABLE');
  if (providers.some(isAccelerated) && !acceleratedProvidersEnabled()) {
    const accelerated = providers.filter(isAccelerated).map(providerName).join(', ');
    providers = availableProviders(providers.filter((ep) => !isAccelerated(ep))).providers;
    warn(
      `${accelerated} is not available without onnxruntime-web's full build: call enableAcceleratedProviders() ` +
        `from 'onnx-mobilenet/accelerated' once before createClassifier; using ${providers.map(providerName).join(', ')}`,
      'ONNX_MOBILENET_EP_NOT_ENABLED',
    );
  }
  return providers;
}

/**
 * The browser backend: onnxruntime-web sessions (wasm by default; WebGPU or WebNN when asked for
 * and present, else wasm with a warning), the platform's image decoders, fetch with Cache Storage
 * and SubtleCrypto checks, warnings on the console; live video (`<video>`, cameras, streams of
 * `VideoFrame`s) for `classifyStream`.
 *
 * @example
 * ```ts
 * import { createClassifierWithBackend } from '@onnx-mobilenet/core/adapter';
 * import { createWebBackend } from '@onnx-mobilenet/web/adapter';
 * const options = { model: 'mobilenetv2-12-int8' };
 * const classifier = await createClassifierWithBackend(createWebBackend(options), options);
 * ```
 */
export function createWebBackend(given: ClassifierOptions & WebOptions = {}, webOptions: WebBackendOptions = {}): ClassifierBackend<WebImageSource> {
  // Own properties only (createClassifier passes a snapshot already; adapter authors may not)
  const options = ownOptions(given, ADAPTER_OPTION_KINDS, 'createWebBackend options');
  const startTimeoutMs = ownOptions(webOptions, { startTimeoutMs: 'number' }, 'createWebBackend settings').startTimeoutMs ?? DEFAULTS.webStartTimeoutMs;

  async function create(runtime: OrtWeb, model: Uint8Array, sessionOptions: InferenceSession.SessionOptions, threads: number) {
    // onnxruntime-web cannot start more intra-op threads than env.wasm.numThreads gave it.
    const capped = (sessionOptions.intraOpNumThreads ?? 0) > threads ? withoutPrototype(sessionOptions, { intraOpNumThreads: threads }) : sessionOptions;
    try {
      return await runtime.InferenceSession.create(model, capped);
    } catch (err) {
      const missing = ortFilesError(err, options.wasmPaths);
      if (missing) throw missing;
      if (!INIT_TIMEOUT.test((err as Error)?.message ?? '')) throw err;
      // the runtime's or the deployment's fault (thread workers, a slow .wasm), not the model's
      throw new OnnxMobilenetError(
        'E_RUNTIME',
        `onnxruntime-web did not start within ${startTimeoutMs} ms with ${threads} wasm threads: its thread workers never reported back ` +
          `(or its wasm file downloads too slowly). Pass threads: 1, or build the Web Worker that runs it as an ES module (Vite: worker: { format: 'es' }).`,
        { cause: err },
      );
    }
  }

  let early: Promise<void> | undefined;
  /**
   * Starts onnxruntime-web's wasm runtime while the model downloads and is rewritten (see
   * warmStart). Only where nothing asks for WebGPU or WebNN: those load another build of it.
   */
  async function startEarly(warn: Warn): Promise<void> {
    const requested = [...(options.executionProviders ?? []), ...(options.sessionOptions?.executionProviders ?? [])];
    if (requested.some(isAccelerated)) return;
    try {
      const runtime = await loadOrt(['wasm']);
      configureWasmEnv(runtime, options, startTimeoutMs, warn);
      warmStart(runtime);
    } catch {
      // createSession loads it again and reports what fails
    }
  }
  const platformWarn: Warn = (message) => console.warn(`[onnx-mobilenet] ${message}`);

  return {
    runtime: {
      name: 'onnxruntime-web',
      async createSession(model, sessionOptions, { warn }) {
        await early;
        const providers = usableProviders(sessionOptions.executionProviders ?? ['wasm'], warn);
        const runtime = await loadOrt(providers);
        const threads = configureWasmEnv(runtime, options, startTimeoutMs, warn);
        await warmStarted(runtime);
        const createTensor = (data: Float32Array, dims: readonly number[]) => new runtime.Tensor('float32', data, dims);
        try {
          return { session: await create(runtime, model, withoutPrototype(sessionOptions, { executionProviders: providers }), threads), createTensor };
        } catch (err) {
          if (err instanceof OnnxMobilenetError || providers.every((ep) => providerName(ep) === 'wasm')) throw err;
          warn(`${providers.map(providerName).join(', ')} failed (${(err as Error).message}); falling back to wasm`, 'ONNX_MOBILENET_EP_FALLBACK');
          return { session: await create(runtime, model, withoutPrototype(sessionOptions, { executionProviders: ['wasm'] }), threads), createTensor };
        }
      },
    },
    assets: {
      loadAsset(asset, loadOptions) {
        if (loadOptions.purpose === 'model') early ??= startEarly(loadOptions.warn ?? platformWarn);
        return loadAssetWeb(asset, { ...loadOptions, cacheName: options.cacheName });
      },
    },
    decoder: {
      open: openImageWeb,
      snapshot: snapshotWeb,
      snapshotBytes: snapshotBytesWeb,
      // Each decode holds the whole image twice (bitmap and pixels: 96 MB for 12 MP) until core
      // resizes it on this thread, so more at once buys no speed, only memory.
      maxConcurrent: DEFAULTS.batchSize,
      release: releaseWebInput,
    },
    live: webLiveSources,
    platform: { int8Facts: int8FactsOnWeb, warn: platformWarn, threadLimit: wasmThreadLimit },
  };
}
