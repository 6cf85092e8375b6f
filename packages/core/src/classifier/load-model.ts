import type { InferenceSession } from 'onnxruntime-common';
import type { ClassifierBackend, RuntimeSession, Warn } from '../backend.js';
import { ADAPTER_OPTION_KINDS, checkClassifierOptions, type ClassifierOptions } from '../options/classifier-options.js';
import { DEFAULTS, resolveLimits, resolvePreprocessOptions, type Limits, type PreprocessOptions } from '../options/defaults.js';
import { clipText, describeError, isOnnxMobilenetError, OnnxMobilenetError } from '../errors/errors.js';
import { parseLabels, type ClassLabel } from '../predictions/labels.js';
import { runtimeError } from '../errors/runtime-error.js';
import { RUNTIME_FIXES, recogniseRuntimeFailure } from '../errors/runtime-failure.js';
import { inspectModelIO, type ModelIO } from '../graph/model-io.js';
import type { RegistryModel } from '../io/model-registry.js';
import { abortable, throwIfAborted } from '../flow/abortable.js';
import { withoutPrototype } from '../options/own-options.js';
import { floatPolicy } from '../graph/precision.js';
import { rewriteModel, type EmbeddingOutput } from '../graph/rewrite-model.js';
import { assertSourceLength, resolveLabelsSource, resolveModelSource, type AssetRef } from '../io/sources.js';
import { networkPolicy, type NetworkPolicy } from '../io/network-policy.js';

/** Everything a classifier is made of, once loaded. */
export interface LoadedModel {
  runtime: RuntimeSession;
  io: ModelIO;
  labels: ClassLabel[];
  preprocess: PreprocessOptions;
  limits: Limits;
  /** Registry name, or the path/URL the model came from. */
  source: string;
  registry?: RegistryModel | undefined;
  dequantized: boolean;
  embedding: EmbeddingOutput;
  /** Which hosts and addresses downloads may reach (models, labels, image URLs). */
  network: NetworkPolicy;
  /** What the scores output holds: logits, or probabilities where the graph ends in a Softmax. */
  scores: 'logits' | 'probabilities';
  /** Reads the model file again, as given (bytes given are returned as they are). */
  readModel: (signal?: AbortSignal) => Promise<Uint8Array>;
}

/** Reads a model or label file through the backend's asset loader (or takes the given bytes). */
async function loadBytes(
  backend: ClassifierBackend<unknown>,
  asset: AssetRef,
  purpose: 'model' | 'labels',
  options: ClassifierOptions,
  limits: Limits,
  warn: Warn,
): Promise<Uint8Array> {
  const maxBytes = purpose === 'model' ? limits.maxModelBytes : limits.maxLabelBytes;
  if (asset.kind === 'bytes') {
    if (asset.bytes.byteLength > maxBytes) throw tooManyBytes(purpose, asset.bytes.byteLength, limits);
    return asset.bytes;
  }
  const load = backend.assets.loadAsset(asset, {
    purpose,
    maxBytes,
    timeoutMs: limits.downloadTimeoutMs,
    onProgress: isolatedProgress(options.onProgress, warn),
    signal: options.signal,
    warn,
    network: networkPolicy(options, limits),
  });
  // abortable: a loader reading a local file may not watch the signal itself
  return abortable(load, options.signal);
}

/**
 * The app's `onProgress`, isolated: an exception it throws is reported once through the
 * classifier's warning channel (code `ONNX_MOBILENET_PROGRESS_CALLBACK`) and loading goes on. A
 * progress display is no reason to abandon a model download, and the downloader must not get the
 * app's error in place of its own outcome.
 */
function isolatedProgress(onProgress: ClassifierOptions['onProgress'], warn: Warn): ClassifierOptions['onProgress'] {
  if (!onProgress) return undefined;
  return (progress) => {
    try {
      onProgress(progress);
    } catch (err) {
      warn(
        `onProgress threw (${clipText(describeError(err))}); loading goes on, and later errors of the callback are not reported`,
        'ONNX_MOBILENET_PROGRESS_CALLBACK',
      );
    }
  };
}

