import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { ClassifierBackend, DownloadProgress } from './backend.js';
import { BatchScheduler } from './batch-scheduler.js';
import { DEFAULTS, resolveLimits, resolvePreprocessOptions, type Limits, type Precision, type PreprocessOptions } from './defaults.js';
import { dequantizeGraph, hasQuantizedOps } from './dequantize.js';
import { addEmbeddingOutput } from './embedding-graph.js';
import { assertNoExternalData } from './external-data.js';
import { decodeModel, encodeModel } from './onnx-model.js';
import { bytesView } from './bytes.js';
import { describeError, isOnnxMobilenetError, OnnxMobilenetError } from './errors.js';
import { assertRawImage, isPreparedTensor, isRawImage, type PreparedTensor, type RawImage } from './image.js';
import { parseLabels, type ClassLabel } from './labels.js';
import { inspectModelIO, type ModelIO } from './model-io.js';
import type { RegistryModel } from './model-registry.js';
import { normalizeToCHW } from './normalize.js';
import { predictionsFromLogits, type ClassifyOptions, type Prediction } from './postprocess.js';
import { resizeAndCrop } from './preprocess.js';
import { l2Normalize } from './similarity.js';
import { planResize } from './resize-plan.js';
import { describeValue, resolveLabelsSource, resolveModelSource, type AssetRef, type LabelsSource, type ModelSource } from './sources.js';

/** Options of `createClassifier`, the same in Node and in browsers. */
export interface ClassifierOptions {
  /**
   * The model: a registry name (see `MODELS`; default `DEFAULTS.model`, `'mobilenetv2-7'`), a file
   * path, an `http(s):` or `file:` URL, or the `.onnx` bytes. The model must hold all its weights:
   * a model with external data (tensors stored in another file) is refused with `E_MODEL_LOAD`,
   * wherever it comes from, so that no model can read files beside it or the process.
   */
  model?: ModelSource;
  /** Expected sha256 (hex) of a model given by path or URL; registry models carry their own. */
  sha256?: string;
  /**
   * Class labels in output order: a path or URL of a `synset.txt`, JSON array or one-per-line file,
   * its bytes, or an array of strings. Default: the model zoo's ImageNet `synset.txt`.
   */
  labels?: LabelsSource;
  /**
   * Whether to add the pooled feature output that `embed()`, `infer()` and few-shot classifiers
   * need (default true). `false` skips the load-time graph rewrite: faster cold start, and in
   * browsers the protobuf code is never fetched.
   */
  embeddings?: boolean;
  /** Safety limits on inputs and downloads; unset fields come from `DEFAULTS.limits`. */
  limits?: Partial<Limits>;
  /** Preprocessing overrides; unset fields come from `DEFAULTS.preprocess`. */
  preprocess?: Partial<PreprocessOptions>;
  /** Predictions `classify()` and `infer()` return when the call gives no `topK`. Default `DEFAULTS.topK` (5). */
  topK?: number;
  /** Largest batch per session run for models with a dynamic batch dimension. Default `DEFAULTS.batchSize`. */
  batchSize?: number;
  /**
   * How to run a quantized (int8) model: `'auto'` (default) dequantizes it to an equivalent float
   * graph where the backend's int8 kernels lose accuracy (onnxruntime-node on x86-64 without
   * VNNI), `'fp32'` always does, `'model'` never does.
   */
  precision?: Precision;
  /** onnxruntime execution providers, in order of preference (e.g. `['cpu']`, `['webgpu', 'wasm']`). */
  executionProviders?: InferenceSession.ExecutionProviderConfig[];
  /**
   * Threads for inference. Node: onnxruntime's intra-op threads (default: onnxruntime's choice).
   * Browsers: `env.wasm.numThreads` (default: up to 4 where the page is `crossOriginIsolated`, else 1).
   * At most `DEFAULTS.maxThreads` (1024).
   */
  threads?: number;
  /**
   * Browsers only: where onnxruntime-web's `.wasm` (and `.mjs`) files are served from, as a URL
   * prefix or `{ wasm, mjs }` URLs. Default: beside the bundle (`import.meta.url`), which Vite and
   * webpack resolve; set it when serving them from a CDN or a custom folder.
   */
  wasmPaths?: string | { wasm?: string; mjs?: string };
  /** Extra onnxruntime session options, merged last. */
  sessionOptions?: InferenceSession.SessionOptions;
  /**
   * Base URL replacing `MODEL_ZOO_BASE_URL` for registry downloads (a mirror laid out like the zoo's
   * folder); files are still verified against the registry's sha256.
   */
  mirror?: string;
  /** Where downloads are cached (Node: a directory; default `ONNX_MOBILENET_CACHE`, else the user cache dir). */
  cacheDir?: string;
  /** Called as model and label downloads progress. */
  onProgress?: (progress: DownloadProgress) => void;
  /** Cancels loading. */
  signal?: AbortSignal;
}

