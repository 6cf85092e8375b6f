import { type ClassifierOptions, type NodeOptions, OnnxMobilenetError, type Prediction, type WarningCode, createClassifier } from '@onnx-mobilenet/node';
import { checkLocalPath, checkNumber, localImagePath, MAX_TIMER_MS, type OptionKind, ownOptions, resolveLocalRoots } from '@onnx-mobilenet/node/adapter';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { describeJobFailure, isPermanentFailure } from './failure-policy.js';
import { type JobResult, type QueueTarget, checkTarget, connect, queueError, resultsKey } from './results.js';

/** A classification job's data: a local path, a `file:` URL or an http(s) URL. */
export interface ClassifyJobData {
  image: string;
}

/** What the worker needs of a classifier (a `createClassifier()` result, or a fake in tests). */
export interface JobClassifier {
  classify(image: string): Promise<Prediction[]>;
  dispose?(): Promise<void>;
}

/**
 * The worker's defaults.
 *
 * @example
 * ```ts
 * QUEUE_WORKER_DEFAULTS.maxJobBytes; // 65536: a job's data larger than this fails as E_LIMIT
 * ```
 */
export const QUEUE_WORKER_DEFAULTS = {
  /** Largest job data read, in bytes of its JSON (a path or URL and its wrapping): 64 KiB. */
  maxJobBytes: 65_536,
  /** How long `close()` waits for the jobs in flight before it lets them go: 30 s. */
  closeTimeoutMs: 30_000,
} as const;

/** Options of {@link createQueueWorker}. */
export interface QueueWorkerOptions extends QueueTarget {
  /**
   * Folders the worker may read local images from (paths and `file:` URLs in jobs). Symbolic links
   * are resolved first; a path outside them, a missing one and an unreadable one all end the job
   * with the same `E_FORBIDDEN`, which tells nothing about what exists. Default `[]`: no local file
   * is read at all, only http(s) URLs are classified. Each folder must exist (`E_INPUT`).
   */
  roots?: readonly string[] | undefined;
  /**
   * Options of the classifier the worker creates (model, threads, topK, `allowPrivateNetwork`…),
   * passed on as they are, except `imageRoots`, which is always this worker's `roots`. Ignored
   * with `classifier`.
   */
  classifierOptions?: (ClassifierOptions & NodeOptions) | undefined;
  /**
   * A classifier to use instead of creating one; the worker does not dispose it. The worker still
   * checks each path against `roots` before handing it over, but only a classifier created with
   * `imageRoots` checks the file it opens is the file checked.
   */
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
  /** Largest job data, in bytes of its JSON; a larger job fails with `E_LIMIT` before it is parsed. Default 65,536. */
  maxJobBytes?: number | undefined;
  /** How long `close()` waits for the jobs in flight, in ms, before it disconnects anyway. Default 30,000. */
  closeTimeoutMs?: number | undefined;
  /**
   * Called with Redis failures (`E_QUEUE`): once when the connection is lost, again only after it
   * came back. The worker keeps retrying meanwhile. Default: `process.emitWarning`.
   */
  onError?: ((err: OnnxMobilenetError) => void) | undefined;
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
  roots: 'array',
  maxJobBytes: 'number',
  closeTimeoutMs: 'number',
  onError: 'function',
} as const satisfies { readonly [K in keyof Required<QueueWorkerOptions>]: OptionKind };

/** A running worker: `close()` finishes the jobs in flight, then disconnects. */
export interface QueueWorker {
  /** The underlying BullMQ worker (events: `completed`, `failed`, `error`). */
  readonly worker: Worker<ClassifyJobData, void>;
  /**
   * Stops taking jobs, waits for those in flight (at most `closeTimeoutMs`; not at all when Redis
   * is unreachable, since their results could not be stored), disconnects and disposes the
   * classifier it created. Always resolves; jobs let go are recovered by BullMQ as stalled.
   */
  close(): Promise<void>;
}

/** Why a job's raw data was refused before BullMQ parsed it, by job id. */
type Refusals = Map<string, OnnxMobilenetError>;

