import { OnnxMobilenetError } from '../errors/errors.js';

/**
 * Cosine similarity of two vectors of the same length, in [-1, 1] (0 when either is all zeros).
 *
 * @example
 * ```ts
 * cosineSimilarity(await classifier.embed('a.jpg'), await classifier.embed('b.jpg')); // 0.83
 * ```
 */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new OnnxMobilenetError('E_INPUT', `cannot compare vectors of lengths ${a.length} and ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!; // i < a.length === b.length
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** A neighbour found by {@link nearestNeighbors}. */
export interface Neighbor {
  /** Position in the searched set. */
  index: number;
  /** Cosine similarity to the query. */
  similarity: number;
}

/**
 * The `k` vectors of `set` most similar to `query` by cosine similarity, most similar first.
 *
 * @example
 * ```ts
 * const [best] = nearestNeighbors(await classifier.embed(photo), library, 1);
 * console.log(names[best.index], best.similarity);
 * ```
 */
export function nearestNeighbors(query: ArrayLike<number>, set: readonly ArrayLike<number>[], k = 1): Neighbor[] {
  return set
    .map((v, index) => ({ index, similarity: cosineSimilarity(query, v) }))
    .sort((x, y) => y.similarity - x.similarity || x.index - y.index)
    .slice(0, Math.max(0, k));
}

/** `v` scaled to unit length (a zero vector stays zero). */
export function l2Normalize(v: ArrayLike<number>): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! ** 2;
  const norm = Math.sqrt(sum) || 1;
  return Float32Array.from(v, (x) => x / norm);
}