/** What a classifier loaded, for display and logging. */
export interface ModelInfo {
  /** Registry name, or the path/URL the model came from. */
  source: string;
  /** Registry entry when the model was loaded by name. */
  registry?: RegistryModel;
  /** Backend that runs the session (`onnxruntime-node`, `onnxruntime-web`). */
  backend: string;
  inputName: string;
  outputName: string;
  /** Side of the square input image. */
  inputSize: number;
  /** Number of classes. */
  classes: number;
  /** Fixed batch size, or `'dynamic'`. */
  batch: number | 'dynamic';
  /** True when a quantized model was dequantized to float at load time (see `precision`). */
  dequantized: boolean;
  /** Length of the vectors `embed()` returns (1280 for MobileNetV2), or `null` where none was found. */
  embeddingSize: number | null;
}

/**
 * A loaded MobileNetV2 classifier. Calls may overlap: they are queued and batched safely.
 *
 * @typeParam TInput - the image inputs the environment accepts besides raw pixels and prepared tensors.
 */
export interface Classifier<TInput> {
  /** Classifies one image: its top-k predictions, best first. */
  classify(input: TInput | RawImage | PreparedTensor, options?: ClassifyOptions): Promise<Prediction[]>;
  /** Classifies several images (batched): one prediction list per image, in order. */
  classify(inputs: readonly (TInput | RawImage | PreparedTensor)[], options?: ClassifyOptions): Promise<Prediction[][]>;
  /**
   * The image's feature vector: the global average pool's output that feeds the classifier
   * (1280 values for MobileNetV2), L2-normalised when `normalize` is true. Rejects with
   * `E_MODEL_SHAPE` for a model where no pooled feature was found.
   */
  embed(input: TInput | RawImage | PreparedTensor, options?: { normalize?: boolean; signal?: AbortSignal }): Promise<Float32Array>;
  /** Predictions and feature vector of one image, from one session run. */
  infer(
    input: TInput | RawImage | PreparedTensor,
    options?: ClassifyOptions & { normalize?: boolean },
  ): Promise<{ predictions: Prediction[]; embedding: Float32Array }>;
  /** Raw model scores (before softmax) of one image, one value per class. */
  logits(input: TInput | RawImage | PreparedTensor, options?: { signal?: AbortSignal }): Promise<Float32Array>;
  /** The image's model input: normalised CHW float32, `3 × size × size` values. */
  prepare(input: TInput | RawImage | PreparedTensor, options?: { signal?: AbortSignal }): Promise<Float32Array>;
  /** The classes, in output order. */
  readonly labels: readonly ClassLabel[];
  /** What was loaded. */
  readonly model: ModelInfo;
  /** The effective preprocessing options. */
  readonly preprocessOptions: Readonly<PreprocessOptions>;
  /** Releases the session. Pending calls reject with `E_DISPOSED`; later calls too. */
  dispose(): Promise<void>;
  /** Same as `dispose()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** What one session run yields per image. */
interface ImageOutput {
  logits: Float32Array;
  embedding?: Float32Array;
}

const asyncDispose: typeof Symbol.asyncDispose =
  (Symbol as { asyncDispose?: typeof Symbol.asyncDispose }).asyncDispose ?? (Symbol.for('Symbol.asyncDispose') as typeof Symbol.asyncDispose);

function disposedError(): OnnxMobilenetError {
  return new OnnxMobilenetError('E_DISPOSED', 'this classifier was disposed; create a new one with createClassifier()');
}

function assertPositiveInt(name: string, value: unknown, max = Infinity): void {
  if (value !== undefined && !(Number.isInteger(value) && (value as number) >= 1 && (value as number) <= max)) {
    const range = max === Infinity ? 'a positive integer' : `an integer from 1 to ${max}`;
    throw new OnnxMobilenetError('E_INPUT', `${name} must be ${range}, got ${String(value)}`);
  }
}

/** Throws `E_INPUT` unless `signal` is absent or an AbortSignal (anything else would be silently ignored). */
function assertSignal(signal: unknown): void {
  if (signal === undefined) return;
  const s = signal as Partial<AbortSignal> | null;
  if (s === null || typeof s !== 'object' || typeof s.aborted !== 'boolean' || typeof s.addEventListener !== 'function') {
    throw new OnnxMobilenetError('E_INPUT', `signal must be an AbortSignal, got ${describeValue(signal)}`);
  }
}

/** Options of a call: absent, or an object whose `signal` is an AbortSignal. */
function checkCallOptions<T extends { signal?: AbortSignal }>(options: T, call: string): T {
  if (options === null || typeof options !== 'object') throw new OnnxMobilenetError('E_INPUT', `${call} options must be an object, got ${describeValue(options)}`);
  assertSignal(options.signal);
  return options;
}

function checkClassifyOptions(options: ClassifyOptions): void {
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

function loadOptions(options: ClassifierOptions, limits: Limits) {
  return { onProgress: options.onProgress, signal: options.signal, cacheDir: options.cacheDir, timeoutMs: limits.downloadTimeoutMs };
}

/** Rejects with the signal's reason as soon as it aborts, whatever `promise` does. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * A copy of what the call reads later: encoded bytes (decoders read them asynchronously) and
 * prepared tensors (packed into a batch later) always, raw pixels when `later` (an array's items
 * after its first batch). Raw pixels of a first batch are resized before control returns.
 */
function ownInput<T>(input: T, later: boolean): T {
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) return bytesView(input, 'image').slice() as T;
  if (isPreparedTensor(input)) return { data: input.data.slice(), dims: [...input.dims] } as T;
  if (later && isRawImage(input)) return { ...input, data: input.data.slice() } as T;
  return input;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new OnnxMobilenetError('E_INPUT', 'aborted');
}

async function loadLabelList(
  backend: ClassifierBackend<unknown>,
  source: AssetRef | readonly string[],
  options: ClassifierOptions,
  limits: Limits,
): Promise<ClassLabel[]> {
  if (Array.isArray(source)) return parseLabels(source as readonly string[]);
  const ref = source as AssetRef;
  const bytes =
    ref.kind === 'bytes'
      ? ref.bytes
      : await abortable(backend.loadAsset(ref, { ...loadOptions(options, limits), purpose: 'labels', maxBytes: limits.maxEncodedBytes }), options.signal);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new OnnxMobilenetError('E_LABELS', `labels from ${ref.description} are not UTF-8 text`);
  }
  return parseLabels(text);
}

