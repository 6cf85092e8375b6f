/**
 * `@onnx-mobilenet/queue`: classify images on many machines through a BullMQ queue on Redis. A
 * producer ({@link enqueue}) adds one job per image with a stable id; workers
 * ({@link createQueueWorker}) classify them and store each outcome once, keyed by job id;
 * {@link readResults} reads them back.
 *
 * @module @onnx-mobilenet/queue
 * @group API reference
 */
export { PERMANENT_CODES, describeJobFailure, isPermanentFailure, type JobFailure } from './failure-policy.js';
export { jobIdFor } from './job-id.js';
export { enqueue, listInputs, type EnqueueOptions, type EnqueueSummary } from './producer.js';
export { DEFAULT_QUEUE, countResults, readResults, resultsKey, type JobResult, type QueueTarget } from './results.js';
export { QUEUE_WORKER_DEFAULTS, createQueueWorker, type ClassifyJobData, type JobClassifier, type QueueWorker, type QueueWorkerOptions } from './worker.js';
