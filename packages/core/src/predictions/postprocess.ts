import { OnnxMobilenetError } from '../errors/errors.js';
import type { ClassLabel } from './labels.js';

/** A class the model predicts, best first in every result. */
export interface Prediction {
  /** Position in the model's output. */
  index: number;
  /** WordNet id (`n01440764`) or, for plain label lists, the label. */
  id: string;
  /** Human-readable class name (`tench`). */
  label: string;
  /** Softmax probability over all classes, in [0, 1]. */
  probability: number;
}

/** A class named by output index, id (wnid) or label. */
export type ClassSelector = number | string;

/** Options of `classify`. */
export interface ClassifyOptions {
  /** How many classes to return, best first. Default `DEFAULTS.topK` (5). */
  topK?: number | undefined;
  /** Drop classes whose probability is below this (0..1). */
  threshold?: number | undefined;
  /** Only these classes may be returned (by index, id or label). */
  allow?: readonly ClassSelector[] | undefined;
  /** These classes are never returned (by index, id or label). */
  deny?: readonly ClassSelector[] | undefined;
  /** Cancels the call while it waits for decoding or for the session. */
  signal?: AbortSignal | undefined;
}

/**
 * Numerically stable softmax: subtracts the maximum before exponentiating, so large logits do
 * not overflow. Reads `count` values of `logits` from `offset`. A score of `-Infinity` gets
 * probability 0; a `NaN` or `+Infinity` score, or all scores `-Infinity`, has no probabilities
 * (one NaN made every probability NaN, which passed any threshold): `E_INFERENCE` naming the class.
 *
 * @example
 * ```ts
 * softmax(new Float32Array([1, 2, 3])); // ≈ [0.090, 0.245, 0.665]
 * ```
 */
export function softmax(logits: ArrayLike<number>, offset = 0, count = logits.length - offset): Float32Array {
  // The caller's window [offset, offset + count) lies inside logits; out has count entries.
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = logits[offset + i]!;
    if (Number.isNaN(v) || v === Infinity) {
      throw new OnnxMobilenetError('E_INFERENCE', `the model's score for class ${i} is ${v}: the model or its input produced a score without a probability`);
    }
    if (v > max) max = v;
  }
  if (max === -Infinity && count > 0)
    throw new OnnxMobilenetError('E_INFERENCE', `the model scored all ${count} classes -Infinity: no class has a probability`);
  const out = new Float32Array(count);
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const e = Math.exp(logits[offset + i]! - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < count; i++) out[i]! /= sum;
  return out;
}

/**
 * Indices of the `k` largest scores, largest first, without sorting the whole array (one pass
 * keeping a small sorted list). `include` may exclude indices. Ties keep the lower index first.
 *
 * @example
 * ```ts
 * topK(new Float32Array([0.1, 0.5, 0.2, 0.9]), 2); // [3, 1]
 * ```
 */
export function topK(scores: ArrayLike<number>, k: number, include?: (index: number) => boolean): number[] {
  const best: number[] = [];
  if (k <= 0) return best;
  // In range: i < scores.length, best holds indices of scores, and j - 1 < best.length.
  for (let i = 0; i < scores.length; i++) {
    if (include && !include(i)) continue;
    const s = scores[i]!;
    if (best.length === k && s <= scores[best[k - 1]!]!) continue;
    let j = best.length === k ? k - 1 : best.length;
    while (j > 0 && scores[best[j - 1]!]! < s) {
      best[j] = best[j - 1]!;
      j--;
    }
    best[j] = i;
  }
  return best;
}

/**
 * Turns selectors (index, id or label, case-insensitive for names) into a set of output indices.
 * An unknown selector is an `E_INPUT` error, so a typo never silently filters everything.
 *
 * @example
 * ```ts
 * selectClasses(labels, [0, 'n01443537', 'great white shark']); // Set {0, 1, 2}
 * ```
 */
export function selectClasses(labels: readonly ClassLabel[], selectors: readonly ClassSelector[]): Set<number> {
  const set = new Set<number>();
  for (const sel of selectors) {
    const matches = matchClass(labels, sel);
    if (matches.length === 0) {
      throw new OnnxMobilenetError(
        'E_INPUT',
        `unknown class ${JSON.stringify(sel)}: give an output index (0-${labels.length - 1}), a class id such as ${JSON.stringify(labels[0]?.id)}, or a label`,
      );
    }
    for (const i of matches) set.add(i);
  }
  return set;
}

function matchClass(labels: readonly ClassLabel[], sel: ClassSelector): number[] {
  if (typeof sel === 'number') return Number.isInteger(sel) && sel >= 0 && sel < labels.length ? [sel] : [];
  if (typeof sel !== 'string') return [];
  const s = sel.toLowerCase();
  return labels.filter((l) => l.id.toLowerCase() === s || l.label.toLowerCase() === s).map((l) => l.index);
}

/**
 * Builds the predictions of one image from its logits: softmax, optional allow/deny filter,
 * top-k, threshold.
 *
 * @example
 * ```ts
 * const preds = predictionsFromLogits(logits, labels, { topK: 3, deny: ['tench'] });
 * ```
 */
export function predictionsFromLogits(
  logits: ArrayLike<number>,
  labels: readonly ClassLabel[],
  options: ClassifyOptions & { topK: number },
  offset = 0,
): Prediction[] {
  return predictionsFromProbabilities(softmax(logits, offset, labels.length), labels, options);
}

/**
 * Builds predictions from probabilities (one per label, as `softmax` gives them, or averaged over
 * video frames): optional allow/deny filter, top-k, threshold.
 *
 * @example
 * ```ts
 * const preds = predictionsFromProbabilities(smoothed, labels, { topK: 1, threshold: 0.5 });
 * ```
 */
export function predictionsFromProbabilities(
  probs: ArrayLike<number>,
  labels: readonly ClassLabel[],
  options: ClassifyOptions & { topK: number },
): Prediction[] {
  const allow = options.allow ? selectClasses(labels, options.allow) : undefined;
  const deny = options.deny ? selectClasses(labels, options.deny) : undefined;
  const include = allow || deny ? (i: number) => (!allow || allow.has(i)) && !deny?.has(i) : undefined;
  const threshold = options.threshold ?? 0;
  const out: Prediction[] = [];
  for (const i of topK(probs, options.topK, include)) {
    const probability = probs[i]!; // topK returns indices of probs, which has labels.length entries
    if (probability < threshold) break;
    const l = labels[i]!;
    out.push({ index: i, id: l.id, label: l.label, probability });
  }
  return out;
}