let warnedInt8 = false;

/** Whether `precision` asks for quantized models to run as float here (warns once when `'auto'` does). */
function wantsFloat(backend: ClassifierBackend<unknown>, precision: Precision, registry: RegistryModel | undefined): { wanted: boolean; warn?: () => void } {
  if (precision !== 'auto' && precision !== 'fp32' && precision !== 'model') {
    throw new OnnxMobilenetError('E_INPUT', `precision must be 'auto', 'fp32' or 'model', got ${JSON.stringify(precision)}`);
  }
  if (precision === 'model' || (registry && registry.precision !== 'int8')) return { wanted: false };
  if (precision === 'fp32') return { wanted: true };
  const check = backend.int8Inaccurate?.();
  if (!check?.inaccurate) return { wanted: false };
  return {
    wanted: true,
    warn: () => {
      if (warnedInt8) return;
      warnedInt8 = true;
      const message = `int8 model runs dequantized to float32: ${check.reason}. Pass precision: 'model' to run the int8 kernels anyway.`;
      (backend.warn ?? ((m: string) => console.warn(`[onnx-mobilenet] ${m}`)))(message, 'ONNX_MOBILENET_INT8');
    },
  };
}

/**
 * Load-time graph rewrites, with one parse and one serialisation: dequantizing int8 models where
 * asked, and adding the pooled feature vector as an output for embed(). A model whose embedding
 * cannot be found still classifies; embed() then rejects with the reason.
 */
