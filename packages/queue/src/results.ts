import type { Prediction } from '@onnx-mobilenet/node';
import { Redis } from 'ioredis';
import type { JobFailure } from './failure-policy.js';

/** One job's outcome as stored: its predictions, or the error that ended it. */
export type JobResult = { jobId: string; image: string; predictions: Prediction[] } | { jobId: string; image: string; error: JobFailure };

/**
 * The Redis hash holding a queue's results, one field per job id. A result is written with `HSET`,
 * so a job run twice (at-least-once delivery: a worker killed mid-job, its job recovered as
 * stalled) overwrites its own field with the same value: one result per job, whatever happens.
 */
export function resultsKey(queueName: string): string {
  return `onnx-mobilenet:${queueName}:results`;
}

/** Where to connect and which queue: shared by the worker, the producer and the reader. */
export interface QueueTarget {
  /** Redis URL, e.g. `redis://127.0.0.1:6379`. */
  connection: string;
  /** The BullMQ queue's name. Default `onnx-mobilenet`. */
  queueName?: string | undefined;
}

/** The queue name used when none is given. */
export const DEFAULT_QUEUE = 'onnx-mobilenet';

/** An ioredis client as BullMQ wants it (blocking commands wait, never give up after N retries). */
export function connect(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/**
 * Reads every stored result of a queue, in batches (`HSCAN`, so memory stays flat however many).
 * A result is yielded once, unless it is written while the scan runs (Redis' `HSCAN` guarantee).
 *
 * @example
 * ```ts
 * for await (const r of readResults({ connection: 'redis://127.0.0.1:6379' })) console.log(r.image, 'predictions' in r ? r.predictions[0]?.label : r.error.code);
 * ```
 */
export async function* readResults(target: QueueTarget): AsyncGenerator<JobResult> {
  const redis = connect(target.connection);
  try {
    let cursor = '0';
    do {
      const [next, flat] = await redis.hscan(resultsKey(target.queueName ?? DEFAULT_QUEUE), cursor, 'COUNT', 500);
      cursor = next;
      for (let i = 1; i < flat.length; i += 2) yield JSON.parse(flat[i] as string) as JobResult;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** How many results a queue holds (`HLEN`). */
export async function countResults(target: QueueTarget): Promise<number> {
  const redis = connect(target.connection);
  try {
    return await redis.hlen(resultsKey(target.queueName ?? DEFAULT_QUEUE));
  } finally {
    redis.disconnect();
  }
}
