/**
 * `@onnx-mobilenet/core/adapter`: for adapter authors, not apps. The backend port an adapter
 * implements ({@link ClassifierBackend}), {@link createClassifierWithBackend} that turns one into a
 * classifier, and the helpers the Node and web adapters share: bounded downloads and body reads,
 * source resolution, input guards, image headers and model checks. Apps import
 * `onnx-mobilenet` (or an adapter's main entry) instead.
 *
 * @module @onnx-mobilenet/core/adapter
 */
export { createClassifierWithBackend } from '../classifier.js';
export type {
  AssetLoader,
  ClassifierBackend,
  DecodeContext,
  DecodedImage,
  DownloadProgress,
  ImageDecoder,
  InferenceRuntime,
  LoadAssetOptions,
  PlatformFacts,
  RuntimeSession,
  Warn,
} from '../backend.js';
export { decodeWithin, withDeadline } from '../abortable.js';
export { bytesView, concatBytes } from '../bytes.js';
export { resolveLimits, resolvePreprocessOptions } from '../defaults.js';
export { clipText, describeError } from '../errors.js';
export { runtimeError } from '../runtime-error.js';
export { countUpTo } from '../labels.js';
export { imageOrientation, jpegOrientation, pngOrientation, webpOrientation } from '../exif-orientation.js';
export { orientImage } from '../orient.js';
export { assertJpegScans, countJpegScans, jpegReachesEnd } from '../jpeg-segments.js';
export { ftypBrands, readImageHeader, type EncodedImageFormat, type ImageHeader } from '../image-header.js';
export { assertRawImage, isPreparedTensor, isRawImage } from '../image.js';
export { roundHalfEven, type Rect, type ResizePlan } from '../resize-plan.js';
export { selectClasses } from '../postprocess.js';
export { MODEL_ZOO_BASE_URL, registryUrl } from '../model-registry.js';
export { inspectModelIO, type ModelIO } from '../model-io.js';
export { assertSourceLength, describeValue, resolveLabelsSource, resolveModelSource } from '../sources.js';
export { EMBEDDING_OUTPUT } from '../embedding-graph.js';
export { guardDownload } from '../download-guard.js';
export { type AssetCache, CACHE_NAME, type FetchAssetPlatform, fetchAsset, subtleSha256Hex } from '../fetch-asset.js';
export {
  STRICT_NETWORK,
  checkHop,
  networkPolicy,
  privateAddressError,
  privateAddressKind,
  redactUrl,
  redactUrlsIn,
  type HopContext,
  type HostCheck,
  type NetworkPolicy,
} from '../network-policy.js';
export {
  fetchBounded,
  fetchImage,
  parseUrl,
  readBody,
  type ByteReader,
  type FetchBoundedOptions,
  type FetchLike,
  type ReadBodyOptions,
  type ResponseLike,
} from '../read-body.js';
export { classifyAllWith } from '../classify-all.js';
export { ADAPTER_OPTION_KINDS } from '../classifier-options.js';
export { checkNumber, MAX_TIMER_MS, ownOptions, withoutPrototype, type NumberRange, type OptionKind, type OptionShape } from '../own-options.js';