async function rewriteGraph(
  bytes: Uint8Array,
  float: { wanted: boolean; warn?: () => void },
  embeddings: boolean,
  maxBytes: number,
): Promise<{ bytes: Uint8Array; dequantized: boolean; embedding: { name: string; size: number } | OnnxMobilenetError }> {
  const off = new OnnxMobilenetError('E_INPUT', 'embeddings are off for this classifier: create it without embeddings: false');
  if (!embeddings && !float.wanted) return { bytes, dequantized: false, embedding: off };
  let model;
  try {
    model = await decodeModel(bytes);
  } catch (err) {
    // onnxruntime reports unparsable files with its own words; keep the bytes as they are
    return { bytes, dequantized: false, embedding: err as OnnxMobilenetError };
  }
  const dequantized = float.wanted && hasQuantizedOps(model);
  if (dequantized) {
    float.warn?.();
    await dequantizeGraph(model, maxBytes);
  }
  let embedding: { name: string; size: number } | OnnxMobilenetError = off;
  try {
    if (embeddings) embedding = await addEmbeddingOutput(model);
  } catch (err) {
    if (!isOnnxMobilenetError(err)) throw err;
    embedding = err;
    if (!dequantized) return { bytes, dequantized, embedding };
  }
  if (!dequantized && embedding === off) return { bytes, dequantized, embedding };
  const rewritten = await encodeModel(model);
  if (rewritten.byteLength > maxBytes) {
    throw new OnnxMobilenetError('E_LIMIT', `the rewritten model has ${rewritten.byteLength} bytes, over limits.maxModelBytes (${maxBytes}); raise the limit${dequantized ? " or load it with precision: 'model'" : ''}`);
  }
  return { bytes: rewritten, dequantized, embedding };
}

/**
 * Creates a classifier on an injected backend. Environment packages call this with their backend;
 * app code calls `createClassifier` from `onnx-mobilenet` (or `@onnx-mobilenet/node` / `/web`).
 *
 * @example
 * ```ts
 * import { createClassifierWithBackend } from '@onnx-mobilenet/core';
 * const classifier = await createClassifierWithBackend(myBackend, { model: 'mobilenetv2-12-int8' });
 * ```
 */
