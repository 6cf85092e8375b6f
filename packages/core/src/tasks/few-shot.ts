import type { Classifier } from '../classifier/classifier.js';
import { DEFAULTS } from '../options/defaults.js';
import { OnnxMobilenetError } from '../errors/errors.js';
import type { PreparedTensor, RawImage } from '../image/image.js';
import { l2Normalize, nearestNeighbors } from '../predictions/similarity.js';
import { checkNumber, ownOptions } from '../options/own-options.js';

/** A label and how strongly the nearest examples point to it. */
export interface FewShotScore {
  label: string;
  /** Share of the k nearest examples' similarity that belongs to this label, in [0, 1]. */
  confidence: number;
  /** How many of the k nearest examples carry this label. */
  votes: number;
}

/** The answer of a few-shot classifier: the best label and every label's confidence, best first. */
export interface FewShotPrediction {
  label: string;
  confidence: number;
  scores: FewShotScore[];
}

/** The portable form of a few-shot classifier (`toJSON()`), the same in Node and browsers. */
export interface FewShotJSON {
  format: 'onnx-mobilenet-few-shot';
  version: 1;
  /** Length of each embedding. */
  dimensions: number;
  /** Examples: a label and its L2-normalised embedding as base64 little-endian float32. */
  examples: { label: string; embedding: string }[];
}

/** Classes taught by example, on top of a classifier's embeddings (cosine k-nearest neighbours). */
export interface FewShotClassifier<TInput> {
  /** Embeds `input` and keeps it as an example of `label`. */
  add(input: TInput | RawImage | PreparedTensor, label: string): Promise<void>;
  /** Keeps a precomputed embedding as an example of `label`. */
  addEmbedding(embedding: ArrayLike<number>, label: string): void;
  /** Labels `input` by its `k` nearest examples (default 3). */
  predict(input: TInput | RawImage | PreparedTensor, options?: { k?: number | undefined }): Promise<FewShotPrediction>;
  /** Labels an embedding already computed (by `classifier.infer`, say) by its `k` nearest examples. */
  predictEmbedding(embedding: ArrayLike<number>, options?: { k?: number | undefined }): FewShotPrediction;
  /** Forgets every example of `label`. */
  remove(label: string): void;
  /** Forgets every example. */
  clear(): void;
  /** The labels taught so far, with their example counts, in the order they were first taught. */
  labels(): Map<string, number>;
  toJSON(): FewShotJSON;
}

