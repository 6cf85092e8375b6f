import type { InferenceSession } from 'onnxruntime-common';
import { OnnxMobilenetError } from '../errors/errors.js';
import { checkChoice, checkNumber, MAX_TIMER_MS } from './own-options.js';
import type { Precision } from '../graph/precision.js';

/**
 * How a photo may be fitted to the model's square input (`preprocess.mode`), the one list that
 * {@link ResizeMode}, the option's check and the CLI's `--mode` are made from:
 * - `'shorter-side-crop'`: resize so the shorter side is `resizeShorter`, then take the center
 *   `cropSize` square (the reference evaluation; the default);
 * - `'squash'`: resize both sides straight to `cropSize`, ignoring aspect ratio (as the MXNet
 *   evaluation did).
 *
 * @example
 * ```ts
 * import { RESIZE_MODES } from '@onnx-mobilenet/core/preprocess';
 * for (const mode of RESIZE_MODES) console.log(mode, (await evaluate(await createClassifier({ preprocess: { mode } }), samples)).top1);
 * ```
 */
export const RESIZE_MODES = ['shorter-side-crop', 'squash'] as const;

/** How the photo is fitted to the model's square input: one of {@link RESIZE_MODES}. */
export type ResizeMode = (typeof RESIZE_MODES)[number];

/** Preprocessing settings; the defaults follow the MobileNetV2 model card. */
export interface PreprocessOptions {
  /** Fitting strategy. Default `'shorter-side-crop'`. */
  mode: ResizeMode;
  /** Shorter side after resizing, before the crop (`'shorter-side-crop'` only). Default 256. */
  resizeShorter: number;
  /** Side of the square model input. Default 224. */
  cropSize: number;
  /** Per-channel RGB mean subtracted after scaling to [0, 1]. */
  mean: readonly [number, number, number];
  /** Per-channel RGB standard deviation divided by after subtracting the mean. */
  std: readonly [number, number, number];
}

/** Safety limits on what a classifier accepts; every limit breach is an `E_LIMIT` error. */
export interface Limits {
  /** Largest decoded image, in pixels (width × height), checked from the header before decoding. */
  maxInputPixels: number;
  /** Largest encoded image (file, bytes, download), in bytes. */
  maxEncodedBytes: number;
  /** Largest model file, in bytes. */
  maxModelBytes: number;
  /** A download that receives nothing for this long (ms) is abandoned. */
  downloadTimeoutMs: number;
  /**
   * An image URL not downloaded this long (ms) after its request started is abandoned: a server
   * that trickles its bytes never lets `downloadTimeoutMs` fire. Models and labels, which the
   * developer chooses and may be large, have no such deadline.
   */
  maxImageDownloadMs: number;
  /**
   * Redirects a download follows at most (0: none); one more is `E_LIMIT`. Each hop is checked
   * like the first (`allowPrivateNetwork`, `allowHost`).
   */
  maxRedirects: number;
  /**
   * Largest resized image, in pixels, before the crop: `'shorter-side-crop'` scales the shorter
   * side to `resizeShorter`, so a 100,000,000×1 image (within `maxInputPixels`) would be resized to
   * 25,600,000,000×256. Checked from the header, before anything is decoded or allocated.
   */
  maxResizedPixels: number;
  /** Largest label file (path, URL or bytes), in bytes, counted as bytes arrive. */
  maxLabelBytes: number;
  /** Most labels (lines of a label file, entries of a JSON or given array), counted before they are split. */
  maxLabelLines: number;
  /** Most nodes a model may hold, its subgraphs' and functions' included, counted before onnxruntime sees it. */
  maxModelNodes: number;
  /**
   * Longest path or URL string given as a model, labels or image, in characters (a `data:` URL
   * is bounded by the byte limits instead). Checked before the string is used.
   */
  maxSourceChars: number;
  /**
   * Bytes of buffers and tensors one classifier may hold as copies for calls in progress: each
   * call copies its buffers before returning control (the caller may then reuse them), and a
   * call whose copies would pass this is `E_LIMIT` before anything is copied.
   */
  maxPendingBytes: number;
  /**
   * Most iterations a model's Loop may run (a loop nested in another's body counts their product).
   * onnxruntime runs loops in native code that nothing interrupts, so a model whose Loop runs 1e15
   * times, or takes its count from the image or runs while a condition holds, is refused at load
   * (`E_MODEL_LOAD`); so are Scan and other ops that repeat a subgraph as data says.
   */
  maxLoopIterations: number;
  /**
   * Most scans a JPEG may have, counted from its bytes before decoding. A baseline JPEG has 1, a
   * progressive one about 10 (libjpeg's default script; mozjpeg's and Photoshop's are shorter);
   * libjpeg goes over the whole image once per scan, so 2,647 nearly empty scans of 10000×10000
   * pixels in a 1 MB file took sharp 80-115 s. 100 is ten times any encoder's script.
   */
  maxJpegScans: number;
  /**
   * Longest decode of one image (ms), in Node and in browsers: the call then fails with `E_LIMIT`
   * whatever the decoder does (sharp's or the browser's native decode may go on in the background,
   * since nothing can interrupt it). A download of the image (`maxImageDownloadMs`) is not counted.
   */
  decodeTimeoutMs: number;
}

