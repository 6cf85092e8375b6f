import type { ClassifierBackend, Warn } from '../backend.js';
import { abortable, throwIfAborted } from '../flow/abortable.js';
import { BatchScheduler } from '../flow/batch-scheduler.js';
import { ADAPTER_OPTION_KINDS, checkCallOptions, checkClassifierOptions, checkClassifyOptions, type ClassifierOptions } from '../options/classifier-options.js';
import { classifyAllWith, type ClassifyAllOptions, type ClassifyAllResult } from './classify-all.js';
import { DEFAULTS, type PreprocessOptions } from '../options/defaults.js';
import { isOnnxMobilenetError, OnnxMobilenetError } from '../errors/errors.js';
import type { PreparedTensor, RawImage } from '../image/image.js';
import type { ClassLabel } from '../predictions/labels.js';
import { loadModel, type LoadedModel } from './load-model.js';
import type { RegistryModel } from '../io/model-registry.js';
import { predictionsFromLogits, type ClassifyOptions, type Prediction } from '../predictions/postprocess.js';
import { InputPreparer, needsDecoder, type PreparedImage } from '../image/prepare-input.js';
import { Slots } from '../flow/slots.js';
import { sessionRunner, type RunItem, type RunOutput, type SessionRunner } from './session-runner.js';
import { l2Normalize } from '../predictions/similarity.js';
import { withoutPrototype } from '../options/own-options.js';
import { onceEachCode } from '../errors/warnings.js';

export type { ClassifierOptions } from '../options/classifier-options.js';
export type { ClassifyAllOptions, ClassifyAllResult } from './classify-all.js';

