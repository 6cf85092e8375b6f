import type { ClassifierBackend, Warn } from '../backend.js';
import { BatchScheduler } from '../flow/batch-scheduler.js';
import { ADAPTER_OPTION_KINDS, checkCallOptions, checkClassifierOptions, checkClassifyOptions, type ClassifierOptions } from '../options/classifier-options.js';
import { classifyAllWith, type ClassifyAllOptions, type ClassifyAllResult } from './classify-all.js';
import { DEFAULTS, type PreprocessOptions } from '../options/defaults.js';
import { OnnxMobilenetError } from '../errors/errors.js';
import type { PreparedTensor, RawImage } from '../image/image.js';
import type { ClassLabel } from '../predictions/labels.js';
import { loadModel, type LoadedModel } from './load-model.js';
import { predictionsFromLogits, softmax, type ClassifyOptions, type Prediction } from '../predictions/postprocess.js';
import { InputPreparer } from '../image/prepare-input.js';
import { type ImageRuns, imageRuns } from './image-runs.js';
import { modelInfo, type ModelInfo } from './model-info.js';
import { sessionRunner, type RunItem, type RunOutput, type SessionRunner } from './session-runner.js';
import { l2Normalize } from '../predictions/similarity.js';
import { withoutPrototype } from '../options/own-options.js';
import { onceEachCode } from '../errors/warnings.js';
import { classifyStreamWith, type ClassifyStreamOptions, type StreamResult, type StreamSource } from './classify-stream.js';
import { TRAINING, type TrainingAccess } from './training-access.js';

export type { ClassifierOptions } from '../options/classifier-options.js';
export type { ClassifyAllOptions, ClassifyAllResult } from './classify-all.js';
export type { ModelInfo } from './model-info.js';
export type { ClassifyStreamOptions, StreamFrameInfo, StreamResult, StreamSource, TimedInput } from './classify-stream.js';

/**
 * A loaded MobileNetV2 classifier. Calls may overlap: they are queued and batched safely.
 *
 * @typeParam TInput - the image inputs the environment accepts besides raw pixels and prepared tensors.
 * @typeParam TLive - the environment's live video sources for `classifyStream` (browsers: `<video>`, `MediaStream`, `MediaStreamTrack`).
 */
