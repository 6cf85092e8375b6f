import { OnnxMobilenetError } from '../errors/errors.js';
import { throwIfAborted } from '../flow/abortable.js';
import type { EpochProgress } from './head.js';
import { shuffle } from './seeded-random.js';

/** Labelled feature vectors: `features[i]` belongs to class `classes[i]` with loss weight `weights[i]`. */
export interface LabelledSet {
  features: readonly ArrayLike<number>[];
  classes: readonly number[];
  weights?: readonly number[] | undefined;
}

/** How {@link fitSoftmaxRegression} fits. */
export interface FitOptions {
  classCount: number;
  epochs: number;
  learningRate: number;
  batchSize: number;
  l2: number;
  /** Epochs without a lower validation loss before stopping (only with a validation set). */
  patience: number;
  random: () => number;
  onEpoch?: ((progress: EpochProgress) => void) | undefined;
  signal?: AbortSignal | undefined;
  /** Awaited between epochs: lets a page paint and an abort arrive. */
  pause: () => Promise<void>;
}

/** A fitted linear layer over raw features: `weights` is `classCount × dimensions`, row-major. */
export interface FittedLayer {
  weights: Float32Array;
  bias: Float32Array;
  history: EpochProgress[];
  bestEpoch: number;
  stoppedEarly: boolean;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/**
 * Per-dimension mean and 1 / standard deviation of the training features. A standard deviation is
 * floored at a thousandth of the median one (and 1e-6): a near-constant dimension would otherwise
 * get a huge folded weight that float32 cannot carry.
 */
function standardisation(features: readonly ArrayLike<number>[], dimensions: number): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(dimensions);
  const std = new Float64Array(dimensions);
  for (const f of features) for (let d = 0; d < dimensions; d++) mean[d]! += f[d]!;
  for (let d = 0; d < dimensions; d++) mean[d]! /= features.length;
  for (const f of features) for (let d = 0; d < dimensions; d++) std[d]! += (f[d]! - mean[d]!) ** 2;
  for (let d = 0; d < dimensions; d++) std[d] = Math.sqrt(std[d]! / features.length);
  const median = Float64Array.from(std).sort()[Math.floor(dimensions / 2)]!;
  const floor = Math.max(1e-6, median * 1e-3);
  return { mean, scale: std.map((v) => 1 / Math.max(v, floor)) };
}

/** The features standardised, one flat row per example. */
function standardised(features: readonly ArrayLike<number>[], dimensions: number, mean: Float64Array, scale: Float64Array): Float32Array {
  const out = new Float32Array(features.length * dimensions);
  features.forEach((f, i) => {
    for (let d = 0; d < dimensions; d++) out[i * dimensions + d] = (f[d]! - mean[d]!) * scale[d]!;
  });
  return out;
}

/** Softmax probabilities of row `i` of `z` under `w`, `b`, written to `p`. */
function forward(z: Float32Array, i: number, dimensions: number, w: Float64Array, b: Float64Array, p: Float64Array): void {
  const row = i * dimensions;
  let max = -Infinity;
  for (let c = 0; c < b.length; c++) {
    let s = b[c]!;
    const wr = c * dimensions;
    for (let d = 0; d < dimensions; d++) s += w[wr + d]! * z[row + d]!;
    p[c] = s;
    if (s > max) max = s;
  }
  let total = 0;
  for (let c = 0; c < b.length; c++) {
    p[c] = Math.exp(p[c]! - max);
    total += p[c]!;
  }
  for (let c = 0; c < b.length; c++) p[c]! /= total;
}

const argmax = (p: Float64Array): number => p.reduce((best, v, i) => (v > p[best]! ? i : best), 0);

/** Cross-entropy (weighted as in training) and accuracy of `w`, `b` over a standardised set. */
function evaluateSet(
  z: Float32Array,
  set: LabelledSet,
  dimensions: number,
  w: Float64Array,
  b: Float64Array,
): { loss: number; accuracy: number; predicted: number[] } {
  const p = new Float64Array(b.length);
  let loss = 0;
  let weights = 0;
  let right = 0;
  const predicted = set.classes.map((y, i) => {
    forward(z, i, dimensions, w, b, p);
    const weight = set.weights?.[i] ?? 1;
    loss -= weight * Math.log(Math.max(p[y]!, 1e-12));
    weights += weight;
    const top = argmax(p);
    if (top === y) right++;
    return top;
  });
  return { loss: loss / Math.max(weights, 1e-12), accuracy: right / Math.max(set.classes.length, 1), predicted };
}

/**
 * Fits multinomial logistic regression (a linear layer and softmax) with Adam on mini-batches of
 * standardised features, weighted cross-entropy and L2 on the weights. With a validation set it
 * keeps the weights of the epoch with the lowest validation loss and stops after `patience`
 * epochs without a new low. The standardisation is folded into the returned weights, so they read
 * raw features. Deterministic for a given `random`.
 */