function tooManyBytes(purpose: 'model' | 'labels', bytes: number, limits: Limits): OnnxMobilenetError {
  const [name, max] = purpose === 'model' ? ['maxModelBytes', limits.maxModelBytes] : ['maxLabelBytes', limits.maxLabelBytes];
  return new OnnxMobilenetError('E_LIMIT', `the ${purpose === 'model' ? 'model' : 'label file'} has ${bytes} bytes, over limits.${name} (${max})`);
}

async function loadLabelList(backend: ClassifierBackend<unknown>, options: ClassifierOptions, limits: Limits, warn: Warn): Promise<ClassLabel[]> {
  const source = resolveLabelsSource(options.labels, options.mirror);
  if (Array.isArray(source)) return parseLabels(source as readonly string[], limits.maxLabelLines);
  const ref = source as AssetRef;
  const bytes = await loadBytes(backend, ref, 'labels', options, limits, warn);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new OnnxMobilenetError('E_LABELS', `labels from ${ref.description} are not UTF-8 text`);
  }
  return parseLabels(text, limits.maxLabelLines);
}

/** The session options handed to the runtime: without a prototype, so onnxruntime reads no key nobody set. */
function sessionOptionsOf(options: ClassifierOptions): InferenceSession.SessionOptions {
  return withoutPrototype(
    { graphOptimizationLevel: DEFAULTS.graphOptimizationLevel },
    options.executionProviders ? { executionProviders: options.executionProviders } : undefined,
    options.threads ? { intraOpNumThreads: options.threads } : undefined,
    options.sessionOptions,
  );
}

/** The model's input side must be the preprocessing's crop size (where the model fixes it). */
function checkInputSize(io: ModelIO, pre: PreprocessOptions): void {
  for (const [dim, value] of [
    ['height', io.height],
    ['width', io.width],
  ] as const) {
    if (value !== null && value !== pre.cropSize) {
      throw new OnnxMobilenetError(
        'E_MODEL_SHAPE',
        `the model's input ${dim} is ${value} but preprocess.cropSize is ${pre.cropSize}; set preprocess.cropSize to ${value}`,
      );
    }
  }
}

/** The label list must have one label per class the model outputs (where the model fixes the count). */
function checkClassCount(io: ModelIO, labels: readonly ClassLabel[]): void {
  if (io.classes !== null && labels.length !== io.classes) {
    throw new OnnxMobilenetError(
      'E_LABELS',
      `the model outputs ${io.classes} classes but the label list has ${labels.length}; pass the labels that belong to this model`,
    );
  }
}

/**
 * Loading, in order: check the options, resolve and read the model (bounded, no external data),
 * apply the precision policy and graph rewrites, create the session, check its input and output,
 * check the labels (read meanwhile). Whatever fails releases what was made and rejects with a typed error.
 */