export async function createClassifierWithBackend<TInput>(
  backend: ClassifierBackend<TInput>,
  options: ClassifierOptions = {},
): Promise<Classifier<TInput>> {
  if (options === null || typeof options !== 'object') throw new OnnxMobilenetError('E_INPUT', 'createClassifier options must be an object');
  const pre = resolvePreprocessOptions(options.preprocess);
  const limits = resolveLimits(options.limits);
  assertPositiveInt('batchSize', options.batchSize);
  assertPositiveInt('topK', options.topK);
  assertSignal(options.signal);
  assertPositiveInt('threads', options.threads, DEFAULTS.maxThreads);
  for (const key of ['intraOpNumThreads', 'interOpNumThreads'] as const) {
    const n = options.sessionOptions?.[key];
    // 0 asks onnxruntime for its default
    if (n !== undefined && n !== 0) assertPositiveInt(`sessionOptions.${key}`, n, DEFAULTS.maxThreads);
  }
  const { asset, registry } = resolveModelSource(options.model ?? DEFAULTS.model, options.sha256, options.mirror);
  throwIfAborted(options.signal);

  let modelBytes =
    asset.kind === 'bytes'
      ? asset.bytes
      : // abortable: a backend reading a local file may not watch the signal itself
        await abortable(backend.loadAsset(asset, { ...loadOptions(options, limits), purpose: 'model', maxBytes: limits.maxModelBytes }), options.signal);
  if (modelBytes.byteLength > limits.maxModelBytes) {
    throw new OnnxMobilenetError('E_LIMIT', `the model has ${modelBytes.byteLength} bytes, over limits.maxModelBytes (${limits.maxModelBytes})`);
  }
  await assertNoExternalData(modelBytes, asset.description);
  const rewritten = await rewriteGraph(
    modelBytes,
    wantsFloat(backend as ClassifierBackend<unknown>, options.precision ?? DEFAULTS.precision, registry),
    options.embeddings ?? true,
    limits.maxModelBytes,
  );
  modelBytes = rewritten.bytes;
  const { dequantized, embedding } = rewritten;
  throwIfAborted(options.signal);

  const sessionOptions: InferenceSession.SessionOptions = {
    graphOptimizationLevel: DEFAULTS.graphOptimizationLevel,
    ...(options.executionProviders ? { executionProviders: options.executionProviders } : {}),
    ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
    ...options.sessionOptions,
  };
  let session: InferenceSession;
  try {
    session = await backend.createSession(modelBytes, sessionOptions);
  } catch (err) {
    if (isOnnxMobilenetError(err)) throw err;
    throw new OnnxMobilenetError(
      'E_MODEL_LOAD',
      `could not load the model from ${asset.description} (${modelBytes.byteLength} bytes) with ${backend.name}: it is not a valid ONNX model or uses operators this runtime lacks: ${describeError(err)}`,
      { cause: err },
    );
  }

  try {
    throwIfAborted(options.signal);
    const io = inspectModelIO(session);
    for (const [dim, value] of [['height', io.height], ['width', io.width]] as const) {
      if (value !== null && value !== pre.cropSize) {
        throw new OnnxMobilenetError(
          'E_MODEL_SHAPE',
          `the model's input ${dim} is ${value} but preprocess.cropSize is ${pre.cropSize}; set preprocess.cropSize to ${value}`,
        );
      }
    }
    const labels = await loadLabelList(backend as ClassifierBackend<unknown>, resolveLabelsSource(options.labels, options.mirror), options, limits);
    if (io.classes !== null && labels.length !== io.classes) {
      throw new OnnxMobilenetError(
        'E_LABELS',
        `the model outputs ${io.classes} classes but the label list has ${labels.length}; pass the labels that belong to this model`,
      );
    }
    return new OrtClassifier(backend, session, io, labels, pre, limits, options, asset.description, registry, dequantized, embedding);
  } catch (err) {
    await session.release().catch(() => undefined);
    throw err;
  }
}

class OrtClassifier<TInput> implements Classifier<TInput> {
  readonly model: ModelInfo;
  private readonly scheduler: BatchScheduler<ImageOutput>;
  private readonly maxBatch: number;
  private readonly topK: number;
  private disposed = false;
  private disposing: Promise<void> | null = null;

  constructor(
    private readonly backend: ClassifierBackend<TInput>,
    private readonly session: InferenceSession,
    private readonly io: ModelIO,
    readonly labels: readonly ClassLabel[],
    readonly preprocessOptions: Readonly<PreprocessOptions>,
    private readonly limits: Limits,
    options: ClassifierOptions,
    source: string,
    registry: RegistryModel | undefined,
    dequantized: boolean,
    private readonly embedding: { name: string; size: number } | OnnxMobilenetError,
  ) {
    this.model = {
      source,
      registry,
      backend: backend.name,
      inputName: io.inputName,
      outputName: io.outputName,
      inputSize: preprocessOptions.cropSize,
      classes: labels.length,
      batch: io.fixedBatch ?? 'dynamic',
      dequantized,
      embeddingSize: embedding instanceof Error ? null : embedding.size,
    };
    this.maxBatch = io.fixedBatch ?? options.batchSize ?? DEFAULTS.batchSize;
    this.topK = options.topK ?? DEFAULTS.topK;
    this.scheduler = new BatchScheduler(this.maxBatch, (inputs) => this.runBatch(inputs));
  }

