import type { InferenceSession } from 'onnxruntime-common';
import type { ClassifierBackend, RuntimeSession, Warn } from './backend.js';
import { checkClassifierOptions, type ClassifierOptions } from './classifier-options.js';
import { DEFAULTS, resolveLimits, resolvePreprocessOptions, type Limits, type PreprocessOptions } from './defaults.js';
import { describeError, isOnnxMobilenetError, OnnxMobilenetError } from './errors.js';
import { parseLabels, type ClassLabel } from './labels.js';
import { inspectModelIO, type ModelIO } from './model-io.js';
import type { RegistryModel } from './model-registry.js';
import { abortable, throwIfAborted } from './abortable.js';
import { floatPolicy, rewriteModel, type EmbeddingOutput } from './rewrite-model.js';
import { resolveLabelsSource, resolveModelSource, type AssetRef } from './sources.js';

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
  if (asset.kind === 'bytes') return asset.bytes;
  const maxBytes = purpose === 'model' ? limits.maxModelBytes : limits.maxEncodedBytes;
  const load = backend.assets.loadAsset(asset, {
    purpose,
    maxBytes,
    timeoutMs: limits.downloadTimeoutMs,
    onProgress: options.onProgress,
    signal: options.signal,
    warn,
  });
  // abortable: a loader reading a local file may not watch the signal itself
  return abortable(load, options.signal);
}

async function loadLabelList(backend: ClassifierBackend<unknown>, options: ClassifierOptions, limits: Limits, warn: Warn): Promise<ClassLabel[]> {
  const source = resolveLabelsSource(options.labels, options.mirror);
  if (Array.isArray(source)) return parseLabels(source as readonly string[]);
  const ref = source as AssetRef;
  const bytes = await loadBytes(backend, ref, 'labels', options, limits, warn);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new OnnxMobilenetError('E_LABELS', `labels from ${ref.description} are not UTF-8 text`);
  }
  return parseLabels(text);
}

function sessionOptionsOf(options: ClassifierOptions): InferenceSession.SessionOptions {
  return {
    graphOptimizationLevel: DEFAULTS.graphOptimizationLevel,
    ...(options.executionProviders ? { executionProviders: options.executionProviders } : {}),
    ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
    ...options.sessionOptions,
  };
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
export async function loadModel(backend: ClassifierBackend<unknown>, options: ClassifierOptions, warn: Warn): Promise<LoadedModel> {
  checkClassifierOptions(options);
  const preprocess = resolvePreprocessOptions(options.preprocess);
  const limits = resolveLimits(options.limits);
  const { asset, registry } = resolveModelSource(options.model ?? DEFAULTS.model, options.sha256, options.mirror);
  throwIfAborted(options.signal);
  // The labels load beside the model (small, independent of it); their outcome is read once the
  // session exists, so a failing model is still what a failed load reports, and a failed load
  // stops their download.
  const labelsStop = new AbortController();
  const stop = () => labelsStop.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', stop, { once: true });
  const labelsLoad = loadLabelList(backend, { ...options, signal: labelsStop.signal }, limits, warn);
  labelsLoad.catch(() => undefined);
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
  }: { asset: AssetRef; registry: RegistryModel | undefined; preprocess: PreprocessOptions; limits: Limits; labelsLoad: Promise<ClassLabel[]> },
): Promise<LoadedModel> {
  const original = await loadBytes(backend, asset, 'model', options, limits, warn);
  if (original.byteLength > limits.maxModelBytes) {
    throw new OnnxMobilenetError('E_LIMIT', `the model has ${original.byteLength} bytes, over limits.maxModelBytes (${limits.maxModelBytes})`);
  }
  // imported when a model loads, as the protobuf reader it uses: not in the entry chunk of a web app
  const { checkModelBytes } = await import('./external-data.js');
  await checkModelBytes(original, { source: asset.description, maxLoopIterations: limits.maxLoopIterations });
  const float = floatPolicy(options.precision ?? DEFAULTS.precision, registry, backend.platform, options.executionProviders);
  const { bytes, dequantized, embedding } = await rewriteModel(original, float, options.embeddings ?? true, limits.maxModelBytes, warn);
  throwIfAborted(options.signal);

  let runtime: RuntimeSession;
  try {
    runtime = await backend.runtime.createSession(bytes, sessionOptionsOf(options), { warn });
  } catch (err) {
    if (isOnnxMobilenetError(err)) throw err;
    throw new OnnxMobilenetError(
      'E_MODEL_LOAD',
      `could not load the model from ${asset.description} (${bytes.byteLength} bytes) with ${backend.runtime.name}: it is not a valid ONNX model or uses operators this runtime lacks: ${describeError(err)}`,
      { cause: err },
    );
  }
  try {
    throwIfAborted(options.signal);
    const io = inspectModelIO(runtime.session);
    checkInputSize(io, preprocess);
    const labels = await labelsLoad;
    checkClassCount(io, labels);
    return { runtime, io, labels, preprocess, limits, source: asset.description, registry, dequantized, embedding };
  } catch (err) {
    await runtime.session.release().catch(() => undefined);
    throw err;
  }
}