export interface Classifier<TInput, TLive = never> {
  /** Classifies one image: its top-k predictions, best first. */
  classify(input: TInput | RawImage | PreparedTensor, options?: ClassifyOptions): Promise<Prediction[]>;
  /**
   * Classifies several images (batched): one prediction list per image, in order. The first input
   * to fail (they are prepared concurrently: not necessarily the lowest index) rejects the call, its
   * place in the message (`inputs[2] (of 53): …`, same `code`, the original error as `cause`);
   * `classifyAll` goes on past failing inputs instead.
   */
  classify(inputs: readonly (TInput | RawImage | PreparedTensor)[], options?: ClassifyOptions): Promise<Prediction[][]>;
  /**
   * Classifies every image of an iterable or async iterable (an array, a generator, a directory
   * walk), yielding `{ index, input, predictions }` or `{ index, input, error }` as each completes
   * (completion order). At most `concurrency` images (default `DEFAULTS.classifyAllConcurrency`) are pulled
   * and unfinished at once, so memory stays flat whatever the count; a failing image never stops
   * the stream. When `signal` aborts, nothing more is pulled, the in-flight images are cancelled
   * and awaited, and the iterator rejects with the signal's reason (the `AbortError`).
   *
   * @example
   * ```ts
   * for await (const r of classifier.classifyAll(paths, { concurrency: 8 })) {
   *   console.log(r.input, r.error ?? r.predictions[0]?.label);
   * }
   * ```
   */
  classifyAll<T extends TInput | RawImage | PreparedTensor>(
    inputs: Iterable<T> | AsyncIterable<T>,
    options?: ClassifyAllOptions,
  ): AsyncGenerator<ClassifyAllResult<T>, void, undefined>;
  /**
   * Classifies a video or a stream of images, yielding one `{ frame, timestamp, predictions,
   * latencyMs, dropped }` per classified frame, in order.
   *
   * - Live sources (a `<video>`, a `MediaStream` or `MediaStreamTrack`, a `ReadableStream` of
   *   `VideoFrame`s): the latest frame wins. Frames arriving while one is classified are released
   *   (closed) at once and counted in `dropped`, never queued. Probabilities are smoothed across
   *   frames (`smoothing`, default 0.5).
   * - Iterables of inputs (Node's raw frames, a folder, URLs): one item is pulled per result (the
   *   consumer's pace is the backpressure); `{ image, timestamp }` items carry their media time.
   * - One frame's failure is a result with `error`; a source that fails ends the stream with
   *   `E_INPUT` (or with its own `OnnxMobilenetError`, such as a video reader's), and `signal` rejects it with the signal's reason. `break`, `return()` and the
   *   signal stop the source, releasing a camera track only if the stream opened it. Every
   *   input the stream takes from its source (a `VideoFrame`) is closed by it.
   *
   * @example
   * ```ts
   * const camera = await navigator.mediaDevices.getUserMedia({ video: true });
   * for await (const r of classifier.classifyStream(camera, { maxFps: 15, topK: 1 })) {
   *   label.textContent = r.error ? r.error.message : `${r.predictions[0]?.label} (${r.latencyMs.toFixed(0)} ms)`;
   * }
   * ```
   */
  classifyStream(
    source: TLive | StreamSource<TInput | RawImage | PreparedTensor>,
    options?: ClassifyStreamOptions,
  ): AsyncGenerator<StreamResult, void, undefined>;
  /**
   * The image's feature vector: the global average pool's output that feeds the classifier
   * (1280 values for MobileNetV2), L2-normalised when `normalize` is true. Rejects with
   * `E_MODEL_SHAPE` for a model where no pooled feature was found.
   */
  embed(input: TInput | RawImage | PreparedTensor, options?: { normalize?: boolean | undefined; signal?: AbortSignal | undefined }): Promise<Float32Array>;
  /** Predictions and feature vector of one image, from one session run. */
  infer(
    input: TInput | RawImage | PreparedTensor,
    options?: ClassifyOptions & { normalize?: boolean | undefined },
  ): Promise<{ predictions: Prediction[]; embedding: Float32Array }>;
  /** Raw model scores (before softmax) of one image, one per class; the log of the probabilities where the graph ends in a Softmax. */
  logits(input: TInput | RawImage | PreparedTensor, options?: { signal?: AbortSignal | undefined }): Promise<Float32Array>;
  /** The image's model input: normalised CHW float32, `3 × size × size` values. */
  prepare(input: TInput | RawImage | PreparedTensor, options?: { signal?: AbortSignal | undefined }): Promise<Float32Array>;
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

const asyncDispose: typeof Symbol.asyncDispose =
  (Symbol as { asyncDispose?: typeof Symbol.asyncDispose }).asyncDispose ?? (Symbol.for('Symbol.asyncDispose') as typeof Symbol.asyncDispose);

function disposedError(): OnnxMobilenetError {
  return new OnnxMobilenetError('E_DISPOSED', 'this classifier was disposed; create a new one with createClassifier()');
}

/**
 * Creates a classifier on an injected backend. Environment packages call this with their backend;
 * app code calls `createClassifier` from `onnx-mobilenet` (or `@onnx-mobilenet/node` / `/web`).
 *
 * @example
 * ```ts
 * import { createClassifierWithBackend } from '@onnx-mobilenet/core/adapter';
 * const classifier = await createClassifierWithBackend(myBackend, { model: 'mobilenetv2-12-int8' });
 * ```
 */
export async function createClassifierWithBackend<TInput, TLive = never>(
  backend: ClassifierBackend<TInput>,
  options: ClassifierOptions = {},
): Promise<Classifier<TInput, TLive>> {
  // Only the caller's own properties are read, once (prototype pollution cannot pose as an option).
  const own = checkClassifierOptions(options, ADAPTER_OPTION_KINDS, backend.platform.threadLimit?.());
  const warn = onceEachCode((message, code) => backend.platform.warn(message, code));
  const loaded = await loadModel(backend as ClassifierBackend<unknown>, own, warn);
  return new OrtClassifier<TInput, TLive>({
    backend,
    loaded,
    warn,
    topK: own.topK ?? DEFAULTS.topK,
    batchSize: own.batchSize ?? DEFAULTS.batchSize,
    maxConcurrentDecodes: own.maxConcurrentDecodes ?? DEFAULTS.maxConcurrentDecodes,
  });
}

type Input<TInput> = TInput | RawImage | PreparedTensor;

/** The classifier object: the public methods over one loaded model, and dispose. */
class OrtClassifier<TInput, TLive> implements Classifier<TInput, TLive> {
  readonly model: ModelInfo;
  readonly labels: readonly ClassLabel[];
  readonly preprocessOptions: Readonly<PreprocessOptions>;
  readonly [TRAINING]: TrainingAccess;
  private readonly loaded: LoadedModel;
  private readonly scheduler: BatchScheduler<RunOutput, RunItem>;
  private readonly runner: SessionRunner;
  private readonly runs: ImageRuns<TInput>;
  private readonly topK: number;
  private readonly backend: ClassifierBackend<TInput>;
  /** Set by the first dispose(); the classifier is usable while it is null. */
  private disposing: Promise<void> | null = null;