/**
 * Every default of onnx-mobilenet in one place. The README's option tables and the limits table of
 * the Errors and limits guide are tested against this constant, so it is the single source of truth.
 *
 * @example
 * ```ts
 * import { DEFAULTS } from '@onnx-mobilenet/core';
 * console.log(DEFAULTS.preprocess.cropSize); // 224
 * ```
 */
export const DEFAULTS = Object.freeze({
  /** Registry name of the model used when `model` is not given. */
  model: 'mobilenetv2-7',
  /** Number of predictions returned by `classify`. */
  topK: 5,
  /** Largest batch sent to one session run, for models with a dynamic batch dimension. */
  batchSize: 8,
  /**
   * Weights of quantized (int8) models: `'auto'` runs them as float where the backend reports
   * int8 kernels less accurate (onnxruntime-node on x86-64 without VNNI), else as they are.
   */
  precision: 'auto' as Precision,
  /**
   * Largest `threads` accepted (E_INPUT above it): onnxruntime starts every thread it is asked
   * for, and a million threads exhaust the process's memory. 1024 covers the largest CPUs.
   */
  maxThreads: 1024,
  /**
   * Largest `batchSize` accepted (E_INPUT above it): a call keeps up to two batches of images in
   * flight and the runner one batch's input tensor (600 KB an image at 224 px).
   */
  maxBatchSize: 1024,
  /**
   * Largest `preprocess.cropSize` and `preprocess.resizeShorter` accepted (E_INPUT above it),
   * checked before anything is allocated: a model with symbolic input dimensions fixes no size,
   * and a crop of 100000 asked for a 120 GB tensor. A 2048-pixel crop is a 50 MB tensor.
   */
  maxPreprocessSize: 2048,
  /** onnxruntime's graph optimisation level for every session (`sessionOptions` overrides it). */
  graphOptimizationLevel: 'all' as NonNullable<InferenceSession.SessionOptions['graphOptimizationLevel']>,
  /** Browsers: wasm threads on a `crossOriginIsolated` page (at most `navigator.hardwareConcurrency`); 1 elsewhere. */
  webThreads: 4,
  /** Browsers: how long onnxruntime-web may take to start its wasm threads before loading fails (ms). */
  webStartTimeoutMs: 20_000,
  /**
   * Images of one `classify(array)` call being decoded or waiting for inference at once. Enough
   * queued decodes to keep every core busy while a batch runs (onnxruntime-node's run holds the
   * JavaScript thread, so no decode can start meanwhile): 53 photos took 3.0 ms/photo with 64 and
   * 3.2-3.5 with 16 (pnpm bench, 2 cores). Waiting images are 8-bit crops (150 KB each); a decoder
   * that holds whole images caps its own decodes (`maxConcurrent`: 8 in browsers).
   */
  maxInFlight: 64,
  /**
   * Images one classifier decodes at once across all its calls (`maxConcurrentDecodes`); more wait
   * for a slot. The same reasoning as `maxInFlight`, shared: one array call decodes as before,
   * while 10,000 concurrent calls no longer read and decode 10,000 images at once.
   */
  maxConcurrentDecodes: 64,
  /**
   * Inputs `classifyAll` keeps decoding and classifying at once when no `concurrency` is given (the
   * classifier batches what is ready); the CLI's `classify` runs with it.
   */
  classifyAllConcurrency: 16,
  /**
   * `classifyStream` on a live source (a camera, a `<video>`, a `ReadableStream` of frames): the
   * weight of the past in the moving average of probabilities (`smoothing`). At 0.5 a label needs
   * two frames of a new scene to change (a tenth of a second at 20 fps), and one odd frame no longer
   * flips it. Iterables of inputs default to 0: their items are separate images.
   */
  liveSmoothing: 0.5,
  /** `evaluate()`: samples classified per round, and the predictions kept per sample (top-5 accuracy). */
  evaluate: Object.freeze({ batchSize: 16, topK: 5 }),
  /** Few-shot classifiers: neighbours that vote in `predict()` (`k`). */
  fewShot: Object.freeze({ k: 3 }),
  /**
   * `createTrainer()` and `train()`: at most 30 epochs of Adam (learning rate 0.01, batches of 32
   * views, L2 0.1 on the weights), a fifth of each class's photos held out for validation, stopping
   * after 10 epochs without a lower validation loss; classes weighted to count equally; seed 1; no
   * augmented views (`flip`, `crops`). The epochs, rate and L2 were tuned on 5 superclasses of the
   * sample photos (44.4 -> 53.4 % at 3 shots) and held on another task (`pnpm bench:train`).
   */
  train: Object.freeze({
    epochs: 30,
    learningRate: 0.01,
    batchSize: 32,
    l2: 0.1,
    validationSplit: 0.2,
    patience: 10,
    classWeights: 'balanced' as 'balanced' | 'equal',
    seed: 1,
    flip: false,
    crops: 0,
  }),
  /** Input and download limits (a 10,000 × 10,000 image, 64 MiB files, 256 MiB models, 30 s of silence, 60 s per image URL, 5 redirects, 1000 loop iterations, 100 JPEG scans, 30 s per decode, and the rest). */
  limits: Object.freeze({
    maxInputPixels: 100_000_000,
    maxEncodedBytes: 64 * 2 ** 20,
    maxModelBytes: 256 * 2 ** 20,
    downloadTimeoutMs: 30_000,
    maxImageDownloadMs: 60_000,
    maxRedirects: 5,
    // A 256:1 panorama at the default resizeShorter of 256 (48 MiB of RGB): no camera's aspect ratio comes near.
    maxResizedPixels: 2 ** 24,
    // ImageNet's synset.txt is 31 KB for 1000 classes; 8 MiB holds 100,000 such lines.
    maxLabelBytes: 8 * 2 ** 20,
    // 100 times ImageNet's 1000 classes (ImageNet-21k has 21,841); each label costs about 200 bytes parsed.
    maxLabelLines: 100_000,
    // MobileNetV2 has 100-250 nodes (dequantized int8: about 400); large vision models a few thousand.
    // onnxruntime took about 1.5 KB a node, so 100,000 nodes is at most about 150 MB of graph.
    maxModelNodes: 100_000,
    // Linux's PATH_MAX is 4096; 8 KB is the URL length servers and CDNs commonly accept.
    maxSourceChars: 8192,
    // Four images of the 64 MiB maxEncodedBytes, or about 1,500 photos of 170 KB.
    maxPendingBytes: 256 * 2 ** 20,
    maxLoopIterations: 1000,
    maxJpegScans: 100,
    decodeTimeoutMs: 30_000,
  }) as Readonly<Limits>,
  /** Preprocessing of the model card (bilinear resize of the shorter side to 256, center crop 224). */
  preprocess: Object.freeze({
    mode: 'shorter-side-crop',
    resizeShorter: 256,
    cropSize: 224,
    mean: Object.freeze([0.485, 0.456, 0.406]) as readonly [number, number, number],
    std: Object.freeze([0.229, 0.224, 0.225]) as readonly [number, number, number],
  }) as Readonly<PreprocessOptions>,
});

