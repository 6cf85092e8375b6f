import { OnnxMobilenetError, type Prediction, isOnnxMobilenetError } from '@onnx-mobilenet/node';
import { ownOptions } from '@onnx-mobilenet/node/adapter';
import { Redis, type RedisOptions } from 'ioredis';
import type { JobFailure } from './failure-policy.js';

/** One job's outcome as stored: its predictions, or the error that ended it. */
export type JobResult = { jobId: string; image: string; predictions: Prediction[] } | { jobId: string; image: string; error: JobFailure };

/**
 * The Redis hash holding a queue's results, one field per job id. A result is written with `HSET`,
 * so a job run twice (at-least-once delivery: a worker killed mid-job, its job recovered as
 * stalled) overwrites its own field with the same value: one result per job, whatever happens.
 *
 * @example
 * ```ts
 * resultsKey('photos'); // 'onnx-mobilenet:photos:results'
 * ```
 */
export function resultsKey(queueName: string): string {
  return `onnx-mobilenet:${queueName}:results`;
}

/** Where to connect and which queue: shared by the worker, the producer and the reader. */
export interface QueueTarget {
  /** Redis URL, e.g. `redis://127.0.0.1:6379` (`redis:` or `rediss:`). */
  connection: string;
  /**
   * The BullMQ queue's name. Default `onnx-mobilenet`. 1 to 200 characters, no `:` (BullMQ's key
   * separator) and no control characters; anything else is `E_INPUT`.
   */
  queueName?: string | undefined;
}

/**
 * The queue name used when none is given.
 *
 * @example
 * ```ts
 * resultsKey(DEFAULT_QUEUE); // 'onnx-mobilenet:onnx-mobilenet:results'
 * ```
 */
export const DEFAULT_QUEUE = 'onnx-mobilenet';

/** Longest queue name accepted. */
const MAX_QUEUE_NAME = 200;

/**
 * The checked connection URL and queue name of a target: a bad one is `E_INPUT` here, before any
 * connection (BullMQ would throw a plain `Error` for a `:` in the name).
 */
export function checkTarget(given: QueueTarget): { connection: string; queueName: string } {
  // own properties only: a polluted Object.prototype.queueName must not send reads to another queue
  const target = ownOptions(given, { connection: 'string', queueName: 'string' }, 'queue options');
  const { connection } = target;
  let protocol = '';
  try {
    protocol = typeof connection === 'string' ? new URL(connection).protocol : '';
  } catch {}
  if (protocol !== 'redis:' && protocol !== 'rediss:') throw new OnnxMobilenetError('E_INPUT', 'connection must be a redis:// or rediss:// URL');
  const queueName = target.queueName ?? DEFAULT_QUEUE;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (typeof queueName !== 'string' || queueName === '' || queueName.length > MAX_QUEUE_NAME || /[:\u0000-\u001f\u007f]/.test(queueName)) {
    throw new OnnxMobilenetError(
      'E_INPUT',
      `queueName (CLI --queue) must be 1 to ${MAX_QUEUE_NAME} characters without ":" (BullMQ's key separator) or control characters, got ${describeName(queueName)}`,
    );
  }
  return { connection, queueName };
}

function describeName(name: unknown): string {
  if (typeof name !== 'string') return typeof name;
  return name.length > 80 ? `${JSON.stringify(name.slice(0, 80))}… (${name.length} characters)` : JSON.stringify(name);
}

/** A Redis failure as a typed error (the queue's own errors pass through). */
export function queueError(err: unknown, doing: string): OnnxMobilenetError {
  if (isOnnxMobilenetError(err)) return err;
  return new OnnxMobilenetError('E_QUEUE', `Redis failed while ${doing}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

/** How long a producer's or reader's command may wait for Redis (connecting included). */
const COMMAND_TIMEOUT_MS = 30_000;

/**
 * An ioredis client with an `error` listener (without one, ioredis prints a stack for every failed
 * reconnection). `blocking`: for BullMQ's worker, whose blocking commands wait as long as Redis is
 * away; otherwise every command gives up after 30 s, or after three failed connection attempts.
 */
export function connect(url: string, { blocking = false, onError }: { blocking?: boolean; onError?: (err: Error) => void } = {}): Redis {
  const options: RedisOptions = blocking ? { maxRetriesPerRequest: null } : { maxRetriesPerRequest: 2, commandTimeout: COMMAND_TIMEOUT_MS };
  const redis = new Redis(url, options);
  redis.on('error', onError ?? (() => {}));
  return redis;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A stored value that is not a result the worker wrote: reported in its place, without its contents. */
function parseResult(jobId: string, raw: string): JobResult {
  try {
    const value: unknown = JSON.parse(raw);
    if (isObject(value) && value.jobId === jobId && typeof value.image === 'string') {
      if (Array.isArray(value.predictions)) return value as JobResult;
      if (isObject(value.error) && typeof value.error.message === 'string') return value as JobResult;
    }
  } catch {}
  return {
    jobId,
    image: '',
    error: {
      code: 'E_QUEUE',
      message: `the stored result of job ${JSON.stringify(jobId.slice(0, 200))} is corrupt (not the JSON a worker writes, ${raw.length} characters); delete that field of the results hash and enqueue the image again`,
    },
  };
}

/**
 * Reads every stored result of a queue, in batches (`HSCAN`, so memory stays flat however many).
 * A result is yielded once, unless it is written while the scan runs (Redis' `HSCAN` guarantee).
 * A stored value that is not a worker's result (corrupt, or written by something else) does not
 * stop the scan: it is yielded in its place as an error with code `E_QUEUE` and an empty `image`.
 * Redis failing (unreachable, no answer in 30 s) is `E_QUEUE`.
 *
 * @example
 * ```ts
 * for await (const r of readResults({ connection: 'redis://127.0.0.1:6379' })) console.log(r.image, 'predictions' in r ? r.predictions[0]?.label : r.error.code);
 * ```
 */
export async function* readResults(target: QueueTarget): AsyncGenerator<JobResult> {
  const { connection, queueName } = checkTarget(target);
  const redis = connect(connection);
  try {
    let cursor = '0';
    do {
      let flat: string[];
      try {
        [cursor, flat] = await redis.hscan(resultsKey(queueName), cursor, 'COUNT', 500);
      } catch (err) {
        throw queueError(err, 'reading results');
      }
      for (let i = 1; i < flat.length; i += 2) yield parseResult(flat[i - 1] as string, flat[i] as string);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * How many results a queue holds (`HLEN`). Redis failing is `E_QUEUE`.
 *
 * @example
 * ```ts
 * await countResults({ connection: 'redis://127.0.0.1:6379' }); // 53
 * ```
 */
export async function countResults(target: QueueTarget): Promise<number> {
  const { connection, queueName } = checkTarget(target);
  const redis = connect(connection);
  try {
    return await redis.hlen(resultsKey(queueName));
  } catch (err) {
    throw queueError(err, 'counting results');
  } finally {
    redis.disconnect();
  }
}
