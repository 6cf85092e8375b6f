import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { Limits } from './defaults.js';
import type { RawImage } from './image.js';
import type { ResizePlan } from './resize-plan.js';
import type { AssetRef } from './sources.js';

/** Progress of a download, reported through the `onProgress` option. */
export interface DownloadProgress {
  /** The address being fetched. */
  url: string;
  /** Bytes received so far. */
  loaded: number;
  /** Expected size in bytes, when known. */
  total?: number;
}

/** What a backend's `loadAsset` may use while loading. */
export interface LoadAssetOptions {
  /** `'model'` or `'labels'`, for messages and cache layout. */
  purpose: 'model' | 'labels';
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Cache directory or name, backend-defined. */
  cacheDir?: string;
  /** Largest acceptable file (`E_LIMIT` beyond). */
  maxBytes: number;
  /** Abandon a download that receives nothing for this long (ms). */
  timeoutMs: number;
}

/** What a backend's `decodeImage` may use. */
export interface DecodeContext {
  signal?: AbortSignal;
  limits: Limits;
}

/**
 * Pixels a backend decoded. When `planned` is true the backend already applied the resize plan
 * (e.g. sharp resized and cropped natively) and `image` is the crop; otherwise `image` is the whole
 * decoded picture and core resizes and crops it.
 */
export interface DecodedImage {
  image: RawImage;
  planned: boolean;
}

/**
 * What an environment adapter injects into core: how to create ONNX Runtime sessions and tensors,
 * how to load files, and how to decode its native image inputs. Adapters only translate; all
 * preprocessing math, batching and postprocessing is core's.
 */
export interface ClassifierBackend<TInput> {
  /** Name shown in model info and messages, e.g. `'onnxruntime-node'`. */
  readonly name: string;
  /** Creates an inference session from model bytes. */
  createSession(model: Uint8Array, options: InferenceSession.SessionOptions): Promise<InferenceSession>;
  /** Wraps float32 data into the runtime's tensor type. */
  createTensor(data: Float32Array, dims: readonly number[]): Tensor;
  /** Loads a model or label file, verifying `sha256` when the reference has one. */
  loadAsset(asset: Exclude<AssetRef, { kind: 'bytes' }>, options: LoadAssetOptions): Promise<Uint8Array>;
  /**
   * Decodes one input to 8-bit pixels. `plan` gives the resize and crop for the decoded size; a
   * backend that can resize natively applies it and returns `planned: true`.
   */
  decodeImage(input: TInput, plan: (width: number, height: number) => ResizePlan, context: DecodeContext): Promise<DecodedImage>;
  /**
   * Whether this runtime's int8 kernels are known to lose accuracy here, with the reason. With
   * `precision: 'auto'`, core then runs quantized models dequantized to float.
   */
  int8Inaccurate?(): { inaccurate: boolean; reason: string };
  /** Reports a one-time warning (Node: process.emitWarning); default console.warn. */
  warn?(message: string, code: string): void;
}