export async function loadModel(backend: ClassifierBackend<unknown>, given: ClassifierOptions, warn: Warn): Promise<LoadedModel> {
  // From here on only this snapshot is read: the caller's own properties, checked.
  const options = checkClassifierOptions(given, ADAPTER_OPTION_KINDS, backend.platform.threadLimit?.());
  const preprocess = resolvePreprocessOptions(options.preprocess);
  const limits = resolveLimits(options.limits);
  assertSourceLength(options.model, 'model', limits);
  assertSourceLength(options.labels, 'labels', limits);
  const { asset, registry } = resolveModelSource(options.model ?? DEFAULTS.model, options.sha256, options.mirror);
  throwIfAborted(options.signal);
  // The labels load beside the model (small, independent of it); their outcome is read once the
  // session exists, so a failing model is still what a failed load reports, and a failed load
  // stops their download. A model file of the caller's may name its classes in its metadata: its
  // default labels wait until the file is read.
  const labelsStop = new AbortController();
  const stop = () => labelsStop.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', stop, { once: true });
  const startLabels = () => {
    const load = loadLabelList(backend, withoutPrototype(options, { signal: labelsStop.signal }), limits, warn);
    load.catch(() => undefined);
    return load;
  };
  const early = options.labels !== undefined || registry ? startLabels() : undefined;
  const labelsLoad = (fromModel: string[] | undefined) =>
    options.labels === undefined && fromModel ? Promise.resolve(parseLabels(fromModel, limits.maxLabelLines)) : (early ?? startLabels());
  try {
    return await loadSession(backend, options, warn, { asset, registry, preprocess, limits, labelsLoad });
  } catch (err) {
    labelsStop.abort(err);
    throw err;
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
}

/** The model read, rewritten and turned into a checked session; the labels awaited last. */
async function loadSession(
  backend: ClassifierBackend<unknown>,
  options: ClassifierOptions,
  warn: Warn,
  {
    asset,
    registry,
    preprocess,
    limits,
    labelsLoad,
  }: {
    asset: AssetRef;
    registry: RegistryModel | undefined;
    preprocess: PreprocessOptions;
    limits: Limits;
    labelsLoad: (fromModel: string[] | undefined) => Promise<ClassLabel[]>;
  },
): Promise<LoadedModel> {
  // imported when a model loads, as the protobuf reader it uses: not in the entry chunk of a web
  // app. Started beside the model's download, so that a page fetches the chunks meanwhile.
  const modelCode = import('../graph/model-code.js');
  modelCode.catch(() => undefined);
  const original = await loadBytes(backend, asset, 'model', options, limits, warn);
  if (original.byteLength > limits.maxModelBytes) throw tooManyBytes('model', original.byteLength, limits);
  const { checkModelBytes, readModelFacts } = await modelCode;
  await checkModelBytes(original, { source: asset.description, maxLoopIterations: limits.maxLoopIterations, maxNodes: limits.maxModelNodes });
  const facts = await readModelFacts(original, options.labels === undefined ? limits.maxLabelBytes : undefined);
  const labels = labelsLoad(facts.labels);
  const float = floatPolicy(options.precision ?? DEFAULTS.precision, registry, () => backend.platform.int8Facts?.(options.executionProviders));
  const { bytes, dequantized, embedding } = await rewriteModel(original, float, options.embeddings ?? true, limits.maxModelBytes, warn);
  throwIfAborted(options.signal);

  let runtime: RuntimeSession;
  try {
    runtime = await backend.runtime.createSession(bytes, sessionOptionsOf(options), { warn });
  } catch (err) {
    if (isOnnxMobilenetError(err)) throw err;
    // a runtime that cannot start is named as such, not blamed on the model. Imported statically:
    // one more lazy chunk sharing the entry's code makes Parcel split a shared bundle that breaks
    // its module workers (docs/guides/bundlers.md).
    const cause = recogniseRuntimeFailure(err);
    if (cause) throw runtimeError(`${backend.runtime.name} cannot run in this runtime`, err, RUNTIME_FIXES[cause], { cause: err });
    // the size of the file given, not of the graph rewritten from it (dequantized int8 is 4x larger)
    throw new OnnxMobilenetError(
      'E_MODEL_LOAD',
      `could not load the model from ${asset.description} (${original.byteLength} bytes) with ${backend.runtime.name}: it is not a valid ONNX model or uses operators this runtime lacks: ${describeError(err)}`,
      { cause: err },
    );
  }
  try {
    throwIfAborted(options.signal);
    const io = inspectModelIO(runtime.session);
    checkInputSize(io, preprocess);
    const labelList = await labels;
    checkClassCount(io, labelList);
    // Read again for export (training), with the caller's limits and network policy, not the load's signal or progress.
    const readModel = (signal?: AbortSignal) => loadBytes(backend, asset, 'model', withoutPrototype(options, { signal, onProgress: undefined }), limits, warn);
    const network = networkPolicy(options, limits);
    return {
      runtime,
      io,
      labels: labelList,
      preprocess,
      limits,
      source: asset.description,
      registry,
      dequantized,
      embedding,
      network,
      scores: facts.scores,
      readModel,
    };
  } catch (err) {
    await runtime.session.release().catch(() => undefined);
    throw err;
  }
}