/**
 * BullMQ's worker, with job data checked before it is parsed: BullMQ's own `JSON.parse` of data that
 * is not JSON throws inside its fetch loop, and the job stayed active for ever; a 70 MB path was
 * parsed, copied and quoted in messages until the process passed 2 GB. A refused job gets empty data
 * and its refusal, which the processor records.
 */
class CheckedWorker extends Worker<ClassifyJobData, void> {
  refusals: Refusals = new Map();
  maxJobBytes: number = QUEUE_WORKER_DEFAULTS.maxJobBytes;

  protected override createJob(raw: Parameters<Worker['createJob']>[0], jobId: string): Job<ClassifyJobData, void> {
    const id = raw.id || jobId;
    const refuse = (err: OnnxMobilenetError) => {
      this.refusals.set(id, err);
      return super.createJob({ ...raw, data: '{}', opts: '{}' } as typeof raw, jobId) as Job<ClassifyJobData, void>;
    };
    const size = (s: unknown) => (typeof s === 'string' ? Buffer.byteLength(s) : 0);
    const bytes = size(raw.data) + size(raw.opts);
    if (bytes > this.maxJobBytes)
      return refuse(new OnnxMobilenetError('E_LIMIT', `job data has ${bytes} bytes, over the worker's maxJobBytes (${this.maxJobBytes})`));
    try {
      return super.createJob(raw, jobId) as Job<ClassifyJobData, void>;
    } catch {
      // Not the parser's message: it quotes the data.
      return refuse(new OnnxMobilenetError('E_INPUT', 'job data is not JSON (a job of this queue is {"image": "<path or URL>"})'));
    }
  }
}

/** Waits for `promise`, at most `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((settle) => (timer = setTimeout(settle, ms)))]);
  clearTimeout(timer);
}

/** The job's image, or the typed reason it has none. */
function imageOf(data: unknown): string | OnnxMobilenetError {
  const image = typeof data === 'object' && data !== null ? (data as { image?: unknown }).image : undefined;
  if (typeof image !== 'string' || image === '')
    return new OnnxMobilenetError('E_INPUT', 'job data has no "image" string (a job of this queue is {"image": "<path or URL>"})');
  return image;
}

/** A positive integer option (at most `max`), checked as every number option is, or its default. */
const positive = (value: number | undefined, name: string, fallback: number, max?: number): number => {
  checkNumber(name, value, { max });
  return value ?? fallback;
};

/**
 * Starts a worker that classifies the queue's jobs and stores each outcome in the results hash
 * (see {@link resultsKey}): predictions, or the error. Permanent failures (see `isPermanentFailure`)
 * are recorded and end the job at once (BullMQ `UnrecoverableError`); transient ones are retried
 * with the backoff given at enqueue, and recorded when the last attempt fails. Job data that is not
 * JSON, not `{image}` or larger than `maxJobBytes` fails the job with its typed error stored.
 *
 * @example
 * ```ts
 * const w = await createQueueWorker({ connection: 'redis://127.0.0.1:6379', roots: ['/data/photos'], classifierOptions: { model: 'mobilenetv2-12-int8' } });
 * process.on('SIGTERM', () => void w.close());
 * ```
 */
