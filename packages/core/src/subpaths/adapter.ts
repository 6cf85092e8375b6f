/**
 * `@onnx-mobilenet/core/adapter`: for adapter authors, not apps. The backend port an adapter
 * implements ({@link ClassifierBackend}), {@link createClassifierWithBackend} that turns one into a
 * classifier, and the helpers the Node and web adapters share: bounded downloads and body reads,
 * source resolution, input guards, image headers and model checks. Apps import
 * `onnx-mobilenet` (or an adapter's main entry) instead.
 *
 * @module @onnx-mobilenet/core/adapter
 * @group API reference
 */
export { createClassifierWithBackend } from '../classifier/classifier.js';
export type {
  AssetLoader,
  ClassifierBackend,
  DecodeContext,
  DecodedImage,
  DownloadProgress,
  ImageDecoder,
  InferenceRuntime,
  LiveFeed,
  LiveFeedSink,
  LiveFrame,
  LiveSources,
  LoadAssetOptions,
  OpenedImage,
  PlatformFacts,
  RuntimeSession,
  Warn,
} from '../backend.js';
export { abortable, decodeWithin, withDeadline } from '../flow/abortable.js';
export { bytesView, concatBytes } from '../io/bytes.js';
export { resolveLimits, resolvePreprocessOptions } from '../options/defaults.js';
export { byteLimitError, clipText, describeError, describeValue } from '../errors/errors.js';
export { WARNING_CODES } from '../errors/warnings.js';
export { runtimeError } from '../errors/runtime-error.js';
export { countUpTo } from '../predictions/labels.js';
export { imageOrientation, jpegOrientation, pngOrientation, webpOrientation } from '../image/exif-orientation.js';
export { orientImage } from '../image/orient.js';
export { assertJpegScans, countJpegScans, jpegReachesEnd } from '../image/jpeg-segments.js';
export { describeImageBytes, ftypBrands, IMAGE_FORMAT_NAMES, readImageHeader, type EncodedImageFormat, type ImageHeader } from '../image/image-header.js';
export { assertEncodedBytes, assertInputPixels, checkImageHeader, unsupportedFormatError } from '../image/image-limits.js';
export { assertRawImage, isPreparedTensor, isRawImage } from '../image/image.js';
export { roundHalfEven, type Rect, type ResizePlan } from '../image/resize-plan.js';
export { selectClasses } from '../predictions/postprocess.js';
export { MODEL_ZOO_BASE_URL, registryUrl } from '../io/model-registry.js';
export { didYouMean, editDistance } from '../errors/did-you-mean.js';
export { registryNameHint } from '../io/registry-hint.js';
export { inspectModelIO, type ModelIO } from '../graph/model-io.js';
export { assertSourceLength, resolveLabelsSource, resolveModelSource } from '../io/sources.js';
export { EMBEDDING_OUTPUT } from '../graph/model-io.js';
export { PRECISIONS, type Int8Facts } from '../graph/precision.js';
export { guardDownload } from '../io/download-guard.js';
export { type AssetCache, CACHE_NAME, type FetchAssetPlatform, fetchAsset, openCacheStorage, subtleSha256Hex } from '../io/fetch-asset.js';
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
} from '../io/network-policy.js';
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
} from '../io/read-body.js';
export { classifyAllWith } from '../classifier/classify-all.js';
export { checkStreamOptions } from '../classifier/classify-stream.js';
export { readableFeed, type ReadableLike } from '../flow/readable-feed.js';
export { now } from '../flow/clock.js';
export { ADAPTER_OPTION_KINDS } from '../options/classifier-options.js';
export {
  checkChoice,
  checkNumber,
  MAX_TIMER_MS,
  orList,
  ownOptions,
  withoutPrototype,
  type NumberRange,
  type OptionKind,
  type OptionShape,
} from '../options/own-options.js';
