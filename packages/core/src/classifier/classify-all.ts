import { workPool } from '../flow/work-pool.js';
import { assertPositiveInt, checkClassifyOptions } from '../options/classifier-options.js';
import { DEFAULTS } from '../options/defaults.js';
import { OnnxMobilenetError } from '../errors/errors.js';
import type { ClassifyOptions, Prediction } from '../predictions/postprocess.js';

/** Options of `classifyAll`: those of `classify`, and how many inputs are classified at once. */
export interface ClassifyAllOptions extends ClassifyOptions {
  /**
   * Inputs decoding or classifying at once (the classifier batches what is ready). The next input
   * is pulled from the source only when one of them completes. Default `DEFAULTS.classifyAllConcurrency` (16).
   */
  concurrency?: number | undefined;
}

/** One input's outcome from `classifyAll`: its predictions, or the error that input failed with. */
export type ClassifyAllResult<T> =
  | { /** Position of the input in the source, from 0. */ index: number; input: T; predictions: Prediction[]; error?: undefined }
  | { /** Position of the input in the source, from 0. */ index: number; input: T; error: unknown; predictions?: undefined };

/**
 * Classifies every input of a (possibly endless, possibly async) source with bounded concurrency,
 * yielding each result as it completes (completion order; `index` gives the source order).
 *
 * - Backpressure: at most `concurrency` inputs are pulled and not yet yielded, so memory stays
 *   flat whatever the count; a consumer that stops reading stops the pulling too.
 * - A failing input is yielded as `{ input, error }` and the stream goes on.
 * - Abort: once `signal` aborts, no input is pulled; the in-flight ones are cancelled (they get the
 *   signal), their settling is awaited, and the iterator then rejects with the signal's reason
 *   (the standard `AbortError`). Results not yet yielded are dropped whole.
 * - Leaving early (`break`, `return`) waits for the in-flight inputs to settle and closes the source.
 * - A source that throws rejects the iterator with that error, after the in-flight inputs settle.
 *
 * Adapters use it for classifiers of their own (a worker pool); apps call `classifier.classifyAll`.
 *
 * @example
 * ```ts
 * for await (const r of classifyAllWith((file, o) => pool.classify(file, o), files, { concurrency: 16 })) {
 *   console.log(r.input, r.error ?? r.predictions[0]?.label);
 * }
 * ```
 */
export async function* classifyAllWith<T>(
  classify: (input: T, options: ClassifyOptions) => Promise<Prediction[]>,
  inputs: Iterable<T> | AsyncIterable<T>,
  options?: ClassifyAllOptions,
): AsyncGenerator<ClassifyAllResult<T>, void, undefined> {
  // The caller's own properties only, read once (see ownOptions)
  const { concurrency = DEFAULTS.classifyAllConcurrency, ...classifyOptions } = checkClassifyOptions(options, 'classifyAll');
  assertPositiveInt('concurrency', concurrency);
  assertIterable(inputs);
  // Each input gets its own signal, aborted from the pool's one listener on the caller's (runtimes
  // warn past 10 listeners on one signal); a result the consumer holds keeps its slot until it
  // asks for the next, so a slow consumer stops the pulling.
  const pool = workPool(inputs, (input, { signal }) => classify(input, signal === classifyOptions.signal ? classifyOptions : { ...classifyOptions, signal }), {
    window: concurrency,
    signal: classifyOptions.signal,
    mode: 'collect',
  });
  try {
    for (let step = await pool.next(); !step.done; step = await pool.next()) {
      const { index, item: input, ...o } = step.value;
      yield o.ok ? { index, input, predictions: o.value } : { index, input, error: o.error };
    }
  } finally {
    // After an abort, a source error or `break`: the in-flight inputs settle, then the source is closed.
    await pool.return();
  }
}

function assertIterable<T>(inputs: Iterable<T> | AsyncIterable<T>): void {
  const ok =
    inputs != null &&
    (typeof (inputs as AsyncIterable<T>)[Symbol.asyncIterator] === 'function' ||
      (typeof (inputs as Iterable<T>)[Symbol.iterator] === 'function' && typeof inputs !== 'string'));
  if (!ok) throw new OnnxMobilenetError('E_INPUT', 'classifyAll needs an iterable or async iterable of inputs (an array, a generator, a stream)');
}
