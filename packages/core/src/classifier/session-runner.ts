import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { RuntimeSession } from '../backend.js';
import { describeError, isOnnxMobilenetError, OnnxMobilenetError } from '../errors/errors.js';
import { withoutPrototype } from '../options/own-options.js';

/** The smallest positive float32 (a subnormal): its log, about -103.3, stands for a probability of 0. */
const MIN_FLOAT32 = 2 ** -149;

/** One image of a batch: what writes its model input into the batch, and whether its call needs the embedding output. */
export interface RunItem {
  /** Writes the image's `3 × size × size` input values into `out` at `offset`. */
  write(out: Float32Array, offset: number): void;
  embedding: boolean;
}

/** What one session run yields per image; `embedding` only where the batch fetched it. */
export interface RunOutput {
  logits: Float32Array;
  embedding?: Float32Array | undefined;
}

/** Names and sizes the runner needs to feed the session and read its outputs. */
export interface RunnerShape {
  inputName: string;
  outputName: string;
  /** The embedding output's name, when the model has one. */
  embeddingName?: string | undefined;
  cropSize: number;
  classes: number;
  /** `'probabilities'` for a graph that ends in a Softmax: its scores become log-probabilities, logits that softmax maps back to them. */
  scores?: 'logits' | 'probabilities' | undefined;
}

/**
 * The session runner: writes a batch into one NCHW tensor, runs the session asking only for the
 * outputs the batch needs (the 1280-value embedding only when one of its calls wants it), unpacks
 * per image and disposes every tensor. A runtime failure is `E_INFERENCE`.
 */
export async function runBatch(
  runtime: RuntimeSession,
  shape: RunnerShape,
  items: readonly RunItem[],
  data = new Float32Array(3 * shape.cropSize * shape.cropSize * items.length),
): Promise<RunOutput[]> {
  const { cropSize: size, classes } = shape;
  const per = 3 * size * size;
  items.forEach((x, i) => {
    x.write(data, i * per);
  });
  const embeddingName = shape.embeddingName && items.some((x) => x.embedding) ? shape.embeddingName : undefined;
  const feed: Tensor = runtime.createTensor(data, [items.length, 3, size, size]);
  const outputs: Tensor[] = [];
  try {
    // Feeds and run options without a prototype: onnxruntime reads run options nobody set (tag,
    // terminate, logSeverityLevel) and would find them on a polluted Object.prototype.
    const feeds = withoutPrototype<Record<string, Tensor>>({ [shape.inputName]: feed });
    const fetches = embeddingName ? [shape.outputName, embeddingName] : [shape.outputName];
    const result = await runtime.session.run(feeds, fetches, withoutPrototype<InferenceSession.RunOptions>());
    const out = outputOf(result, shape.outputName);
    const pooled = embeddingName ? outputOf(result, embeddingName) : undefined;
    outputs.push(out, ...(pooled ? [pooled] : []));
    const scores = (await out.getData()) as Float32Array;
    if (scores.length !== classes * items.length) {
      throw new OnnxMobilenetError('E_MODEL_SHAPE', `the model returned ${scores.length} scores for ${items.length} images; expected ${classes} per image`);
    }
    const features = pooled ? ((await pooled.getData()) as Float32Array) : undefined;
    const width = features ? features.length / items.length : 0;
    // A probability that underflowed to 0 becomes float32's smallest, not -Infinity (JSON's null).
    if (shape.scores === 'probabilities') for (let i = 0; i < scores.length; i++) scores[i] = Math.log(Math.max(scores[i]!, MIN_FLOAT32));
    return items.map((_, i) => ({
      logits: scores.slice(i * classes, (i + 1) * classes),
      embedding: features?.slice(i * width, (i + 1) * width),
    }));
  } catch (err) {
    if (isOnnxMobilenetError(err)) throw err;
    throw new OnnxMobilenetError('E_INFERENCE', `onnxruntime failed to run the model: ${describeError(err)}`, { cause: err });
  } finally {
    feed.dispose?.();
    for (const o of outputs) o?.dispose?.();
  }
}

/** The runner of one session: `run` as the batch scheduler calls it; `release` once no run follows. */
export interface SessionRunner {
  run(items: RunItem[]): Promise<RunOutput[]>;
  /** Drops the input buffer kept between runs (its size is the largest batch run so far). */
  release(): void;
}

/** The runner of one session, as the batch scheduler calls it. */
export function sessionRunner(runtime: RuntimeSession, shape: RunnerShape): SessionRunner {
  // One input buffer for all runs (they never overlap): a new one per batch (4.8 MB at batch 8)
  // made V8 collect garbage every few batches, on the thread that runs onnxruntime-node.
  let buffer: Float32Array<ArrayBuffer> | undefined;
  return {
    run: (items) => {
      const length = 3 * shape.cropSize * shape.cropSize * items.length;
      // A buffer a runtime transferred away (onnxruntime-web's proxy worker does) reads as empty.
      if (!buffer || buffer.length < length) buffer = new Float32Array(length);
      return runBatch(runtime, shape, items, buffer.subarray(0, length));
    },
    release: () => {
      buffer = undefined;
    },
  };
}

/** The named output of a run; a runtime that leaves out a requested output is `E_INFERENCE`. */
function outputOf(result: Record<string, Tensor | undefined>, name: string): Tensor {
  const tensor = result[name];
  if (!tensor) throw new OnnxMobilenetError('E_INFERENCE', `onnxruntime returned no output named ${name}`);
  return tensor;
}