  constructor({
    backend,
    loaded,
    warn,
    topK,
    batchSize,
    maxConcurrentDecodes,
  }: {
    backend: ClassifierBackend<TInput>;
    loaded: LoadedModel;
    warn: Warn;
    topK: number;
    batchSize: number;
    maxConcurrentDecodes: number;
  }) {
    const { io, labels, embedding } = loaded;
    this.loaded = loaded;
    this.labels = labels;
    this.preprocessOptions = loaded.preprocess;
    this.model = modelInfo(loaded, backend.runtime.name);
    this.topK = topK;
    this.backend = backend;
    const shape = {
      inputName: io.inputName,
      outputName: io.outputName,
      embeddingName: 'missing' in embedding ? undefined : embedding.name,
      cropSize: loaded.preprocess.cropSize,
      classes: labels.length,
      scores: loaded.scores,
    };
    // Closed by dispose(): nothing queued runs after it, the run in flight settles.
    this.runner = sessionRunner(loaded.runtime, shape);
    const maxBatch = io.fixedBatch ?? batchSize;
    this.scheduler = new BatchScheduler(maxBatch, (items) => this.runner.run(items));
    this.runs = imageRuns({
      preparer: new InputPreparer(backend.decoder, backend.runtime.name, loaded.preprocess, loaded.limits, warn, loaded.network),
      scheduler: this.scheduler,
      maxBatch,
      decoderCap: backend.decoder.maxConcurrent,
      maxConcurrentDecodes,
      maxPendingBytes: loaded.limits.maxPendingBytes,
      assertUsable: () => this.assertUsable(),
    });
    const [embed, modelBytes] = [(t: PreparedTensor, signal?: AbortSignal) => this.embed(t, { signal }), loaded.readModel];
    this[TRAINING] = { resized: (i, signal) => this.runs.resized(i as Input<TInput>, signal), embed, modelBytes, preprocess: loaded.preprocess };
  }

