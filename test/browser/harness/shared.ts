// Work done identically on the page and in the worker.
import { createClassifier, type ClassifierOptions, type Prediction, type WebClassifier } from 'onnx-mobilenet';

/**
 * The wasm threads onnxruntime-web really starts, not what it was asked for: Emscripten starts each
 * as a Worker named `em-pthread*`, created through this scope's `Worker` when the first session
 * starts. Counted from the moment this module loads, before any classifier exists.
 */
export const pthreadWorkers = { started: 0 };
if (typeof Worker !== 'undefined') {
  const RealWorker = Worker;
  globalThis.Worker = class extends RealWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      if (options?.name?.startsWith('em-pthread')) pthreadWorkers.started++;
    }
  };
}

export interface RunRequest {
  model: string;
  labels: string;
  urls: string[];
  topK?: number;
  threads?: number;
  wasmPaths?: string;
}

export interface RunResult {
  predictions: Prediction[][];
  loadMs: number;
  msPerPhoto: number;
  backend: string;
  /** onnxruntime-web's thread workers started in this scope so far ({@link pthreadWorkers}). */
  pthreadWorkers: number;
  /** Whether this scope may share wasm memory with threads (cross-origin isolated, with SharedArrayBuffer). */
  canShareMemory: boolean;
  /** navigator.hardwareConcurrency in this scope. */
  cores: number;
}

export async function classifyUrls(req: RunRequest, extra: ClassifierOptions = {}): Promise<RunResult> {
  const t0 = performance.now();
  const classifier: WebClassifier = await createClassifier({ model: req.model, labels: req.labels, threads: req.threads, wasmPaths: req.wasmPaths, ...extra });
  const t1 = performance.now();
  // Fetch first so the timing below is decode + preprocess + inference, not the network.
  const blobs = await Promise.all(req.urls.map((u) => fetch(u).then((r) => r.blob())));
  const t2 = performance.now();
  const predictions = await classifier.classify(blobs, { topK: req.topK ?? 5 });
  const t3 = performance.now();
  await classifier.dispose();
  return {
    predictions,
    loadMs: t1 - t0,
    msPerPhoto: (t3 - t2) / req.urls.length,
    backend: classifier.model.backend,
    pthreadWorkers: pthreadWorkers.started,
    canShareMemory: crossOriginIsolated && typeof SharedArrayBuffer === 'function',
    cores: navigator.hardwareConcurrency,
  };
}
