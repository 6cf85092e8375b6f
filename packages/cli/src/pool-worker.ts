// One classifier per worker thread of a ClassifierPool; piscina runs the default export per task.
import { workerData } from 'node:worker_threads';
import { createClassifier, isOnnxMobilenetError } from '@onnx-mobilenet/node';
import type { PoolResult, PoolTask, PoolWorkerData } from './pool-protocol.js';

const { options } = workerData as PoolWorkerData;
const classifier = createClassifier(options);
classifier.catch(() => undefined); // reported by each task below

/** Classifies one file; failures come back as data (an Error's code does not survive the thread boundary). */
export default async function classifyTask(task: PoolTask): Promise<PoolResult> {
  try {
    const c = await classifier;
    if (task.file === undefined) return { predictions: [] }; // the pool's readiness check
    return { predictions: await c.classify(task.file, { topK: task.topK }) };
  } catch (err) {
    return { error: { code: isOnnxMobilenetError(err) ? err.code : undefined, message: (err as Error)?.message ?? String(err) } };
  }
}
