import type { InferenceSession } from 'onnxruntime-common';
import type { DownloadProgress } from './backend.js';
import { DEFAULTS, type Limits, type Precision, type PreprocessOptions } from './defaults.js';
import { OnnxMobilenetError } from './errors.js';
import type { ClassifyOptions } from './postprocess.js';
import { describeValue, type LabelsSource, type ModelSource } from './sources.js';

/**
 * Options of `createClassifier`, the same in Node and in browsers. Each adapter adds its own
 * (`cacheDir` in Node and browsers, `wasmPaths` in browsers) in its options type.
 */
export interface ClassifierOptions {
  /**
   * The model: a registry name (see `MODELS`; default `DEFAULTS.model`, `'mobilenetv2-7'`), a file
   * path, an `http(s):` or `file:` URL, or the `.onnx` bytes. The model must hold all its weights:
   * a model with external data (tensors stored in another file) is refused with `E_MODEL_LOAD`,
   * wherever it comes from, so that no model can read files beside it or the process.
   */
  model?: ModelSource | undefined;
  /** Expected sha256 (hex) of a model given by path or URL; registry models carry their own. */
  sha256?: string | undefined;
  /**
   * Class labels in output order: a path or URL of a `synset.txt`, JSON array or one-per-line file,
   * its bytes, or an array of strings. Default: the model zoo's ImageNet `synset.txt`.
   */
  labels?: LabelsSource | undefined;
  /**
   * Whether to add the pooled feature output that `embed()`, `infer()` and few-shot classifiers
   * need (default true). `false` skips the load-time graph rewrite: faster cold start, and in
   * browsers the protobuf code is never fetched.
   */
  embeddings?: boolean | undefined;
  /** Safety limits on inputs and downloads; unset fields come from `DEFAULTS.limits`. */
  limits?: Partial<Limits> | undefined;
  /** Preprocessing overrides; unset fields come from `DEFAULTS.preprocess`. */
  preprocess?: Partial<PreprocessOptions> | undefined;
  /** Predictions `classify()` and `infer()` return when the call gives no `topK`. Default `DEFAULTS.topK` (5). */
  topK?: number | undefined;
  /** Largest batch per session run for models with a dynamic batch dimension. Default `DEFAULTS.batchSize`. */
  batchSize?: number | undefined;
  /**
   * Images this classifier decodes at once, across all its calls; more wait for a slot. Default
   * `DEFAULTS.maxConcurrentDecodes` (64), and at most a decoder's own cap (8 in browsers).
   */
  maxConcurrentDecodes?: number | undefined;
  /**
   * How to run a quantized (int8) model: `'auto'` (default) dequantizes it to an equivalent float
   * graph where the backend's int8 kernels lose accuracy (onnxruntime-node on x86-64 without
   * VNNI; with a warning) or run slower than its float kernels for the execution providers asked
   * for (onnxruntime-web: wasm measured about 1.6x slower, WebGPU and WebNN lack int8 kernels;
   * silently, and not where the float graph would exceed `limits.maxModelBytes`), `'fp32'` always
   * does, `'model'` never does. `classifier.model.dequantized` tells which graph runs.
   */
  precision?: Precision | undefined;
  /** onnxruntime execution providers, in order of preference (e.g. `['cpu']`, `['webgpu', 'wasm']`). */
  executionProviders?: InferenceSession.ExecutionProviderConfig[] | undefined;
  /**
   * Threads for inference. Node: onnxruntime's intra-op threads (default: onnxruntime's choice).
   * Browsers: `env.wasm.numThreads` (default: up to `DEFAULTS.webThreads`, 4, where the page is
   * `crossOriginIsolated`, else 1).
   * At most `DEFAULTS.maxThreads` (1024).
   */
  threads?: number | undefined;
  /**
   * Extra onnxruntime session options, merged last. In Node, the thread-spinning entries of
   * `extra` keep the adapter's values (`session.intra_op.allow_spinning` `'1'`,
   * `session.intra_op.spin_duration_us` `'25'`, `session.force_spinning_stop` `'1'`) unless given
   * here; other `extra` entries are added beside them.
   */
  sessionOptions?: InferenceSession.SessionOptions | undefined;
  /**
   * Base URL replacing `MODEL_ZOO_BASE_URL` for registry downloads (a mirror laid out like the zoo's
   * folder); files are still verified against the registry's sha256.
   */
  mirror?: string | undefined;
  /** Called as model and label downloads progress. */
  onProgress?: ((progress: DownloadProgress) => void) | undefined;
  /** Cancels loading. */
  signal?: AbortSignal | undefined;
}

export function assertPositiveInt(name: string, value: unknown, max = Infinity): void {
  if (value !== undefined && !(Number.isInteger(value) && (value as number) >= 1 && (value as number) <= max)) {
    const range = max === Infinity ? 'a positive integer' : `an integer from 1 to ${max}`;
    throw new OnnxMobilenetError('E_INPUT', `${name} must be ${range}, got ${String(value)}`);
  }
}

/** Throws `E_INPUT` unless `signal` is absent or an AbortSignal (anything else would be silently ignored). */
export function assertSignal(signal: unknown): void {
  if (signal === undefined) return;
  const s = signal as Partial<AbortSignal> | null;
  if (s === null || typeof s !== 'object' || typeof s.aborted !== 'boolean' || typeof s.addEventListener !== 'function') {
    throw new OnnxMobilenetError('E_INPUT', `signal must be an AbortSignal, got ${describeValue(signal)}`);
  }
}

/** Options of a call: absent, or an object whose `signal` is an AbortSignal. */
export function checkCallOptions<T extends { signal?: AbortSignal | undefined }>(options: T, call: string): T {
  if (options === null || typeof options !== 'object')
    throw new OnnxMobilenetError('E_INPUT', `${call} options must be an object, got ${describeValue(options)}`);
  assertSignal(options.signal);
  return options;
}

export function checkClassifyOptions(options: ClassifyOptions): void {
  checkCallOptions(options, 'classify');
  assertPositiveInt('topK', options.topK);
  const t = options.threshold;
  if (t !== undefined && !(typeof t === 'number' && t >= 0 && t <= 1)) {
    throw new OnnxMobilenetError('E_INPUT', `threshold must be a number in [0, 1], got ${String(t)}`);
  }
  for (const key of ['allow', 'deny'] as const) {
    if (options[key] !== undefined && !Array.isArray(options[key])) {
      throw new OnnxMobilenetError('E_INPUT', `${key} must be an array of class indices, ids or labels`);
    }
  }
}

/** Checks the options of `createClassifier` that are numbers or signals (`E_INPUT`). */
export function checkClassifierOptions(options: ClassifierOptions): void {
  if (options === null || typeof options !== 'object') throw new OnnxMobilenetError('E_INPUT', 'createClassifier options must be an object');
  assertPositiveInt('batchSize', options.batchSize);
  assertPositiveInt('maxConcurrentDecodes', options.maxConcurrentDecodes);
  assertPositiveInt('topK', options.topK);
  assertSignal(options.signal);
  assertPositiveInt('threads', options.threads, DEFAULTS.maxThreads);
  for (const key of ['intraOpNumThreads', 'interOpNumThreads'] as const) {
    const n = options.sessionOptions?.[key];
    // 0 asks onnxruntime for its default
    if (n !== undefined && n !== 0) assertPositiveInt(`sessionOptions.${key}`, n, DEFAULTS.maxThreads);
  }
}