function toBase64(v: Float32Array): string {
  const bytes = new Uint8Array(v.length * 4);
  const view = new DataView(bytes.buffer);
  v.forEach((x, i) => {
    view.setFloat32(i * 4, x, true);
  });
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: unknown, where: string): Float32Array {
  let s: string;
  try {
    if (typeof text !== 'string') throw new Error(`expected a string, got ${typeof text}`);
    s = atob(text);
  } catch (err) {
    throw new OnnxMobilenetError('E_INPUT', `${where}: the embedding is not base64 text (${(err as Error).message})`);
  }
  if (s.length % 4 !== 0) throw new OnnxMobilenetError('E_INPUT', `${where}: the embedding has ${s.length} bytes, not a whole number of float32 values`);
  const view = new DataView(new ArrayBuffer(s.length));
  for (let i = 0; i < s.length; i++) view.setUint8(i, s.charCodeAt(i));
  return Float32Array.from({ length: s.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

/** Throws `E_INPUT` unless every value is a finite number: a NaN would make every confidence NaN. */
function assertFinite(embedding: ArrayLike<number>, where: string): void {
  for (let i = 0; i < embedding.length; i++) {
    if (!Number.isFinite(embedding[i]))
      throw new OnnxMobilenetError('E_INPUT', `${where}: value ${i} is ${String(embedding[i])}; embeddings must be finite numbers`);
  }
}

/** The examples of a saved few-shot classifier, each checked: labels are strings, embeddings finite and of the stated length. */
export function examplesFromJSON(json: FewShotJSON): { label: string; embedding: Float32Array }[] {
  if (json?.format !== 'onnx-mobilenet-few-shot' || json.version !== 1 || !Array.isArray(json.examples)) {
    throw new OnnxMobilenetError('E_INPUT', 'not a few-shot classifier saved by toJSON() (format onnx-mobilenet-few-shot, version 1)');
  }
  return json.examples.map((e: unknown, i) => {
    const where = `saved few-shot example ${i}`;
    const { label, embedding } = (e ?? {}) as { label?: unknown; embedding?: unknown };
    if (typeof label !== 'string' || label === '') throw new OnnxMobilenetError('E_INPUT', `${where}: the label must be a non-empty string`);
    const values = fromBase64(embedding, where);
    if (values.length !== json.dimensions) {
      throw new OnnxMobilenetError('E_INPUT', `${where}: the embedding has ${values.length} values, the file states ${String(json.dimensions)}`);
    }
    assertFinite(values, where);
    return { label, embedding: values };
  });
}

/**
 * A few-shot classifier: teach it labels from a few example images each, then label new images by
 * their nearest examples (cosine similarity of the classifier's embeddings, k-nearest neighbours).
 * `toJSON()`/`json` round-trip between Node and browsers.
 *
 * @example
 * ```ts
 * const fewShot = createFewShotClassifier(classifier);
 * await fewShot.add('mug-1.jpg', 'mug');
 * await fewShot.add('plant-1.jpg', 'plant');
 * const { label, confidence } = await fewShot.predict('photo.jpg');
 * ```
 */
export function createFewShotClassifier<TInput>(classifier: Pick<Classifier<TInput>, 'embed'>, json?: FewShotJSON): FewShotClassifier<TInput> {
  let examples = json === undefined ? [] : examplesFromJSON(json);
  const checkLabel = (label: unknown) => {
    if (typeof label !== 'string' || label === '') throw new OnnxMobilenetError('E_INPUT', 'a few-shot label must be a non-empty string');
  };
  const addEmbedding = (embedding: ArrayLike<number>, label: string) => {
    checkLabel(label);
    const first = examples[0];
    if (first && embedding.length !== first.embedding.length) {
      throw new OnnxMobilenetError('E_INPUT', `embedding has ${embedding.length} values, the examples have ${first.embedding.length}`);
    }
    assertFinite(embedding, `the embedding of "${label}"`);
    examples.push({ label, embedding: l2Normalize(embedding) });
  };
  return {
    async add(input, label) {
      checkLabel(label);
      addEmbedding(await classifier.embed(input), label);
    },
    addEmbedding,
    async predict(input, options) {
      return this.predictEmbedding(await classifier.embed(input), options);
    },
    predictEmbedding(embedding, given) {
      const first = examples[0];
      if (!first) throw new OnnxMobilenetError('E_INPUT', 'the few-shot classifier has no examples yet: add() some first');
      const k = ownOptions(given, { k: 'number' }, 'predict options').k ?? DEFAULTS.fewShot.k;
      checkNumber('k', k);
      if (embedding.length !== first.embedding.length) {
        throw new OnnxMobilenetError('E_INPUT', `embedding has ${embedding.length} values, the examples have ${first.embedding.length}`);
      }
      assertFinite(embedding, 'the query embedding');
      const query = l2Normalize(embedding);
      const neighbours = nearestNeighbors(
        query,
        examples.map((e) => e.embedding),
        k,
      );
      const by = new Map<string, { weight: number; votes: number }>();
      for (const n of neighbours) {
        const label = examples[n.index]!.label; // n.index is a position in examples
        const entry = by.get(label) ?? { weight: 0, votes: 0 };
        entry.weight += Math.max(n.similarity, 0);
        entry.votes++;
        by.set(label, entry);
      }
      const total = [...by.values()].reduce((a, e) => a + e.weight, 0) || 1;
      const scores = [...by.entries()]
        .map(([label, e]) => ({ label, confidence: e.weight / total, votes: e.votes }))
        .sort((a, b) => b.confidence - a.confidence);
      const top = scores[0]!; // k ≥ 1 and examples is not empty: at least one neighbour voted
      return { label: top.label, confidence: top.confidence, scores };
    },
    remove(label) {
      examples = examples.filter((e) => e.label !== label);
    },
    clear() {
      examples = [];
    },
    labels() {
      // A Map: labels such as "__proto__" or "constructor" are data, not object keys.
      const counts = new Map<string, number>();
      for (const e of examples) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
      return counts;
    },
    toJSON() {
      return {
        format: 'onnx-mobilenet-few-shot',
        version: 1,
        dimensions: examples[0]?.embedding.length ?? 0,
        examples: examples.map((e) => ({ label: e.label, embedding: toBase64(e.embedding) })),
      };
    },
  };
}
