import type { InferenceSession } from 'onnxruntime-common';
import type { DownloadProgress } from '../backend.js';
import { DEFAULTS, type Limits, type PreprocessOptions } from './defaults.js';
import type { Precision } from '../graph/precision.js';
import { describeValue, OnnxMobilenetError } from '../errors/errors.js';
import type { ClassifyOptions } from '../predictions/postprocess.js';
import type { HostCheck } from '../io/network-policy.js';
import { checkNumber, ownOptions, type OptionKind, type OptionShape } from './own-options.js';
import type { LabelsSource, ModelSource } from '../io/sources.js';

/**
 * Options of `createClassifier`, the same in Node and in browsers. Each adapter adds those of
 * {@link AdapterOptions} (`cacheDir`, `cacheName`, `wasmPaths`, `imageRoots`) in its options type.
 *
 * Only the object's own enumerable properties are read, once, when `createClassifier` is called
 * (deeply for `limits`, `preprocess`, `sessionOptions`, `executionProviders`): nothing inherited,
 * so properties put on `Object.prototype` elsewhere in an app are never taken for options, and
 * later changes to the object do not reach the load. Wrong types and out-of-range numbers are
 * `E_INPUT` naming the option; so is a getter that throws.
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
  /**
   * onnxruntime execution providers, in order of preference (e.g. `['cpu']`, `['webgpu', 'wasm']`).
   * Browsers: `wasm` by default; `webgpu` and `webnn` are opt-in, after `enableAcceleratedProviders()`
   * from the `accelerated` subpath. Where the browser lacks one (no `navigator.gpu` / `navigator.ml`),
   * or it fails to start (Chromium on Linux has `navigator.ml` only behind
   * `--enable-features=WebMachineLearningNeuralNetwork`, and its `createContext()` then rejects with
   * "WebNN is not supported on this platform"), the classifier runs on wasm with a console warning
   * (`ONNX_MOBILENET_EP_UNAVAILABLE`, `ONNX_MOBILENET_EP_FALLBACK`), not an error.
   */
  executionProviders?: InferenceSession.ExecutionProviderConfig[] | undefined;
  /**
   * Threads for inference. Node: onnxruntime's intra-op threads (default: onnxruntime's choice).
   * Browsers: `env.wasm.numThreads` (default: up to `DEFAULTS.webThreads`, 4, where the page is
   * `crossOriginIsolated`, else 1).
   * At most `DEFAULTS.maxThreads` (1024) in Node; in browsers at most `navigator.hardwareConcurrency`
   * (`DEFAULTS.webThreads`, 4, where the browser does not tell), since each thread is a Worker.
   * More is `E_INPUT`.
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
  /**
   * Let downloads (the model, the labels, image URLs) reach loopback, private (10/8, 172.16/12,
   * 192.168/16, fc00::/7), link-local (169.254/16 with cloud metadata services, fe80::/10),
   * carrier-grade NAT (100.64/10), unspecified (0.0.0.0, ::) and other non-public addresses,
   * IPv4-mapped IPv6 forms included. Default `false`: such an address is refused with
   * `E_FORBIDDEN` on every hop (the first request and each redirect); in Node the check is made
   * on the address actually connected to, so DNS rebinding cannot get around it. Set `true` for
   * development, intranets and tests against 127.0.0.1. Browsers: see the Security guide.
   */
  allowPrivateNetwork?: boolean | undefined;
  /**
   * Called with the URL of every hop of every download (the first request and each redirect)
   * before it is made; anything but `true` (or a promise of it) refuses it with `E_FORBIDDEN`.
   * For an allow-list of hosts: `allowHost: (url) => ['cdn.example.com'].includes(url.hostname)`.
   * It applies besides `allowPrivateNetwork`, not instead of it.
   */
  allowHost?: HostCheck | undefined;
  /**
   * Called as model and label downloads progress. An exception it throws does not stop loading:
   * the first one is reported through the classifier's warnings (code
   * `ONNX_MOBILENET_PROGRESS_CALLBACK`; Node: `process.emitWarning`, browsers: the console), later
   * ones are dropped.
   */
  onProgress?: ((progress: DownloadProgress) => void) | undefined;
  /** Cancels loading. */
  signal?: AbortSignal | undefined;
}