export async function createQueueWorker(given: QueueWorkerOptions): Promise<QueueWorker> {
  // The caller's own properties only: Object.prototype.classifier or .classifierOptions set
  // elsewhere in the app cannot pose as the worker's options.
  const options = ownOptions(given, WORKER_OPTION_KINDS, 'createQueueWorker options');
  const { connection, queueName } = checkTarget(options);
  const roots = resolveLocalRoots(options.roots ?? [], 'roots (CLI --root)');
  const maxJobBytes = positive(options.maxJobBytes, 'maxJobBytes', QUEUE_WORKER_DEFAULTS.maxJobBytes);
  const closeTimeoutMs = positive(options.closeTimeoutMs, 'closeTimeoutMs', QUEUE_WORKER_DEFAULTS.closeTimeoutMs, MAX_TIMER_MS);
  // every number checked before anything is made
  for (const key of ['concurrency', 'maxStalledCount'] as const) checkNumber(key, options[key]);
  for (const key of ['lockDuration', 'stalledInterval'] as const) checkNumber(key, options[key], { max: MAX_TIMER_MS });
  const classifier = options.classifier ?? (await createClassifier({ embeddings: false, ...options.classifierOptions, imageRoots: options.roots ?? [] }));

  // One report per outage: the first error after the connection was last ready.
  const report = options.onError ?? ((err: OnnxMobilenetError) => process.emitWarning(err.message, { code: 'ONNX_MOBILENET_QUEUE' satisfies WarningCode }));
  let reported = false;
  let closing: Promise<void> | undefined;
  const onRedisError = (err: unknown) => {
    if (reported || closing) return;
    reported = true;
    report(queueError(err, 'serving the queue (the worker keeps retrying)'));
  };
  const results = connect(connection, { blocking: true, onError: onRedisError });
  const jobs = connect(connection, { blocking: true, onError: onRedisError });
  for (const client of [results, jobs]) client.on('ready', () => (reported = false));
  const key = resultsKey(queueName);

  async function store(result: JobResult): Promise<void> {
    // HSET: a job run twice writes its one field twice, with the same value.
    await results.hset(key, result.jobId, JSON.stringify(result));
  }

  async function fail(jobId: string, image: string, err: OnnxMobilenetError): Promise<never> {
    await store({ jobId, image, error: describeJobFailure(err) });
    throw new UnrecoverableError(`${err.code}: ${err.message}`);
  }

  async function processJob(job: Job<ClassifyJobData, void>): Promise<void> {
    const jobId = job.id ?? '';
    const refused = worker.refusals.get(jobId);
    if (refused) {
      worker.refusals.delete(jobId);
      return fail(jobId, '', refused);
    }
    const image = imageOf(job.data);
    if (typeof image !== 'string') return fail(jobId, '', image);
    try {
      // Checked here too, so a caller's own classifier gets the same refusal.
      const path = localImagePath(image);
      if (path !== undefined) await checkLocalPath(path, roots);
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

  // Jobs still in flight when close() gives up are let go: their promises end here, with Redis
  // already disconnected, so BullMQ can record nothing and the jobs stay active until their lock
  // expires and a live worker takes them (BullMQ's stalled-job recovery).
  const letGo = new AbortController();
  const abandoned = new Promise<never>((_, reject) => {
    letGo.signal.addEventListener('abort', () => reject(new OnnxMobilenetError('E_QUEUE', 'the worker closed before this job finished')));
  });
  abandoned.catch(() => undefined);

  const worker = new CheckedWorker(queueName, (job) => Promise.race([processJob(job), abandoned]), {
    connection: jobs,
    concurrency: positive(options.concurrency, 'concurrency', 4),
    lockDuration: positive(options.lockDuration, 'lockDuration', 30_000, MAX_TIMER_MS),
    stalledInterval: positive(options.stalledInterval, 'stalledInterval', 30_000, MAX_TIMER_MS),
    maxStalledCount: options.maxStalledCount ?? 2,
  });
  worker.maxJobBytes = maxJobBytes;
  // Without a listener an 'error' event (Redis gone) would crash the process.
  worker.on('error', onRedisError);

  return {
    worker,
    close() {
      closing ??= (async () => {
        // With Redis away, waiting for the jobs in flight only waits for writes that cannot happen.
        const force = jobs.status !== 'ready' || results.status !== 'ready';
        const closed = worker.close(force).then(
          () => true,
          () => true,
        );
        if (!force) await within(closed, closeTimeoutMs);
        // BullMQ leaves a connection it was given open: ours go here, or the process never exits.
        // Disconnecting also fails whatever still waits on Redis, which lets BullMQ's close end.
        jobs.disconnect();
        results.disconnect();
        letGo.abort();
        await within(closed, 5000);
        if (!options.classifier) await classifier.dispose?.();
      })();
      return closing;
    },
  };
}
