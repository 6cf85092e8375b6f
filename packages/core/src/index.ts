/**
 * `@onnx-mobilenet/core`: the environment-agnostic heart of onnx-mobilenet. Preprocessing math,
 * labels, softmax/top-k, the model registry and the classifier logic, written against
 * `onnxruntime-common` types and an injected {@link ClassifierBackend}. No Node or DOM API.
 * `onnx-mobilenet` (and each adapter) re-exports all of it.
 *
 * @module onnx-mobilenet (common)
 */
export { bytesView, concatBytes } from './bytes.js';
export { DEFAULTS, resolveLimits, resolvePreprocessOptions, type Limits, type Precision, type PreprocessOptions, type ResizeMode } from './defaults.js';
export { OnnxMobilenetError, describeError, isOnnxMobilenetError, type ErrorCode } from './errors.js';
export { readImageHeader, type EncodedImageFormat, type ImageHeader } from './image-header.js';
export { assertRawImage, isPreparedTensor, isRawImage, type Channels, type PreparedTensor, type RawImage } from './image.js';
export { planResize, roundHalfEven, type Rect, type ResizePlan } from './resize-plan.js';
export { resampleBilinear } from './resample.js';
export { normalizeToCHW } from './normalize.js';
export { preprocess, resizeAndCrop } from './preprocess.js';
export { parseLabels, type ClassLabel } from './labels.js';
export {
  predictionsFromLogits,
  selectClasses,
  softmax,
  topK,
  type ClassSelector,
  type ClassifyOptions,
  type Prediction,
} from './postprocess.js';
export { IMAGENET_LABELS, MODELS, MODEL_ZOO_BASE_URL, registryUrl, type RegistryLabels, type RegistryModel } from './model-registry.js';
export { inspectModelIO, type ModelIO } from './model-io.js';
export { describeValue, resolveLabelsSource, resolveModelSource, type AssetRef, type LabelsSource, type ModelSource } from './sources.js';
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
} from './backend.js';
export { createClassifierWithBackend, type Classifier, type ClassifierOptions, type ModelInfo } from './classifier.js';
export { dequantizeModel, isQuantizedModel } from './dequantize.js';
export { evaluate, type EvalResult, type EvalSample, type EvalSampleResult } from './evaluate.js';
export { EMBEDDING_OUTPUT } from './embedding-graph.js';
export { cosineSimilarity, nearestNeighbors, type Neighbor } from './similarity.js';
export {
  createFewShotClassifier,
  type FewShotClassifier,
  type FewShotJSON,
  type FewShotPrediction,
  type FewShotScore,
} from './few-shot.js';
export { guardDownload } from './download-guard.js';
export { fetchBounded, parseUrl, readBody, type ByteReader, type FetchBoundedOptions, type FetchLike, type ReadBodyOptions, type ResponseLike } from './read-body.js';
