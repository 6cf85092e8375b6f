import { augmentedViews, type AugmentOptions } from '../image/augment.js';
import type { PreparedTensor, RawImage } from '../image/image.js';
import { normalizeToCHW } from '../image/normalize.js';
import type { Rect } from '../image/resize-plan.js';
import type { PreprocessOptions } from '../options/defaults.js';

/**
 * Where a classifier keeps what `createTrainer` needs beyond the public methods: a symbol from the
 * global registry, so that two copies of core in one app still find each other's.
 */
export const TRAINING: unique symbol = Symbol.for('onnx-mobilenet.training');

/** What training reads of a classifier. */
export interface TrainingAccess {
  /** Embeddings of one photo's views: the reference centre crop first, then the augmented ones. */
  views(input: unknown, augment: AugmentOptions, random: () => number, signal?: AbortSignal): Promise<Float32Array[]>;
  /** The model file as given to `createClassifier` (read again: the classifier keeps no copy). */
  modelBytes(signal?: AbortSignal): Promise<Uint8Array>;
  readonly preprocess: Readonly<PreprocessOptions>;
}

/** A classifier's {@link TrainingAccess}, from its image runs, its `embed` and what it loaded. */
export function trainingAccess(
  runs: { resized(input: never, signal: AbortSignal | undefined): Promise<{ image: RawImage; crop: Rect }> },
  embed: (input: PreparedTensor, signal: AbortSignal | undefined) => Promise<Float32Array>,
  loaded: { preprocess: Readonly<PreprocessOptions>; readModel: (signal?: AbortSignal) => Promise<Uint8Array> },
): TrainingAccess {
  const { mean, std, cropSize } = loaded.preprocess;
  return {
    async views(input, augment, random, signal) {
      const { image, crop } = await runs.resized(input as never, signal);
      // Normalised one view at a time and embedded together (the classifier batches them).
      const tensors = augmentedViews(image, crop, augment, random).map((view) => ({ data: normalizeToCHW(view, mean, std), dims: [1, 3, cropSize, cropSize] }));
      return Promise.all(tensors.map((t) => embed(t, signal)));
    },
    modelBytes: loaded.readModel,
    preprocess: loaded.preprocess,
  };
}