/** What a classifier loaded, for display and logging. */
export interface ModelInfo {
  /** Registry name, or the path/URL the model came from. */
  source: string;
  /** Registry entry when the model was loaded by name. */
  registry?: RegistryModel | undefined;
  /** Backend that runs the session (`onnxruntime-node`, `onnxruntime-web`). */
  backend: string;
  inputName: string;
  outputName: string;
  /** Side of the square input image. */
  inputSize: number;
  /** Number of classes (the labels' count). */
  readonly classes: number;
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
   * (completion order). At most `concurrency` images (default `DEFAULTS.cliInFlight`) are pulled
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
  /** Raw model scores (before softmax) of one image, one value per class. */
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

/**
 * A failure to prepare `inputs[index]` of an array call, with that place named first: a typed error
 * gets a copy with the same code and the original as `cause`; anything else is left as it is.
 */
function atInput(err: unknown, index: number, count: number): unknown {
  if (!isOnnxMobilenetError(err)) return err;
  return new OnnxMobilenetError(err.code, `inputs[${index}] (of ${count}): ${err.message}`, { cause: err });
}

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
export async function createClassifierWithBackend<TInput>(backend: ClassifierBackend<TInput>, options: ClassifierOptions = {}): Promise<Classifier<TInput>> {
  // Only the caller's own properties are read, once (prototype pollution cannot pose as an option).
  const own = checkClassifierOptions(options, ADAPTER_OPTION_KINDS, backend.platform.threadLimit?.());
  const warn = onceEachCode((message, code) => backend.platform.warn(message, code));
  const loaded = await loadModel(backend as ClassifierBackend<unknown>, own, warn);
  return new OrtClassifier({
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
class OrtClassifier<TInput> implements Classifier<TInput> {
  readonly model: ModelInfo;
  readonly labels: readonly ClassLabel[];
  readonly preprocessOptions: Readonly<PreprocessOptions>;
  private readonly loaded: LoadedModel;
  private readonly preparer: InputPreparer<TInput>;
  private readonly scheduler: BatchScheduler<RunOutput, RunItem>;
  private readonly runner: SessionRunner;
  private readonly maxBatch: number;
  /** Decodes one call runs at once: the decoder's cap, else no cap but the call's window. */
  private readonly decodeConcurrency: number;
  private readonly topK: number;
  /** Images the decoder reads, decoding or waiting for their run, across all calls (`maxConcurrentDecodes`). */
  private readonly decodeSlots: Slots;
  /** Bytes of the copies calls in progress hold (see `limits.maxPendingBytes`). */
  private pendingBytes = 0;
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
    this.model = {
      source: loaded.source,
      registry: loaded.registry,
      backend: backend.runtime.name,
      inputName: io.inputName,
      outputName: io.outputName,
      inputSize: loaded.preprocess.cropSize,
      get classes() {
        return labels.length;
      },
      batch: io.fixedBatch ?? 'dynamic',
      dequantized: loaded.dequantized,
      embeddingSize: 'missing' in embedding ? null : embedding.size,
    };
    this.maxBatch = io.fixedBatch ?? batchSize;
    this.decodeConcurrency = backend.decoder.maxConcurrent ?? DEFAULTS.maxInFlight;
    this.topK = topK;
    // One pool for every call: 10,000 concurrent calls read, decode and hold 64 images at a time, not 10,000.
    this.decodeSlots = new Slots(Math.min(maxConcurrentDecodes, backend.decoder.maxConcurrent ?? Infinity));
    this.preparer = new InputPreparer(backend.decoder, backend.runtime.name, loaded.preprocess, loaded.limits, warn, loaded.network);
    const shape = {
      inputName: io.inputName,
      outputName: io.outputName,
      embeddingName: 'missing' in embedding ? undefined : embedding.name,
      cropSize: loaded.preprocess.cropSize,
      classes: labels.length,
    };
    // Closed by dispose(): nothing queued runs after it, the run in flight settles.
    this.runner = sessionRunner(loaded.runtime, shape);
    this.scheduler = new BatchScheduler(this.maxBatch, (items) => this.runner.run(items));
  }

  classify(input: Input<TInput>, options?: ClassifyOptions): Promise<Prediction[]>;
  classify(inputs: readonly Input<TInput>[], options?: ClassifyOptions): Promise<Prediction[][]>;
  async classify(input: Input<TInput> | readonly Input<TInput>[], given?: ClassifyOptions): Promise<Prediction[] | Prediction[][]> {
    this.assertUsable();
    const options = checkClassifyOptions(given);
    const post = withoutPrototype<ClassifyOptions & { topK: number }>(options, { topK: Math.min(options.topK ?? this.topK, this.labels.length) });
    const many = Array.isArray(input);
    const outputs = await this.runMany(many ? (input as readonly Input<TInput>[]) : [input as Input<TInput>], false, options.signal, many);
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
    const { owned, release } = this.hold([input], 0, false);
    const mine = owned[0]!;
    try {
      return await this.withDecodeSlot(mine, options.signal, () => this.preparer.prepare(mine, options.signal));
    } finally {
      release(0);
    }
  }

  /**
   * `work` on `input` once a decode slot is free, the slot held until `work` settles (the image's
   * run included). Raw pixels and prepared tensors need none and start at once: a first batch's
   * raw pixels are resized before control returns, as `ownInput` relies on. A slot that is free is
   * taken synchronously, so an image starts without a tick's delay.
   */
  private async withDecodeSlot<T>(input: Input<TInput>, signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    if (!needsDecoder(input)) return work();
    const wait = this.decodeSlots.acquire(signal);
    if (wait) await wait;
    try {
      return await work();
    } finally {
      this.decodeSlots.release();
    }
  }

  /**
   * Copies of a call's inputs (see `ownInput`: the caller may reuse its buffers once control
   * returns), with their bytes counted against `limits.maxPendingBytes` across all calls before
   * anything is copied: a call that would pass it is `E_LIMIT`. `release(i)` gives input i's
   * bytes back once it is done (or never started); twice is harmless.
   */
  private hold(
    inputs: readonly Input<TInput>[],
    uncopiedPixels: number,
    indexed: boolean,
  ): { owned: (Input<TInput> | undefined)[]; release: (i: number) => void } {
    const sizes = inputs.map((x, i) => {
      try {
        return this.preparer.ownedBytes(x, i >= uncopiedPixels);
      } catch (err) {
        throw indexed ? atInput(err, i, inputs.length) : err;
      }
    });
    const total = sizes.reduce((a, b) => a + b, 0);
    const max = this.loaded.limits.maxPendingBytes;
    if (total > 0 && this.pendingBytes + total > max) {
      throw new OnnxMobilenetError(
        'E_LIMIT',
        `${total} bytes of inputs to copy (buffers, pixels), and calls in progress hold ${this.pendingBytes}: over limits.maxPendingBytes (${max}); use classifyAll for many images`,
      );
    }
    this.pendingBytes += total;
    let owned: (Input<TInput> | undefined)[];
    try {
      owned = inputs.map((x, i) => this.preparer.own(x, i >= uncopiedPixels));
    } catch (err) {
      this.pendingBytes -= total; // out of memory while copying: nothing is held
      throw err;
    }
    // The copy is dropped with its bytes, so what is counted is what is held.
    const release = (i: number) => {
      this.pendingBytes -= sizes[i]!;
      sizes[i] = 0;
      owned[i] = undefined;
    };
    return { owned, release };
  }

  /** One input's output (runMany returns one output per input). */
  private async runOne(input: Input<TInput>, embedding: boolean, signal?: AbortSignal): Promise<RunOutput> {
    return (await this.runMany([input], embedding, signal))[0]!;
  }

  /**
   * Prepares and runs a call's inputs as a stream: each image goes to the batch scheduler as soon
   * as it is prepared, so inference starts with the first decoded image and decoding goes on
   * meanwhile (the scheduler batches what arrives during a run). At most `DEFAULTS.maxInFlight`
   * images (or two batches, if more) are started and not yet run per call, as 8-bit crops while
   * they wait, and at most the decoder's `maxConcurrent` of them decoding. The first failure, or
   * the caller's signal, rejects the call and stops it: nothing more is started, prepared images
   * are not queued, and queued ones leave the queue unrun. With `indexed` (an array call), an input
   * that cannot be prepared fails the call with its position in the message.
   */
  private runMany(inputs: readonly Input<TInput>[], embedding: boolean, signal?: AbortSignal, indexed = false): Promise<RunOutput[]> {
    const window = Math.max(DEFAULTS.maxInFlight, 2 * this.maxBatch);
    const decodes = Math.min(window, this.decodeConcurrency);
    // Taken now, before control returns to the caller, who may then reuse its buffers.
    const { owned, release } = this.hold(inputs, decodes, indexed);
    const outputs: RunOutput[] = new Array(owned.length);
    // Several images get a signal each, aborted by the caller's or by the first failure. One
    // signal per image, not one for the call: a decoder (fetch) listens to its signal, and 64
    // listeners on one signal made Node warn of a leak. One image needs only the caller's (an
    // AbortController per call cost single calls ~0.1 ms).
    const several = owned.length > 1;
    const active = new Set<AbortController>();
    let stopped = false;
    const stop = (reason: unknown) => {
      stopped = true;
      for (const image of active) image.abort(reason);
    };
    const onCallerAbort = () => stop(signal?.reason);
    if (several && signal?.aborted) onCallerAbort();
    else if (several) signal?.addEventListener('abort', onCallerAbort, { once: true });
    const all = new Promise<RunOutput[]>((resolve, reject) => {
      let started = 0;
      let prepared = 0;
      let finished = 0;
      const startMore = () => {
        while (!stopped && !signal?.aborted && started < owned.length && started - finished < window && started - prepared < decodes) {
          const i = started++;
          const own = several ? new AbortController() : undefined;
          if (own) active.add(own);
          const image = this.prepareAndRun(owned[i]!, embedding, own?.signal ?? signal, indexed ? { index: i, count: owned.length } : undefined, () => {
            prepared++;
            startMore();
          });
          image.then(
            (output) => {
              release(i);
              if (own) active.delete(own);
              outputs[i] = output;
              if (++finished === owned.length) resolve(outputs);
              else startMore();
            },
            (err: unknown) => {
              release(i);
              if (own) active.delete(own);
              if (!stopped) stop(err);
              reject(err);
            },
          );
        }
      };
      if (owned.length === 0) resolve(outputs);
      else startMore();
    });
    // Inputs never started (the call stopped early) give their bytes back when it settles.
    const settled = all.finally(() => {
      for (let i = 0; i < owned.length; i++) release(i);
    });
    return several && signal ? abortable(settled, signal).finally(() => signal.removeEventListener('abort', onCallerAbort)) : abortable(settled, signal);
  }

  /**
   * One image: prepared, then queued for the next session run, unless its call stopped meanwhile.
   * `at`, its place in an array call, goes into the message of a failure to prepare it.
   */
  private async prepareAndRun(
    input: Input<TInput>,
    embedding: boolean,
    signal: AbortSignal | undefined,
    at: { index: number; count: number } | undefined,
    onPrepared: () => void,
  ): Promise<RunOutput> {
    throwIfAborted(signal);
    return this.withDecodeSlot(input, signal, async () => {
      let image: PreparedImage;
      try {
        image = await this.preparer.prepareImage(input, signal);
      } catch (err) {
        throw at && !(signal?.aborted && err === signal.reason) ? atInput(err, at.index, at.count) : err;
      }
      onPrepared();
      throwIfAborted(signal);
      this.assertUsable();
      const [output] = await this.scheduler.submit([{ write: (out, offset) => this.preparer.write(image, out, offset), embedding }], signal);
      return output!;
    });
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
