import { availableParallelism } from 'node:os';
import { ADAPTER_OPTION_KINDS, abortable, checkNumber, classifyAllWith, type OptionShape, ownOptions } from '@onnx-mobilenet/core/adapter';
import { type ClassifyAllOptions, type ClassifyAllResult, DEFAULTS, OnnxMobilenetError, type Prediction } from '@onnx-mobilenet/node';
import { Piscina } from 'piscina';
import type { PoolClassifierOptions, PoolResult, PoolTask, PoolWorkerData } from './pool-protocol.js';
import { bestWorkers } from './scaling-model.js';

export type { PoolClassifierOptions } from './pool-protocol.js';

/**
 * Worker threads a pool starts by default on `cores` cores: the fewest whose throughput the scaling
 * model ({@link bestWorkers}, from the stage costs `pnpm bench:node` measured, `STAGE_COSTS`)
 * predicts within 5% of the best: 1 up to 6 cores, 3 on 8, 5 on 16, 9 on 32, 17 on 64.
 * A session's intra-op threads cost more CPU per photo the more there are, and each worker's runs
 * go one at a time on its own JS thread between its normalising, so more cores want more workers.
 * Decodes run on libuv's pool (4 threads unless `UV_THREADPOOL_SIZE` is set when Node starts),
 * which caps every worker count alike from about 8-16 cores. See docs/guides/performance.md (Scaling with cores).
 *
 * @example
 * ```ts
 * defaultWorkers(2); // 1
 * defaultWorkers(); // for this machine's cores
 * ```
 */
export function defaultWorkers(cores: number = availableParallelism()): number {
  return bestWorkers(cores);
}

/** How each option of {@link createClassifierPool} is read: as createClassifier reads them, and `workers`. */
const POOL_OPTION_KINDS = { ...ADAPTER_OPTION_KINDS, workers: 'number' } as const satisfies OptionShape;

/** Several classifiers in worker threads (piscina), each with its share of the cores' intra-op threads. */
export interface ClassifierPool {
  readonly workers: number;
  /** Threads of each worker's session. */
  readonly threadsPerWorker: number;
  /** Classifies one image file in a free worker. An abort stops the waiting; the task itself runs to its end (ending a thread inside onnxruntime-node aborts the process). */
  classify(file: string, options?: { topK?: number | undefined; signal?: AbortSignal | undefined }): Promise<Prediction[]>;
  /** As `Classifier.classifyAll`, spread over the workers (`concurrency` defaults to 8 per worker). */
  classifyAll<T extends string>(inputs: Iterable<T> | AsyncIterable<T>, options?: ClassifyAllOptions): AsyncGenerator<ClassifyAllResult<T>, void, undefined>;
  /** Stops the workers. */
  destroy(): Promise<void>;
}

/**
 * Starts `workers` worker threads (default {@link defaultWorkers}), each loading the model with
 * `threads` intra-op threads (default: the cores shared out). Resolves once a worker has loaded the
 * model (a load failure rejects here, and the download is then cached for the others).
 *
 * @example
 * ```ts
 * import { createClassifierPool } from '@onnx-mobilenet/cli';
 * const pool = await createClassifierPool({ model: 'mobilenetv2-12-int8', workers: 4 });
 * for await (const r of pool.classifyAll(files)) console.log(r.input, r.predictions?.[0]?.label);
 * await pool.destroy();
 * ```
 */
export async function createClassifierPool(options: PoolClassifierOptions & { workers?: number | undefined } = {}): Promise<ClassifierPool> {
  // The caller's own properties only (a polluted Object.prototype.workers is not read), checked as
  // createClassifier checks them; workerData is structured-cloned, which keeps no prototype anyway.
  const { workers = defaultWorkers(), ...classifierOptions } = ownOptions(options, POOL_OPTION_KINDS, 'createClassifierPool options');
  checkNumber('workers', workers, { max: DEFAULTS.maxThreads });
  const threadsPerWorker = classifierOptions.threads ?? Math.max(1, Math.floor(availableParallelism() / workers));
  const perWorker = classifierOptions.batchSize ?? DEFAULTS.batchSize;
  const pool = new Piscina<PoolTask, PoolResult>({
    filename: new URL('./pool-worker.js', import.meta.url).href,
    minThreads: workers,
    maxThreads: workers,
    // a worker takes a batch's worth of files at once, so its classifier can batch them
    concurrentTasksPerWorker: perWorker,
    workerData: { options: { ...classifierOptions, threads: threadsPerWorker } } satisfies PoolWorkerData,
  });
  // Tasks started and not settled. Piscina ends a task's worker thread to abort it, and a thread
  // ended inside onnxruntime-node's native work aborts the whole process (Napi::Error): so a task,
  // once given to a worker, runs to its end (milliseconds), an abort only stops waiting for it, and
  // destroy() waits for them all.
  const running = new Set<Promise<PoolResult>>();
  const classify = async (file: string, o: { topK?: number | undefined; signal?: AbortSignal | undefined } = {}): Promise<Prediction[]> => {
    o.signal?.throwIfAborted();
    const task = pool.run({ file, topK: o.topK });
    running.add(task);
    void task.then(
      () => running.delete(task),
      () => running.delete(task),
    );
    const r = await (o.signal ? abortable(task, o.signal) : task);
    if ('error' in r) throw failure(r.error);
    return r.predictions;
  };
  // Threads are ended only once every task given to one has settled.
  const destroy = async () => {
    await Promise.allSettled(running);
    await pool.destroy();
  };
  const ready = await pool.run({});
  if ('error' in ready) {
    await destroy();
    throw failure(ready.error);
  }
  return {
    workers,
    threadsPerWorker,
    classify,
    classifyAll: (inputs, o = {}) => classifyAllWith((file, co) => classify(file, co), inputs, { concurrency: workers * perWorker, ...o }),
    destroy,
  };
}

/** A worker's failure as it was thrown there: typed where it was an OnnxMobilenetError. */
function failure(error: { code?: OnnxMobilenetError['code'] | undefined; message: string }): Error {
  return error.code ? new OnnxMobilenetError(error.code, error.message) : new Error(error.message);
}