/**
 * How each option of `createClassifier` is read (see {@link ownOptions}): the one list from which
 * the options snapshot and its shape checks are made. Typed against `ClassifierOptions`, so an
 * option added there without an entry here does not compile. `limits` lists every limit of
 * `DEFAULTS.limits` as a number.
 */
export const CLASSIFIER_OPTION_KINDS = {
  model: 'data',
  sha256: 'value',
  labels: 'data',
  embeddings: 'boolean',
  limits: Object.fromEntries(Object.keys(DEFAULTS.limits).map((key) => [key, 'number'])) as OptionShape,
  preprocess: { mode: 'string', resizeShorter: 'number', cropSize: 'number', mean: 'array', std: 'array' },
  topK: 'number',
  batchSize: 'number',
  precision: 'value',
  executionProviders: 'array',
  threads: 'number',
  sessionOptions: 'object',
  mirror: 'string',
  onProgress: 'function',
  signal: 'value',
  allowPrivateNetwork: 'boolean',
  allowHost: 'function',
  maxConcurrentDecodes: 'number',
} as const satisfies { readonly [K in keyof Required<ClassifierOptions>]: OptionKind };

/**
 * The options of `createClassifier` that only some platforms use, declared once for every adapter:
 * each name means one thing wherever it is accepted. Every adapter's `createClassifier` takes them
 * all, so options written once type-check under each export condition of `onnx-mobilenet`, and
 * ignores those its platform has no use for (no file cache in browsers, no Cache Storage in Node).
 */
export interface AdapterOptions {
  /**
   * Node: the folder downloads are cached in (default `ONNX_MOBILENET_CACHE`, else the user cache
   * folder, `~/.cache/onnx-mobilenet`). Ignored by the web adapter and the wasm path, which keep
   * no files: they cache in Cache Storage (`cacheName`).
   */
  cacheDir?: string | undefined;
  /**
   * Browsers, Workers and Deno (the web adapter and the wasm path): the Cache Storage bucket
   * downloads are kept in (default `CACHE_NAME`, `'onnx-mobilenet'`). Ignored where the runtime has
   * no Cache Storage (Node, Bun, Vercel Edge) and by the Node adapter (`cacheDir`).
   */
  cacheName?: string | undefined;
  /**
   * Browsers (the web adapter): where onnxruntime-web's `.wasm` (and `.mjs`) files are served
   * from, as a URL prefix or `{ wasm, mjs }` URLs. Default: beside onnxruntime-web's code
   * (`import.meta.url`), where Vite, webpack, Rspack and Next.js emit them; set it when serving them
   * from a CDN or a folder of your own, and with bundlers that lose `import.meta.url` (Parcel) or
   * do not emit the files (esbuild). The Bundlers guide (docs/guides/bundlers.md) gives each
   * bundler's setting. Ignored by the Node adapter (native onnxruntime) and the wasm path (its
   * wasm comes with it, or as `wasmModules`).
   */
  wasmPaths?: string | { wasm?: string | undefined; mjs?: string | undefined } | undefined;
  /**
   * Node, and the wasm path in Node, Bun and Deno: folders that image paths (and `file:` URLs)
   * must lie under, for servers that take paths from strangers. Symbolic links are resolved before
   * the check, the file opened is checked to be the file resolved, and a path outside the folders,
   * a missing one and an unreadable one all get the same `E_FORBIDDEN`, which tells nothing about
   * what exists. `[]` reads no local image at all. Each folder must exist when the classifier is
   * created (`E_INPUT` otherwise). Default: unset, any path the process can read (model and label
   * paths are never confined: they are the app's). Ignored in browsers and Workers, which read no
   * local files.
   */
  imageRoots?: readonly string[] | undefined;
}

/**
 * How every option of `createClassifier` is read, the adapters' own included: those of
 * {@link AdapterOptions}, and the wasm path's `wasmModules`. An adapter's `createClassifier`
 * snapshots its options with it before making its backend.
 *
 * @example
 * ```ts
 * const own = ownOptions(options, ADAPTER_OPTION_KINDS, 'createClassifier options');
 * return createClassifierWithBackend(createMyBackend(own), own);
 * ```
 */
