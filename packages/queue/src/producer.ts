import { createReadStream, statSync } from 'node:fs';
import { opendir } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { checkNumber, MAX_TIMER_MS, type OptionKind, ownOptions } from '@onnx-mobilenet/node/adapter';
import { Queue } from 'bullmq';
import { glob, isDynamicPattern } from 'tinyglobby';
import { jobIdFor } from './job-id.js';
import { type QueueTarget, checkTarget, connect, queueError, resultsKey } from './results.js';
import type { ClassifyJobData } from './worker.js';

/** Extensions picked up in a folder. */
const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif']);
function isFileAt(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Extensions read as a list of inputs, one a line. */
const LIST_EXTENSIONS = new Set(['.txt', '.list']);
/** Jobs sent to Redis per round trip. */
const CHUNK = 500;

/**
 * The inputs of one target, as a stream: a folder's images (walked recursively, never listed whole),
 * a glob's matches, the lines of a `.txt`/`.list` file (URLs or paths; blank lines and `#` comments
 * skipped), or the target itself (one image path or URL). Paths come out absolute, so workers on
 * other machines (with the same mounts) read the same files.
 *
 * @example
 * ```ts
 * for await (const input of listInputs('photos/')) console.log(input); // /home/me/photos/cat.jpg, …
 * ```
 */
export async function* listInputs(target: string): AsyncGenerator<string> {
  let isDir = false;
  let isFile = false;
  try {
    const st = statSync(target);
    isDir = st.isDirectory();
    isFile = st.isFile();
  } catch {}
  if (isDir) {
    for await (const entry of await opendir(target, { recursive: true, bufferSize: 256 })) {
      if (!IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) continue;
      const path = resolve(join(entry.parentPath, entry.name));
      // a link to a file counts as the file (links to folders are not followed: no cycles)
      if (entry.isFile() || (entry.isSymbolicLink() && isFileAt(path))) yield path;
    }
  } else if (isFile && LIST_EXTENSIONS.has(extname(target).toLowerCase())) {
    const lines = createInterface({ input: createReadStream(target), crlfDelay: Infinity });
    for await (const raw of lines) {
      const line = raw.trim();
      if (line !== '' && !line.startsWith('#')) yield /^https?:\/\//i.test(line) ? line : resolve(line);
    }
  } else if (!isFile && isDynamicPattern(target)) {
    for (const f of await glob(target, { onlyFiles: true, absolute: true })) yield f;
  } else {
    yield /^https?:\/\//i.test(target) ? target : resolve(target);
  }
}

/** Options of {@link enqueue}. */
export interface EnqueueOptions extends QueueTarget {
  /** Tries per job before its transient failure is final. Default 3. */
  attempts?: number | undefined;
  /** First retry delay in ms, doubled each retry (exponential backoff). Default 1,000. */
  backoffMs?: number | undefined;
}

/** How each option of {@link enqueue} is read. */
const ENQUEUE_OPTION_KINDS = {
  connection: 'string',
  queueName: 'string',
  attempts: 'number',
  backoffMs: 'number',
} as const satisfies { readonly [K in keyof Required<EnqueueOptions>]: OptionKind };

/** What {@link enqueue} did: jobs sent, and inputs skipped because their result is already stored. */
export interface EnqueueSummary {
  submitted: number;
  alreadyDone: number;
}

/**
 * Adds one job per input (see {@link listInputs}), with the stable id {@link jobIdFor}: enqueueing
 * the same inputs again adds nothing that is queued or done (BullMQ ignores an existing id; inputs
 * with a stored result are skipped). A bad connection URL or queue name is `E_INPUT`; Redis failing
 * (unreachable, no answer in 30 s) is `E_QUEUE`.
 *
 * @example
 * ```ts
 * await enqueue(listInputs('photos/'), { connection: 'redis://127.0.0.1:6379' });
 * ```
 */
export async function enqueue(inputs: AsyncIterable<string> | Iterable<string>, given: EnqueueOptions): Promise<EnqueueSummary> {
  // The caller's own properties only (see ownOptions)
  const options = ownOptions(given, ENQUEUE_OPTION_KINDS, 'enqueue options');
  checkNumber('attempts', options.attempts);
  checkNumber('backoffMs', options.backoffMs, { max: MAX_TIMER_MS });
  const { connection, queueName } = checkTarget(options);
  const redis = connect(connection);
  try {
    // BullMQ waits for a connection without end: this fails, bounded, when Redis is not there
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw queueError(err, 'connecting');
  }
  const queue = new Queue<ClassifyJobData>(queueName, { connection: redis });
  queue.on('error', () => {}); // its failures reach the calls below
  const summary: EnqueueSummary = { submitted: 0, alreadyDone: 0 };
  const opts = {
    attempts: options.attempts ?? 3,
    backoff: { type: 'exponential', delay: options.backoffMs ?? 1000 },
    // results live in the results hash; finished jobs need not pile up in Redis
    removeOnComplete: true,
    removeOnFail: false,
  };
  let chunk: string[] = [];
  const flush = async () => {
    const ids = chunk.map(jobIdFor);
    try {
      const done = await redis.hmget(resultsKey(queueName), ...ids);
      const jobs = chunk.flatMap((image, i) => (done[i] == null ? [{ name: 'classify', data: { image }, opts: { ...opts, jobId: ids[i] as string } }] : []));
      if (jobs.length > 0) await queue.addBulk(jobs);
      summary.alreadyDone += chunk.length - jobs.length;
      summary.submitted += jobs.length;
    } catch (err) {
      throw queueError(err, 'adding jobs');
    }
    chunk = [];
  };
  try {
    for await (const image of inputs) {
      chunk.push(image);
      if (chunk.length >= CHUNK) await flush();
    }
    if (chunk.length > 0) await flush();
  } finally {
    // close() waits for Redis; when Redis is gone, disconnecting is all there is to do
    if (redis.status === 'ready') await queue.close().catch(() => undefined);
    redis.disconnect();
  }
  return summary;
}
