import { OnnxMobilenetError } from '../errors/errors.js';

/** One epoch of training, as `onEpoch` reports it. */
export interface EpochProgress {
  /** 1 for the first epoch. */
  epoch: number;
  /** The most epochs this run may take (`epochs`); early stopping may end it sooner. */
  epochs: number;
  /** Mean cross-entropy over the training views (class weights applied), before the L2 term. */
  loss: number;
  /** Share of training views labelled right, in [0, 1]. */
  accuracy: number;
  /** Mean cross-entropy over the validation photos, or `null` without a validation set. */
  validationLoss: number | null;
  /** Share of validation photos labelled right, or `null` without a validation set. */
  validationAccuracy: number | null;
}

/** How a training run went: what `train()` resolves with, in `head.report`. */
export interface TrainReport {
  /** Epochs run. */
  epochs: number;
  /** The epoch whose weights were kept (the lowest validation loss; the last without validation). */
  bestEpoch: number;
  /** Whether early stopping ended the run before `epochs`. */
  stoppedEarly: boolean;
  /** Photos (not views) used for training and for validation. */
  photos: { training: number; validation: number };
  /** Training views, augmented ones included. */
  trainingViews: number;
  /** Share of training views the kept head labels right. */
  trainingAccuracy: number;
  /** Share of validation photos the kept head labels right, or `null` without validation photos. */
  validationAccuracy: number | null;
  /**
   * Validation photos counted by true label (rows) and predicted label (columns), both in the
   * order of `labels`; all zeros without validation photos.
   */
  confusion: number[][];
  /** One entry per epoch. */
  history: EpochProgress[];
  /** Milliseconds spent fitting (embedding the photos not included). */
  milliseconds: number;
}

/**
 * A trained classification head: a linear layer over a classifier's embeddings, then softmax.
 * `probabilities = softmax(weights · embedding + bias)`, with `weights` as `labels.length` rows of
 * `dimensions` values (the feature standardisation used in training is folded in). Plain data; the
 * way to keep it is the ONNX file `exportModel` writes (`JSON.stringify` turns typed arrays into
 * objects).
 */
export interface TrainedHead {
  format: 'onnx-mobilenet-head';
  version: 1;
  /** Class names, in output order. */
  labels: string[];
  /** Length of the embeddings the head reads (1280 for MobileNetV2). */
  dimensions: number;
  /** `labels.length × dimensions` values, row-major: the Gemm weight with `transB = 1`. */
  weights: Float32Array;
  /** `labels.length` values. */
  bias: Float32Array;
  report: TrainReport;
}

/**
 * The head's class probabilities for one embedding (raw, as `classifier.embed()` returns it), in
 * the order of `head.labels`: what the exported ONNX file computes after the base model.
 *
 * @example
 * ```ts
 * const probabilities = headProbabilities(head, await classifier.embed('photo.jpg'));
 * console.log(head.labels[probabilities.indexOf(Math.max(...probabilities))]);
 * ```
 */
export function headProbabilities(head: Pick<TrainedHead, 'weights' | 'bias' | 'dimensions'>, embedding: ArrayLike<number>): Float32Array {
  const { weights, bias, dimensions } = head;
  if (embedding.length !== dimensions) {
    throw new OnnxMobilenetError('E_INPUT', `the embedding has ${embedding.length} values; the head reads ${dimensions}`);
  }
  const scores = new Float64Array(bias.length);
  for (let c = 0; c < bias.length; c++) {
    let sum = bias[c]!;
    const row = c * dimensions;
    for (let d = 0; d < dimensions; d++) sum += weights[row + d]! * embedding[d]!;
    scores[c] = sum;
  }
  return softmaxOf(scores);
}

/** Softmax of scores, computed in float64 and returned as float32. */
export function softmaxOf(scores: Float64Array): Float32Array {
  let max = -Infinity;
  for (const s of scores) max = Math.max(max, s);
  let total = 0;
  const out = new Float64Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    out[i] = Math.exp(scores[i]! - max);
    total += out[i]!;
  }
  return Float32Array.from(out, (v) => v / total);
}
