// Shared by the exported-head tests: a classifier's full probability vector and the largest
// difference between two of them.
import type { NodeClassifier, NodeImageSource, PreparedTensor } from '@onnx-mobilenet/node';

/** Probabilities of all classes, in output order, from the classifier's predictions. */
export async function probabilitiesOf(c: NodeClassifier, input: NodeImageSource | PreparedTensor): Promise<number[]> {
  const out = new Array<number>(c.labels.length).fill(Number.NaN);
  for (const p of await c.classify(input, { topK: c.labels.length })) out[p.index] = p.probability;
  return out;
}

/** The largest absolute difference between two equally long vectors (Infinity when the lengths differ or a value is NaN). */
export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let most = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    most = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(most, d);
  }
  return most;
}
