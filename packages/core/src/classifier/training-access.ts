import type { PreparedImage } from '../image/prepare-input.js';
import type { PreparedTensor } from '../image/image.js';
import type { PreprocessOptions } from '../options/defaults.js';

/**
 * Where a classifier keeps what `createTrainer` needs beyond the public methods: a symbol from the
 * global registry, so that two copies of core in one app still find each other's. Small on
 * purpose: the views are cut and embedded by the trainer, which only apps that train load.
 */
export const TRAINING: unique symbol = Symbol.for('onnx-mobilenet.training');

/** What training reads of a classifier. */
export interface TrainingAccess {
  /** One image resized as for classification but not cropped, with the reference crop in it (`centre`); a prepared tensor as it is. */
  resized(input: unknown, signal?: AbortSignal): Promise<PreparedImage>;
  /** Embeds a prepared tensor (the classifier batches concurrent calls). */
  embed(input: PreparedTensor, signal?: AbortSignal): Promise<Float32Array>;
  /** The model file as given to `createClassifier` (read again: the classifier keeps no copy). */
  modelBytes(signal?: AbortSignal): Promise<Uint8Array>;
  readonly preprocess: Readonly<PreprocessOptions>;
}