  classify(input: TInput | RawImage | PreparedTensor, options?: ClassifyOptions): Promise<Prediction[]>;
  classify(inputs: readonly (TInput | RawImage | PreparedTensor)[], options?: ClassifyOptions): Promise<Prediction[][]>;
  async classify(
    input: TInput | RawImage | PreparedTensor | readonly (TInput | RawImage | PreparedTensor)[],
    options: ClassifyOptions = {},
  ): Promise<Prediction[] | Prediction[][]> {
    this.assertUsable();
    checkClassifyOptions(options);
    const post = { ...options, topK: Math.min(options.topK ?? this.topK, this.labels.length) };
    if (Array.isArray(input)) {
      const all = await this.runMany(input as readonly (TInput | RawImage | PreparedTensor)[], options.signal);
      return all.map((o) => predictionsFromLogits(o.logits, this.labels, post));
    }
    const [o] = await this.runMany([input as TInput], options.signal);
    return predictionsFromLogits(o.logits, this.labels, post);
  }

  async logits(input: TInput | RawImage | PreparedTensor, options: { signal?: AbortSignal } = {}): Promise<Float32Array> {
    this.assertUsable();
    checkCallOptions(options, 'logits');
    const [o] = await this.runMany([input], options.signal);
    return o.logits;
  }

  async embed(input: TInput | RawImage | PreparedTensor, options: { normalize?: boolean; signal?: AbortSignal } = {}): Promise<Float32Array> {
    checkCallOptions(options, 'embed');
    return (await this.infer(input, { ...options, topK: 1 })).embedding;
  }

  async infer(
    input: TInput | RawImage | PreparedTensor,
    options: ClassifyOptions & { normalize?: boolean } = {},
  ): Promise<{ predictions: Prediction[]; embedding: Float32Array }> {
    this.assertUsable();
    if (this.embedding instanceof Error) throw this.embedding;
    checkClassifyOptions(options);
    const [o] = await this.runMany([input], options.signal);
    const post = { ...options, topK: Math.min(options.topK ?? this.topK, this.labels.length) };
    const embedding = o.embedding!;
    return { predictions: predictionsFromLogits(o.logits, this.labels, post), embedding: options.normalize ? l2Normalize(embedding) : embedding };
  }

  async prepare(input: TInput | RawImage | PreparedTensor, options: { signal?: AbortSignal } = {}): Promise<Float32Array> {
    this.assertUsable();
    checkCallOptions(options, 'prepare');
    return this.prepareOne(ownInput(input, false), options.signal);
  }

  /**
   * Decodes in groups of one batch: the next group decodes while the previous one runs, and at
   * most one batch of decoded images is held per call.
   */
  private async runMany(inputs: readonly (TInput | RawImage | PreparedTensor)[], signal?: AbortSignal): Promise<ImageOutput[]> {
    const group = this.maxBatch;
    // Taken now, before control returns to the caller, who may then reuse its buffers.
    const owned = inputs.map((x, i) => ownInput(x, i >= group));
    const runs: Promise<ImageOutput[]>[] = [];
    for (let i = 0; i < owned.length; i += group) {
      const prepared = await Promise.all(owned.slice(i, i + group).map((x) => this.prepareOne(x, signal)));
      throwIfAborted(signal);
      this.assertUsable();
      const run = this.scheduler.submit(prepared);
      run.catch(() => undefined); // awaited below; avoid an unhandled rejection while the next group decodes
      runs.push(run);
    }
    return (await abortable(Promise.all(runs), signal)).flat();
  }