export const ADAPTER_OPTION_KINDS = {
  ...CLASSIFIER_OPTION_KINDS,
  cacheDir: 'string',
  cacheName: 'string',
  wasmPaths: 'data',
  imageRoots: 'array',
  // the wasm path's own: its type names the package's wasm files (WasmOptions)
  wasmModules: 'object',
} as const satisfies { readonly [K in keyof Required<AdapterOptions>]: OptionKind } & OptionShape;

/** How the options of the classifier's calls (`classify`, `classifyAll`, `embed`, `infer`, `logits`, `prepare`) are read. */
export const CALL_OPTION_KINDS = {
  topK: 'number',
  threshold: 'number',
  allow: 'array',
  deny: 'array',
  signal: 'value',
  normalize: 'boolean',
  concurrency: 'number',
  maxFps: 'number',
  smoothing: 'number',
} as const satisfies OptionShape;

/** Throws `E_INPUT` unless `value` is absent or an integer from 1 to `max`; `why` says what sets `max`. */
export function assertPositiveInt(name: string, value: unknown, max = Number.MAX_SAFE_INTEGER, why?: string): void {
  checkNumber(name, value, { max, why });
}

/** Throws `E_INPUT` unless `signal` is absent or an AbortSignal (anything else would be silently ignored). */
export function assertSignal(signal: unknown): void {
  if (signal === undefined) return;
  const s = signal as Partial<AbortSignal> | null;
  if (s === null || typeof s !== 'object' || typeof s.aborted !== 'boolean' || typeof s.addEventListener !== 'function') {
    throw new OnnxMobilenetError('E_INPUT', `signal must be an AbortSignal, got ${describeValue(signal)}`);
  }
}

/**
 * Options of a call, as read (own properties only, see {@link ownOptions}): absent, or an object
 * whose `signal` is an AbortSignal. Everything after this reads the returned snapshot.
 */
export function checkCallOptions<T extends { signal?: AbortSignal | undefined }>(options: T | undefined, call: string): T {
  const own = ownOptions(options, CALL_OPTION_KINDS, `${call} options`);
  assertSignal(own.signal);
  return own;
}

/** The options of `classify` (and `infer`, `classifyAll`) as read and checked. */
export function checkClassifyOptions<T extends ClassifyOptions>(options: T | undefined, call = 'classify'): T {
  const own = checkCallOptions(options, call);
  assertPositiveInt('topK', own.topK);
  checkNumber('threshold', own.threshold, { min: 0, max: 1, integer: false });
  return own;
}

/**
 * The options of `createClassifier` as read (own properties only, see {@link ownOptions}) and
 * checked: shapes, every number against its range (`E_INPUT`), the signal. `kinds` adds an
 * adapter's own options. Thread counts are bounded by the platform's `threadLimit` (default
 * `DEFAULTS.maxThreads`). Everything after this reads the returned snapshot.
 */
export function checkClassifierOptions<T extends ClassifierOptions>(
  options: T | undefined,
  kinds: OptionShape = CLASSIFIER_OPTION_KINDS,
  threadLimit?: { max: number; reason: string },
): T {
  const own = ownOptions(options, kinds, 'createClassifier options');
  assertPositiveInt('batchSize', own.batchSize, DEFAULTS.maxBatchSize);
  assertPositiveInt('maxConcurrentDecodes', own.maxConcurrentDecodes);
  assertPositiveInt('topK', own.topK);
  assertSignal(own.signal);
  if (own.allowPrivateNetwork !== undefined && typeof own.allowPrivateNetwork !== 'boolean') {
    throw new OnnxMobilenetError('E_INPUT', `allowPrivateNetwork must be true or false, got ${describeValue(own.allowPrivateNetwork)}`);
  }
  if (own.allowHost !== undefined && typeof own.allowHost !== 'function') {
    throw new OnnxMobilenetError('E_INPUT', `allowHost must be a function (url: URL) => boolean, got ${describeValue(own.allowHost)}`);
  }
  const maxThreads = Math.min(threadLimit?.max ?? DEFAULTS.maxThreads, DEFAULTS.maxThreads);
  assertPositiveInt('threads', own.threads, maxThreads, threadLimit?.reason);
  for (const key of ['intraOpNumThreads', 'interOpNumThreads'] as const) {
    const n = own.sessionOptions?.[key];
    // 0 asks onnxruntime for its default
    if (n !== 0) assertPositiveInt(`sessionOptions.${key}`, n, maxThreads, threadLimit?.reason);
  }
  return own;
}
