import { throwIfAborted } from '../flow/abortable.js';
import { assertPositiveInt, checkClassifyOptions } from '../options/classifier-options.js';
import { DEFAULTS } from '../options/defaults.js';
import { OnnxMobilenetError } from '../errors/errors.js';
import type { ClassifyOptions, Prediction } from '../predictions/postprocess.js';

/** Options of `classifyAll`: those of `classify`, and how many inputs are classified at once. */
export interface ClassifyAllOptions extends ClassifyOptions {
  /**
   * Inputs decoding or classifying at once (the classifier batches what is ready). The next input
   * is pulled from the source only when one of them completes. Default `DEFAULTS.cliInFlight` (16).
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
  const { concurrency = DEFAULTS.cliInFlight, ...classifyOptions } = checkClassifyOptions(options, 'classifyAll');
  assertPositiveInt('concurrency', concurrency);
  const source = sourceIterator(inputs);
  const { signal } = classifyOptions;
  const running = new Map<number, Promise<ClassifyAllResult<T>>>();
  // Each input gets its own signal, aborted from one listener on the caller's: the caller's signal
  // keeps one listener however many inputs are in flight (runtimes warn past 10 on one signal).
  const cancels = new Map<number, AbortController>();
  const cancelAll = () => {
    for (const c of cancels.values()) c.abort(signal?.reason);
  };
  signal?.addEventListener('abort', cancelAll, { once: true });
  let exhausted = false;
  let next = 0;
  // A pull the source has not answered yet is raced with the running inputs: a finished result is
  // handed out without waiting for a slow source (or one that yields more only once it has a result).
  let pulling: Promise<IteratorResult<T>> | undefined;
  try {
    for (;;) {
      while (!exhausted && running.size < concurrency && !signal?.aborted) {
        pulling ??= Promise.resolve(source.next());
        if (running.size > 0 && !(await Promise.race([pulling.then(() => true), Promise.race(running.values()).then(() => false)]))) break;
        const step = await pulling;
        pulling = undefined;
        if (step.done) {
          exhausted = true;
          break;
        }
        const index = next++;
        const input = step.value;
        const cancel = signal ? new AbortController() : undefined;
        if (cancel) cancels.set(index, cancel);
        const run = (async () => classify(input, cancel ? { ...classifyOptions, signal: cancel.signal } : classifyOptions))();
        running.set(
          index,
          run.then(
            (predictions): ClassifyAllResult<T> => ({ index, input, predictions }),
            (error: unknown): ClassifyAllResult<T> => ({ index, input, error }),
          ),
        );
      }
      throwIfAborted(signal);
      if (running.size === 0) return;
      const result = await Promise.race(running.values());
      running.delete(result.index);
      cancels.delete(result.index);
      throwIfAborted(signal); // a result that completed as the signal aborted is dropped with the rest
      yield result;
    }
  } finally {
    // Every promise in `running` resolves (failures are caught above), so this cannot hang on one.
    await Promise.all(running.values());
    signal?.removeEventListener('abort', cancelAll);
    // a pull still waiting is not waited for: the source is closed once it answers
    if (!exhausted && pulling) void pulling.then(() => source.return?.()).catch(() => undefined);
    else if (!exhausted) await source.return?.();
  }
}

function sourceIterator<T>(inputs: Iterable<T> | AsyncIterable<T>): Iterator<T> | AsyncIterator<T> {
  if (inputs != null && typeof (inputs as AsyncIterable<T>)[Symbol.asyncIterator] === 'function') return (inputs as AsyncIterable<T>)[Symbol.asyncIterator]();
  if (inputs != null && typeof (inputs as Iterable<T>)[Symbol.iterator] === 'function' && typeof inputs !== 'string')
    return (inputs as Iterable<T>)[Symbol.iterator]();
  throw new OnnxMobilenetError('E_INPUT', 'classifyAll needs an iterable or async iterable of inputs (an array, a generator, a stream)');
}