  private async prepareOne(input: TInput | RawImage | PreparedTensor, signal?: AbortSignal): Promise<Float32Array> {
    throwIfAborted(signal);
    const pre = this.preprocessOptions;
    const size = pre.cropSize;
    if (isPreparedTensor(input)) {
      const dims = input.dims;
      const ok =
        (dims.length === 4 && dims[0] === 1 && dims[1] === 3 && dims[2] === size && dims[3] === size) ||
        (dims.length === 3 && dims[0] === 3 && dims[1] === size && dims[2] === size);
      if (!ok || input.data.length !== 3 * size * size) {
        throw new OnnxMobilenetError(
          'E_INPUT',
          `a prepared tensor must have dims [1, 3, ${size}, ${size}] and ${3 * size * size} values; got dims [${dims.join(', ')}] and ${input.data.length} values`,
        );
      }
      return input.data;
    }
    if (isRawImage(input)) {
      assertRawImage(input);
      this.checkPixels(input.width, input.height);
      return normalizeToCHW(resizeAndCrop(input, pre), pre.mean, pre.std);
    }
    if (input === null || input === undefined) {
      throw new OnnxMobilenetError('E_INPUT', `expected an image, got ${String(input)}`);
    }
    const decoded = await abortable(
      this.backend.decodeImage(
        input as TInput,
        (w, h) => {
          this.checkPixels(w, h);
          return planResize(w, h, pre);
        },
        { signal, limits: this.limits },
      ),
      signal,
    );
    if (!decoded.planned) this.checkPixels(decoded.image.width, decoded.image.height);
    const crop = decoded.planned ? decoded.image : resizeAndCrop(decoded.image, pre);
    if (crop.width !== size || crop.height !== size) {
      throw new OnnxMobilenetError('E_INPUT', `the ${this.backend.name} decoder returned ${crop.width}x${crop.height}, expected ${size}x${size}`);
    }
    return normalizeToCHW(crop, pre.mean, pre.std);
  }

  private checkPixels(width: number, height: number): void {
    if (width * height > this.limits.maxInputPixels) {
      throw new OnnxMobilenetError('E_LIMIT', `the image is ${width}x${height} (${width * height} pixels), over limits.maxInputPixels (${this.limits.maxInputPixels})`);
    }
  }

  private async runBatch(inputs: Float32Array[]): Promise<ImageOutput[]> {
    if (this.disposed) throw disposedError();
    const size = this.preprocessOptions.cropSize;
    const per = 3 * size * size;
    let data: Float32Array;
    if (inputs.length === 1) {
      data = inputs[0];
    } else {
      data = new Float32Array(per * inputs.length);
      inputs.forEach((x, i) => data.set(x, i * per));
    }
    const feed: Tensor = this.backend.createTensor(data, [inputs.length, 3, size, size]);
    const outputs: Tensor[] = [];
    const embeddingName = this.embedding instanceof Error ? undefined : this.embedding.name;
    try {
      const result = await this.session.run({ [this.io.inputName]: feed }, embeddingName ? [this.io.outputName, embeddingName] : [this.io.outputName]);
      const out = result[this.io.outputName];
      outputs.push(out);
      const scores = (await out.getData()) as Float32Array;
      const classes = this.labels.length;
      if (scores.length !== classes * inputs.length) {
        throw new OnnxMobilenetError(
          'E_MODEL_SHAPE',
          `the model returned ${scores.length} scores for ${inputs.length} images; expected ${classes} per image`,
        );
      }
      let features: Float32Array | undefined;
      if (embeddingName) {
        outputs.push(result[embeddingName]);
        features = (await result[embeddingName].getData()) as Float32Array;
      }
      const size = features ? features.length / inputs.length : 0;
      return inputs.map((_, i) => ({
        logits: scores.slice(i * classes, (i + 1) * classes),
        embedding: features?.slice(i * size, (i + 1) * size),
      }));
    } catch (err) {
      if (isOnnxMobilenetError(err)) throw err;
      throw new OnnxMobilenetError('E_INFERENCE', `onnxruntime failed to run the model: ${describeError(err)}`, { cause: err });
    } finally {
      feed.dispose?.();
      for (const o of outputs) o.dispose?.();
    }
  }

  private assertUsable(): void {
    if (this.disposed) throw disposedError();
  }

  dispose(): Promise<void> {
    if (!this.disposing) {
      this.disposed = true;
      this.disposing = this.scheduler.close(disposedError()).then(() => this.session.release());
    }
    return this.disposing;
  }

  [asyncDispose](): Promise<void> {
    return this.dispose();
  }
}
