import { createClassifier, type ClassifierOptions, type NodeOptions, type Prediction } from '@onnx-mobilenet/node';
import { checkNumber, MAX_TIMER_MS, type OptionKind, ownOptions } from '@onnx-mobilenet/node/adapter';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { describeJobFailure, isPermanentFailure } from './failure-policy.js';
import { DEFAULT_QUEUE, type JobResult, type QueueTarget, connect, resultsKey } from './results.js';

/** A classification job's data: a local path or an http(s) URL. */
export interface ClassifyJobData {
  image: string;
}

/** What the worker needs of a classifier (a `createClassifier()` result, or a fake in tests). */
export interface JobClassifier {
  classify(image: string): Promise<Prediction[]>;
  dispose?(): Promise<void>;
}

/** Options of {@link createQueueWorker}. */
export interface QueueWorkerOptions extends QueueTarget {
  /** Options of the classifier the worker creates (model, threads, topK…). Ignored with `classifier`. */
  classifierOptions?: (ClassifierOptions & NodeOptions) | undefined;
  /** A classifier to use instead of creating one; the worker does not dispose it. */
  classifier?: JobClassifier | undefined;
  /** Jobs in flight at once (the classifier batches them). Default 4. */
  concurrency?: number | undefined;
  /**
   * How long a job's lock lasts without renewal, in ms. A worker that dies (kill -9) stops renewing;
   * after this its jobs are found stalled and handed to another worker. Default 30,000 (BullMQ's).
   */
  lockDuration?: number | undefined;
  /** How often the worker looks for stalled jobs, in ms. Default 30,000 (BullMQ's). */
  stalledInterval?: number | undefined;
  /** Times a job may stall before it fails. Default 2. */
  maxStalledCount?: number | undefined;
}

/** How each option of {@link createQueueWorker} is read (own properties only, shapes checked). */
const WORKER_OPTION_KINDS = {
  connection: 'string',
  queueName: 'string',
  classifierOptions: 'object',
  classifier: 'value',
  concurrency: 'number',
  lockDuration: 'number',
  stalledInterval: 'number',
  maxStalledCount: 'number',
} as const satisfies { readonly [K in keyof Required<QueueWorkerOptions>]: OptionKind };

/** A running worker: `close()` finishes the jobs in flight, then disconnects. */
export interface QueueWorker {
  /** The underlying BullMQ worker (events: `completed`, `failed`, `error`). */
  readonly worker: Worker<ClassifyJobData, void>;
  close(): Promise<void>;
}

/**
 * Starts a worker that classifies the queue's jobs and stores each outcome in the results hash
 * (see {@link resultsKey}): predictions, or the error. Permanent failures (see `isPermanentFailure`)
 * are recorded and end the job at once (BullMQ `UnrecoverableError`); transient ones are retried
 * with the backoff given at enqueue, and recorded when the last attempt fails.
 *
 * @example
 * ```ts
 * const w = await createQueueWorker({ connection: 'redis://127.0.0.1:6379', classifierOptions: { model: 'mobilenetv2-12-int8' } });
 * process.on('SIGTERM', () => void w.close());
 * ```
 */
export async function createQueueWorker(given: QueueWorkerOptions): Promise<QueueWorker> {
  // The caller's own properties only: Object.prototype.classifier or .classifierOptions set
  // elsewhere in the app cannot pose as the worker's options.
  const options = ownOptions(given, WORKER_OPTION_KINDS, 'createQueueWorker options');
  for (const key of ['concurrency', 'maxStalledCount'] as const) checkNumber(key, options[key]);
  for (const key of ['lockDuration', 'stalledInterval'] as const) checkNumber(key, options[key], { max: MAX_TIMER_MS });
  const queueName = options.queueName ?? DEFAULT_QUEUE;
  const classifier = options.classifier ?? (await createClassifier({ embeddings: false, ...options.classifierOptions }));
  const results = connect(options.connection);
  const key = resultsKey(queueName);

  async function store(result: JobResult): Promise<void> {
    // HSET: a job run twice writes its one field twice, with the same value.
    await results.hset(key, result.jobId, JSON.stringify(result));
  }

  async function processJob(job: Job<ClassifyJobData, void>): Promise<void> {
    const jobId = job.id ?? '';
    const image = job.data?.image;
    if (typeof image !== 'string' || image === '') {
      await store({ jobId, image: String(image), error: { code: 'E_INPUT', message: 'job data has no "image" string' } });
      throw new UnrecoverableError('E_INPUT: job data has no "image" string');
    }
    try {
      await store({ jobId, image, predictions: await classifier.classify(image) });
    } catch (err) {
      const failure = describeJobFailure(err);
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (isPermanentFailure(err)) {
        await store({ jobId, image, error: failure });
        throw new UnrecoverableError(`${failure.code}: ${failure.message}`);
      }
      if (lastAttempt) await store({ jobId, image, error: failure });
      throw err;
    }
  }

  const jobs = connect(options.connection);
  const worker = new Worker<ClassifyJobData, void>(queueName, processJob, {
    connection: jobs,
    concurrency: options.concurrency ?? 4,
    lockDuration: options.lockDuration ?? 30_000,
    stalledInterval: options.stalledInterval ?? 30_000,
    maxStalledCount: options.maxStalledCount ?? 2,
  });
  // Without a listener an 'error' event (Redis gone) would crash the process.
  worker.on('error', () => {});
  return {
    worker,
    async close() {
      await worker.close();
      // BullMQ leaves a connection it was given open: ours go here, or the process never exits.
      jobs.disconnect();
      results.disconnect();
      if (!options.classifier) await classifier.dispose?.();
    },
  };
}
