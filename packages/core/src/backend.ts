import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { Limits } from './options/defaults.js';
import type { NetworkPolicy } from './io/network-policy.js';
import type { RawImage } from './image/image.js';
import type { ResizePlan } from './image/resize-plan.js';
import type { AssetRef } from './io/sources.js';
import type { Int8Facts } from './graph/precision.js';
import type { WarningCode } from './errors/warnings.js';

/** Progress of a download, reported through the `onProgress` option. */
export interface DownloadProgress {
  /** The address being fetched. */
  url: string;
  /** Bytes received so far. */
  loaded: number;
  /** Expected size in bytes, when known. */
  total?: number | undefined;
}

/**
 * Reports a warning once per classifier and `code` (the same code again is dropped). Adapters get
 * it from core with every call that may warn; they never write to the console themselves.
 */
export type Warn = (message: string, code: WarningCode) => void;

/** What a backend's `loadAsset` may use while loading. */
export interface LoadAssetOptions {
  /** `'model'` or `'labels'`, for messages and cache layout. */
  purpose: 'model' | 'labels';
  onProgress?: ((progress: DownloadProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Largest acceptable file (`E_LIMIT` beyond). */
  maxBytes: number;
  /** Abandon a download that receives nothing for this long (ms). */
  timeoutMs: number;
  /** The classifier's warning channel (core always passes it). */
  warn?: Warn | undefined;
  /** Which hosts and addresses downloads may reach (core always passes it; absent means strict). */
  network?: NetworkPolicy | undefined;
}

/** What a decoder's `open` may use. */
export interface DecodeContext {
  signal?: AbortSignal | undefined;
  limits: Limits;
  /** The classifier's warning channel (core always passes it). */
  warn?: Warn | undefined;
  /** Which hosts and addresses image URLs may reach (core always passes it; absent means strict). */
  network?: NetworkPolicy | undefined;
}

/**
 * An image input read as far as its size, as the model will see it (EXIF orientation applied),
 * its pixels not yet decoded, so that core checks the size against the limits and plans the
 * resize first. A decoder that learns the size only by decoding (a browser's) decodes here.
 */
export interface OpenedImage {
  /** How messages name the image: a path, an address, `Blob`, `123-byte buffer`. */
  name: string;
  width: number;
  height: number;
  /**
   * The pixels for core's resize plan: `{ crop }` when the decoder executed the plan itself (sharp
   * resizes while it decodes), else `{ whole }`, the whole `width`×`height` image, which core
   * resizes and crops.
   */
  decode(plan: ResizePlan): Promise<DecodedImage>;
}

/** Pixels a decoder returns for a plan: its crop, or the whole image (core then resizes and crops it). */
export type DecodedImage = { crop: RawImage } | { whole: RawImage };

/** A session and the tensor type of the runtime module that created it. */
export interface RuntimeSession {
  session: InferenceSession;
  /** Wraps float32 data into this runtime's tensor type. */
  createTensor(data: Float32Array, dims: readonly number[]): Tensor;
}

/** Runtime role: the environment's onnxruntime package, for sessions and their tensors. */
export interface InferenceRuntime {
  /** Name shown in model info and messages, e.g. `'onnxruntime-node'`. */
  readonly name: string;
  /** Creates an inference session from model bytes, with the tensor factory that belongs to it. */
  createSession(model: Uint8Array, options: InferenceSession.SessionOptions, context: { warn: Warn }): Promise<RuntimeSession>;
}

/** Asset loader role: reads model and label files, verifying `sha256` when the reference has one. */
export interface AssetLoader {
  loadAsset(asset: Exclude<AssetRef, { kind: 'bytes' }>, options: LoadAssetOptions): Promise<Uint8Array>;
}

/** Image decoder role: the environment's native image inputs to 8-bit pixels. */
export interface ImageDecoder<TInput> {
  /**
   * Reads one input as far as its size ({@link OpenedImage}): its bytes, format and header, what
   * the decoder does not read refused (`E_IMAGE_DECODE`), before any pixel is decoded.
   */
  open(input: TInput, context: DecodeContext): Promise<OpenedImage>;
  /**
   * Takes, at call time, what a later decode would read from an input the caller can still change
   * or close (an `ImageData`'s array, a canvas, a `VideoFrame`). Every call runs it synchronously,
   * for each of its inputs, before it returns its promise; it returns the pixels copied as raw
   * pixels, or the input itself where nothing can change (encoded bytes are core's to copy). What
   * it throws fails the call; it checks `limits.maxInputPixels` before copying.
   */
  snapshot?(input: TInput, context: Omit<DecodeContext, 'signal'>): TInput | RawImage;
  /**
   * The bytes `snapshot` will copy of `input` (0 where it copies nothing), read without copying:
   * core counts them against `limits.maxPendingBytes` before any copy is taken. It checks
   * `limits.maxInputPixels` first, so an image over it is refused for its size.
   */
  snapshotBytes?(input: TInput, context: Omit<DecodeContext, 'signal'>): number;
  /**
   * Most decodes of one call to run at once (default `DEFAULTS.maxInFlight`): a decoder that holds
   * whole decoded images until core resizes them (the browser's) caps its memory here.
   */
  maxConcurrent?: number | undefined;
  /**
   * Releases an input `classifyStream` received from its source once it is done with it (a
   * `VideoFrame` is closed): called exactly once for every input a stream took, classified,
   * dropped or failed. Inputs given to the other calls stay the caller's.
   */
  release?(input: TInput): void;
}

/** One frame a live source delivered to `classifyStream`. */
export interface LiveFrame<TInput> {
  input: TInput;
  /** Media time in ms where the source has one (a `VideoFrame`'s timestamp, a video's `mediaTime`). */
  timestamp?: number | undefined;
  /** When it was captured or reached the feed, on this realm's `performance.now()` clock; latency counts from here. */
  capturedAt?: number | undefined;
  /** Its index in the source, where the feed counts frames core never saw (another thread's drops); else core counts. */
  index?: number | undefined;
}

/** Where a live feed delivers: `frame` for each frame as it arrives, `end` once when the source is over. */
export interface LiveFeedSink<TInput> {
  frame(frame: LiveFrame<TInput>): void;
  /** The source ended (a track ended, a video played to its end) or, with `error`, died. */
  end(error?: unknown): void;
}

/**
 * A live source's frames, pushed as they arrive: the camera does not wait for the classifier, so
 * core keeps only the latest frame and releases the others (`ImageDecoder.release`).
 */
export interface LiveFeed<TInput> {
  /** Starts delivering to `sink`. Called once. */
  start(sink: LiveFeedSink<TInput>): void;
  /** Stops delivering and releases what the feed opened itself (a cloned track, a reader); the caller's own source stays open. Called once. */
  stop(): void | Promise<void>;
}

/** Live sources role (optional): the environment's video sources for `classifyStream`. */
export interface LiveSources<TInput> {
  /** A feed for `source` when it is a live source of this environment (a `<video>`, a `MediaStream` or track), else undefined. */
  open(source: unknown): LiveFeed<TInput> | undefined;
}

/** Platform role: facts about the machine, and where warnings go. */
export interface PlatformFacts {
  /**
   * What this platform knows of the int8 kernels a session with these execution providers
   * (`options.executionProviders`, undefined for the default) will run: its runtime, CPU, first
   * provider, the user's override. Facts only: core's precision policy judges them (with
   * `precision: 'auto'`, quantized models run as float where int8 loses accuracy or speed).
   * Absent: int8 is trusted.
   */
  int8Facts?(executionProviders: readonly InferenceSession.ExecutionProviderConfig[] | undefined): Int8Facts;
  /** Where the classifier's warnings end up (Node: `process.emitWarning`; browsers: the console). */
  warn(message: string, code: WarningCode): void;
  /**
   * The most threads this platform runs (`threads` and the session's thread counts; `E_INPUT`
   * above it), with what sets it, for the message. Absent: `DEFAULTS.maxThreads` (1024).
   * Browsers: the core count, since onnxruntime-web starts a Worker for every thread asked for.
   */
  threadLimit?(): { max: number; reason: string };
}

/**
 * What an environment adapter injects into core, as four small roles (in the spirit of
 * onnxruntime's `Backend`): the runtime (sessions and tensors), the asset loader, the image decoder
 * and the platform facts. Adapters only translate; all preprocessing math, batching and
 * postprocessing is core's.
 */
export interface ClassifierBackend<TInput> {
  readonly runtime: InferenceRuntime;
  readonly assets: AssetLoader;
  readonly decoder: ImageDecoder<TInput>;
  readonly platform: PlatformFacts;
  /** Live video sources for `classifyStream` (browsers); absent where there are none (core still reads `ReadableStream`s and iterables). */
  readonly live?: LiveSources<TInput> | undefined;
}