  classify(input: Input<TInput>, options?: ClassifyOptions): Promise<Prediction[]>;
  classify(inputs: readonly Input<TInput>[], options?: ClassifyOptions): Promise<Prediction[][]>;
  async classify(input: Input<TInput> | readonly Input<TInput>[], given?: ClassifyOptions): Promise<Prediction[] | Prediction[][]> {
    this.assertUsable();
    const options = checkClassifyOptions(given);
    const post = withoutPrototype<ClassifyOptions & { topK: number }>(options, { topK: Math.min(options.topK ?? this.topK, this.labels.length) });
    const many = Array.isArray(input);
    const outputs = await this.runs.run(many ? (input as readonly Input<TInput>[]) : [input as Input<TInput>], false, options.signal, many);
    const predictions = outputs.map((o) => predictionsFromLogits(o.logits, this.labels, post));
    return many ? predictions : predictions[0]!; // one input, one output
  }

  classifyAll<T extends Input<TInput>>(
    inputs: Iterable<T> | AsyncIterable<T>,
    options?: ClassifyAllOptions,
  ): AsyncGenerator<ClassifyAllResult<T>, void, undefined> {
    this.assertUsable();
    return classifyAllWith((input: T, o) => this.classify(input, o), inputs, options);
  }

  classifyStream(source: TLive | StreamSource<Input<TInput>>, options?: ClassifyStreamOptions): AsyncGenerator<StreamResult, void, undefined> {
    this.assertUsable();
    const { decoder, live } = this.backend as ClassifierBackend<Input<TInput>>;
    const probabilities = async (input: Input<TInput>, signal?: AbortSignal) => softmax((await this.runOne(input, false, signal)).logits);
    return classifyStreamWith({ labels: this.labels, topK: this.topK, live, release: decoder.release?.bind(decoder), probabilities }, source, options);
  }

  async logits(input: Input<TInput>, given?: { signal?: AbortSignal | undefined }): Promise<Float32Array> {
    this.assertUsable();
    const options = checkCallOptions(given, 'logits');
    const o = await this.runOne(input, false, options.signal);
    return o.logits;
  }

  async embed(input: Input<TInput>, given?: { normalize?: boolean | undefined; signal?: AbortSignal | undefined }): Promise<Float32Array> {
    const options = checkCallOptions(given, 'embed');
    this.assertUsable();
    this.assertEmbedding();
    const o = await this.runOne(input, true, options.signal);
    return options.normalize ? l2Normalize(o.embedding!) : o.embedding!;
  }

  async infer(
    input: Input<TInput>,
    given?: ClassifyOptions & { normalize?: boolean | undefined },
  ): Promise<{ predictions: Prediction[]; embedding: Float32Array }> {
    this.assertUsable();
    this.assertEmbedding();
    const options = checkClassifyOptions(given, 'infer');
    const o = await this.runOne(input, true, options.signal);
    const post = withoutPrototype<ClassifyOptions & { topK: number }>(options, { topK: Math.min(options.topK ?? this.topK, this.labels.length) });
    return { predictions: predictionsFromLogits(o.logits, this.labels, post), embedding: options.normalize ? l2Normalize(o.embedding!) : o.embedding! };
  }

  async prepare(input: Input<TInput>, given?: { signal?: AbortSignal | undefined }): Promise<Float32Array> {
    this.assertUsable();
    const options = checkCallOptions(given, 'prepare');
    return this.runs.prepare(input, options.signal);
  }

  /** One input's output. */
  private async runOne(input: Input<TInput>, embedding: boolean, signal?: AbortSignal): Promise<RunOutput> {
    return (await this.runs.run([input], embedding, signal, false))[0]!; // one input, one output
  }

  private assertUsable(): void {
    if (this.disposing) throw disposedError();
  }

  /** Throws why this classifier has no embedding output, as an error made now. */
  private assertEmbedding(): void {
    const { embedding } = this.loaded;
    if ('missing' in embedding) throw new OnnxMobilenetError(embedding.missing.code, embedding.missing.reason);
  }

  dispose(): Promise<void> {
    this.disposing ??= this.scheduler.close(disposedError()).then(() => {
      this.runner.release();
      return this.loaded.runtime.session.release();
    });
    return this.disposing;
  }

  [asyncDispose](): Promise<void> {
    return this.dispose();
  }
}