export async function fitSoftmaxRegression(
  train: LabelledSet,
  validation: LabelledSet | undefined,
  options: FitOptions,
): Promise<FittedLayer & { validationPredicted: number[]; trainingAccuracy: number }> {
  const { classCount: C, epochs, learningRate, batchSize, l2, patience, random, onEpoch, signal, pause } = options;
  const dimensions = train.features[0]!.length;
  const { mean, scale } = standardisation(train.features, dimensions);
  const z = standardised(train.features, dimensions, mean, scale);
  const zVal = validation && validation.features.length > 0 ? standardised(validation.features, dimensions, mean, scale) : undefined;
  const sampleWeights = train.weights ?? train.classes.map(() => 1);

  const w = new Float64Array(C * dimensions);
  const b = new Float64Array(C);
  const [mw, vw, mb, vb] = [new Float64Array(w.length), new Float64Array(w.length), new Float64Array(C), new Float64Array(C)];
  const gw = new Float64Array(w.length);
  const gb = new Float64Array(C);
  const p = new Float64Array(C);
  let best = { w: w.slice(), b: b.slice(), epoch: 0, loss: Infinity };
  const history: EpochProgress[] = [];
  const order = train.classes.map((_, i) => i);
  let step = 0;
  let stoppedEarly = false;

  for (let epoch = 1; epoch <= epochs; epoch++) {
    throwIfAborted(signal);
    shuffle(order, random);
    let loss = 0;
    let right = 0;
    let weightSum = 0;
    for (let start = 0; start < order.length; start += batchSize) {
      const batch = order.slice(start, start + batchSize);
      gw.fill(0);
      gb.fill(0);
      let batchWeight = 0;
      for (const i of batch) {
        const y = train.classes[i]!;
        const sw = sampleWeights[i]!;
        forward(z, i, dimensions, w, b, p);
        loss -= sw * Math.log(Math.max(p[y]!, 1e-12));
        if (argmax(p) === y) right++;
        batchWeight += sw;
        const row = i * dimensions;
        for (let c = 0; c < C; c++) {
          const g = sw * (p[c]! - (c === y ? 1 : 0));
          if (g === 0) continue;
          gb[c]! += g;
          const wr = c * dimensions;
          for (let d = 0; d < dimensions; d++) gw[wr + d]! += g * z[row + d]!;
        }
      }
      weightSum += batchWeight;
      step++;
      const c1 = 1 - BETA1 ** step;
      const c2 = 1 - BETA2 ** step;
      const norm = batchWeight > 0 ? 1 / batchWeight : 0;
      for (let k = 0; k < w.length; k++) {
        const g = gw[k]! * norm + l2 * w[k]!;
        mw[k] = BETA1 * mw[k]! + (1 - BETA1) * g;
        vw[k] = BETA2 * vw[k]! + (1 - BETA2) * g * g;
        w[k]! -= (learningRate * (mw[k]! / c1)) / (Math.sqrt(vw[k]! / c2) + EPSILON);
      }
      for (let c = 0; c < C; c++) {
        const g = gb[c]! * norm;
        mb[c] = BETA1 * mb[c]! + (1 - BETA1) * g;
        vb[c] = BETA2 * vb[c]! + (1 - BETA2) * g * g;
        b[c]! -= (learningRate * (mb[c]! / c1)) / (Math.sqrt(vb[c]! / c2) + EPSILON);
      }
    }
    if (!Number.isFinite(loss)) {
      throw new OnnxMobilenetError('E_INPUT', `training diverged: the loss is ${loss} at epoch ${epoch}; lower learningRate (it is ${learningRate})`);
    }
    const val = zVal ? evaluateSet(zVal, validation!, dimensions, w, b) : undefined;
    const progress: EpochProgress = {
      epoch,
      epochs,
      loss: loss / Math.max(weightSum, 1e-12),
      accuracy: right / order.length,
      validationLoss: val ? val.loss : null,
      validationAccuracy: val ? val.accuracy : null,
    };
    history.push(progress);
    const monitored = val ? val.loss : progress.loss;
    if (!val || monitored < best.loss) best = { w: w.slice(), b: b.slice(), epoch, loss: monitored };
    onEpoch?.(progress);
    if (val && epoch - best.epoch >= patience) {
      stoppedEarly = epoch < epochs;
      break;
    }
    await pause();
  }

  const trainingAccuracy = evaluateSet(z, train, dimensions, best.w, best.b).accuracy;
  const validationPredicted = zVal ? evaluateSet(zVal, validation!, dimensions, best.w, best.b).predicted : [];
  // Fold the standardisation in: w·((x - mean) * scale) + b = (w * scale)·x + (b - Σ w * scale * mean).
  const weights = new Float32Array(C * dimensions);
  const bias = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    let shift = best.b[c]!;
    for (let d = 0; d < dimensions; d++) {
      const folded = best.w[c * dimensions + d]! * scale[d]!;
      weights[c * dimensions + d] = folded;
      shift -= folded * mean[d]!;
    }
    bias[c] = shift;
  }
  return { weights, bias, history, bestEpoch: best.epoch, stoppedEarly, validationPredicted, trainingAccuracy };
}
