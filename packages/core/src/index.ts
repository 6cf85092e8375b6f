/**
 * `@onnx-mobilenet/core`: the environment-agnostic heart of onnx-mobilenet, and the API an app
 * uses: the classifier and its option/result types, the error type and its codes, the defaults
 * and model registry, embeddings helpers, the few-shot classifier and `evaluate`. Each adapter
 * (`@onnx-mobilenet/node`, `@onnx-mobilenet/web`) re-exports all of it and adds `createClassifier`.
 *
 * What adapters are built from lives behind subpaths: `@onnx-mobilenet/core/adapter` (the backend
 * port and its helpers), `@onnx-mobilenet/core/preprocess` (the pixel math, softmax and top-k) and
 * `@onnx-mobilenet/core/graph` (ONNX graph rewrites). The API reference shows this part under
 * `onnx-mobilenet`, the import apps use.
 *
 * @packageDocumentation
 */
export { DEFAULTS, type Limits, type PreprocessOptions, type ResizeMode } from './options/defaults.js';
export type { Precision } from './graph/precision.js';
export { OnnxMobilenetError, isOnnxMobilenetError, type ErrorCode } from './errors/errors.js';
export type { WarningCode } from './errors/warnings.js';
export type { AdapterOptions } from './options/classifier-options.js';
export type { Channels, PreparedTensor, RawImage } from './image/image.js';
export { parseLabels, type ClassLabel } from './predictions/labels.js';
export type { ClassSelector, ClassifyOptions, Prediction } from './predictions/postprocess.js';
export { IMAGENET_LABELS, MODELS, type RegistryLabels, type RegistryModel } from './io/model-registry.js';
export type { AssetRef, LabelsSource, ModelSource } from './io/sources.js';
export type { DownloadProgress } from './backend.js';
export type { HostCheck } from './io/network-policy.js';
export type {
  Classifier,
  ClassifierOptions,
  ClassifyAllOptions,
  ClassifyAllResult,
  ClassifyStreamOptions,
  ModelInfo,
  StreamFrameInfo,
  StreamResult,
  StreamSource,
  TimedInput,
} from './classifier/classifier.js';
export { evaluate, type EvalResult, type EvalSample, type EvalSampleResult } from './tasks/evaluate.js';
export { cosineSimilarity, nearestNeighbors, type Neighbor } from './predictions/similarity.js';
export {
  createFewShotClassifier,
  type FewShotClassifier,
  type FewShotJSON,
  type FewShotPrediction,
  type FewShotScore,
} from './tasks/few-shot.js';
export {
  createTrainer,
  type AugmentOptions,
  type Trainer,
  type TrainerOptions,
  type TrainOptions,
} from './tasks/trainer.js';
export { headProbabilities, type EpochProgress, type TrainedHead, type TrainReport } from './tasks/head.js';
