// The messages between a ClassifierPool and its worker threads (structured-clone data only).
import type { ClassifierOptions, ErrorCode, NodeOptions, Prediction } from '@onnx-mobilenet/node';

/** What a pool's workers load: the serialisable options of `createClassifier` (no callbacks, no buffers). */
export type PoolClassifierOptions = Pick<
  ClassifierOptions,
  'model' | 'labels' | 'topK' | 'batchSize' | 'preprocess' | 'precision' | 'threads' | 'mirror' | 'allowPrivateNetwork'
> &
  Pick<NodeOptions, 'cacheDir'>;

/** @internal what each worker thread is started with. */
export interface PoolWorkerData {
  options: PoolClassifierOptions;
}

/** @internal one task: a file to classify, or none for the readiness check. */
export interface PoolTask {
  file?: string | undefined;
  topK?: number | undefined;
}

/**
 * @internal a task's outcome. Failures come back as data: an Error's class and code do not survive
 * the thread boundary. `code` is absent for a failure that is not an OnnxMobilenetError (a bug).
 */
export type PoolResult = { predictions: Prediction[] } | { error: { code?: ErrorCode | undefined; message: string } };