/**
 * Fills unset preprocessing options from {@link DEFAULTS} and checks the given ones (`E_INPUT`).
 *
 * @example
 * ```ts
 * resolvePreprocessOptions({ mode: 'squash' }).cropSize; // 224
 * ```
 */
export function resolvePreprocessOptions(options: Partial<PreprocessOptions> = {}): PreprocessOptions {
  const o: PreprocessOptions = { ...DEFAULTS.preprocess, ...stripUndefined(options) };
  checkChoice('preprocess.mode', o.mode, RESIZE_MODES);
  for (const key of ['resizeShorter', 'cropSize'] as const) checkNumber(`preprocess.${key}`, o[key], { max: DEFAULTS.maxPreprocessSize });
  if (o.mode === 'shorter-side-crop' && o.cropSize > o.resizeShorter) {
    throw new OnnxMobilenetError('E_INPUT', `preprocess.cropSize (${o.cropSize}) cannot exceed preprocess.resizeShorter (${o.resizeShorter})`);
  }
  for (const key of ['mean', 'std'] as const) {
    const v = o[key];
    if (!Array.isArray(v) || v.length !== 3 || v.some((x) => typeof x !== 'number' || !Number.isFinite(x)) || (key === 'std' && v.some((x) => x === 0))) {
      throw new OnnxMobilenetError('E_INPUT', `preprocess.${key} must be three finite numbers${key === 'std' ? ', none zero' : ''}`);
    }
  }
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  // No prototype: assigning to a plain object would call a setter planted on Object.prototype
  const out: Partial<T> = Object.create(null);
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/**
 * The largest value of each limit (E_INPUT above it). Limits not named here: timers (`…Ms`) up to
 * `MAX_TIMER_MS` (a longer timer overflows and fires at once), counts and bytes up to
 * `Number.MAX_SAFE_INTEGER`.
 */
const LIMIT_MAXIMA: Partial<Record<keyof Limits, number>> = {
  // 65536 × 65536: a decoded image past this has more bytes than a typed array holds
  maxInputPixels: 2 ** 32,
  // 2 GiB: what one read may allocate; an ONNX model (protobuf) cannot be larger
  maxEncodedBytes: 2 ** 31,
  maxModelBytes: 2 ** 31,
};

/** The accepted maximum of the limit `key`. */
function limitMax(key: string): number {
  // hasOwn: a limit not listed must not find a value on a polluted Object.prototype
  if (Object.hasOwn(LIMIT_MAXIMA, key)) return LIMIT_MAXIMA[key as keyof Limits]!;
  return key.endsWith('Ms') ? MAX_TIMER_MS : Number.MAX_SAFE_INTEGER;
}

/**
 * Fills unset limits from {@link DEFAULTS} and checks them all: each must be an integer from 1 to
 * its maximum (`E_INPUT` naming the limit and the range), so that `Infinity`, `1e6 + 0.5` or a
 * timer of 2^32 ms (which would fire at once) are refused at creation.
 *
 * @example
 * ```ts
 * resolveLimits({ maxInputPixels: 4096 * 4096 }).maxEncodedBytes; // 67108864
 * ```
 */
export function resolveLimits(limits: Partial<Limits> = {}): Limits {
  const out: Limits = { ...DEFAULTS.limits, ...stripUndefined(limits) };
  // 0 redirects is a real setting (follow none); every other limit is at least 1
  for (const [key, value] of Object.entries(out)) checkNumber(`limits.${key}`, value, { min: key === 'maxRedirects' ? 0 : 1, max: limitMax(key) });
  return out;
}
