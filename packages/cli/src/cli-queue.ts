import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { DEFAULTS } from '@onnx-mobilenet/node';
import { DOWNLOAD_FLAGS, UsageError, downloadOptions, failureLine, intOption, parseCommandLine, quote, type CliIO } from './cli-args.js';
import { jsonText, terminalText } from './terminal-text.js';

/** The queue commands, by the name `onnx-mobilenet <command>` runs them with. */
export const QUEUE_COMMANDS = ['enqueue', 'worker', 'results'] as const;

/** Help of the queue commands (`enqueue`, `worker`, `results`). */
export const QUEUE_HELP = `Usage: onnx-mobilenet enqueue <dir|glob|list.txt|image>... --redis <url> [--queue <name>] [--attempts <n>] [--backoff <ms>]
       onnx-mobilenet worker --redis <url> [--root <dir>]... [--queue <name>] [--concurrency <n>] [model options]
       onnx-mobilenet results --redis <url> [--queue <name>] [-o <out.jsonl>]

Classifies on many machines through a BullMQ queue on Redis (needs @onnx-mobilenet/queue installed).
enqueue adds one job per image (a folder walked recursively, a glob, or a .txt/.list file of paths or
URLs, one a line), with a stable id: enqueueing again adds nothing already queued or done.
worker classifies jobs until SIGINT/SIGTERM and stores one result per job; results prints them as JSON lines.
A worker reads local images only under its --root folders (none by default: URLs only); a path outside
them, missing or unreadable is refused with E_FORBIDDEN, the same for all three.

Options:
  --redis <url>            Redis URL, e.g. redis://127.0.0.1:6379 (required)
  --queue <name>           queue name (default onnx-mobilenet)
  --attempts <n>           enqueue: tries per job for transient failures (default 3)
  --backoff <ms>           enqueue: first retry delay, doubled each retry (default 1000)
  --root <dir>             worker: a folder whose images jobs may name (repeat for more; default none)
  --concurrency <n>        worker: jobs in flight (default 4)
  --lock-duration <ms>     worker: a dead worker's jobs are recovered after this (default 30000)
  --stalled-interval <ms>  worker: how often to look for stalled jobs (default 30000)
  --model, --labels, --top, --threads, --batch, --mirror, --cache-dir, --allow-private-network   worker: as for classify
                           (image URLs of jobs on loopback or private addresses, too)
  -o, --output <file>      results: write here instead of stdout
  -h, --help               this help`;

type QueueModule = typeof import('@onnx-mobilenet/queue');

/** The queue package, loaded only by these commands: apps that never use Redis need not install BullMQ. */
async function loadQueue(): Promise<QueueModule> {
  try {
    return await import('@onnx-mobilenet/queue');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND')
      throw new UsageError('the queue commands need @onnx-mobilenet/queue: npm install @onnx-mobilenet/queue (it brings BullMQ and ioredis)');
    throw err;
  }
}

function parseQueueArgs(argv: readonly string[]) {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      redis: { type: 'string' },
      queue: { type: 'string' },
      root: { type: 'string', multiple: true },
      attempts: { type: 'string' },
      backoff: { type: 'string' },
      concurrency: { type: 'string' },
      'lock-duration': { type: 'string' },
      'stalled-interval': { type: 'string' },
      model: { type: 'string' },
      labels: { type: 'string' },
      top: { type: 'string' },
      threads: { type: 'string' },
      batch: { type: 'string' },
      ...DOWNLOAD_FLAGS,
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    QUEUE_HELP,
  );
  if (values.redis === undefined) throw new UsageError('--redis <url> is required', QUEUE_HELP);
  if (!/^rediss?:\/\//.test(values.redis)) throw new UsageError(`--redis must be a redis:// or rediss:// URL, got "${values.redis}"`, QUEUE_HELP);
  return { values, positionals, target: { connection: values.redis, queueName: values.queue } };
}

/** `onnx-mobilenet enqueue|worker|results`: returns the exit code, throws {@link UsageError}s. */
export async function runQueueCommand(command: (typeof QUEUE_COMMANDS)[number], argv: readonly string[], io: CliIO, env: NodeJS.ProcessEnv): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(QUEUE_HELP);
    return 0;
  }
  const { values, positionals, target } = parseQueueArgs(argv);
  if (command !== 'enqueue' && positionals.length > 0) throw new UsageError(`${command} takes no arguments, got "${quote(positionals[0]!)}"`, QUEUE_HELP);
  if (command !== 'worker' && values.root !== undefined) throw new UsageError('--root is an option of worker', QUEUE_HELP);
  const queue = await loadQueue();
  try {
    if (command === 'enqueue') {
      if (positionals.length === 0) throw new UsageError('enqueue needs a folder, glob, list file or image', QUEUE_HELP);
      const inputs = (async function* () {
        for (const p of positionals) yield* queue.listInputs(p);
      })();
      const attempts = intOption('attempts', values.attempts, 100);
      const backoffMs = intOption('backoff', values.backoff);
      const { submitted, alreadyDone } = await queue.enqueue(inputs, { ...target, attempts, backoffMs });
      io.stderr(`enqueued ${submitted} job(s); ${alreadyDone} already had a result`);
      return 0;
    }
    if (command === 'results') return await writeResults(queue, target, values.output, io);
    const worker = await queue.createQueueWorker({
      ...target,
      roots: values.root ?? [],
      // one line per Redis outage, not a stack per reconnection attempt
      onError: (err) => io.stderr(`onnx-mobilenet worker: ${failureLine(err)}`),
      concurrency: intOption('concurrency', values.concurrency, 1024),
      lockDuration: intOption('lock-duration', values['lock-duration']),
      stalledInterval: intOption('stalled-interval', values['stalled-interval']),
      classifierOptions: {
        model: values.model,
        labels: values.labels,
        topK: intOption('top', values.top),
        threads: intOption('threads', values.threads, DEFAULTS.maxThreads),
        batchSize: intOption('batch', values.batch),
        ...downloadOptions(values, env),
      },
    });
    io.stderr(`worker ready on queue ${terminalText(target.queueName ?? queue.DEFAULT_QUEUE)}`);
    const signal = await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]).then(() => 'stop');
    io.stderr(`${signal}: finishing the jobs in flight`);
    await worker.close();
    return 0;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    io.stderr(`onnx-mobilenet ${command}: ${failureLine(err)}`);
    return 1;
  }
}

async function writeResults(
  queue: QueueModule,
  target: { connection: string; queueName: string | undefined },
  output: string | undefined,
  io: CliIO,
): Promise<number> {
  const out = output === undefined ? undefined : createWriteStream(output);
  let count = 0;
  let corrupt = 0;
  for await (const result of queue.readResults(target)) {
    const line = jsonText(result);
    count++;
    // a stored value no worker wrote: printed in its place, and reported
    if ('error' in result && result.error.code === 'E_QUEUE' && result.image === '') {
      corrupt++;
      io.stderr(`onnx-mobilenet results: ${terminalText(`${result.error.code}: ${result.error.message}`)}`);
    }
    if (!out) io.stdout(line);
    else if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  if (out) {
    out.end();
    await once(out, 'finish');
  }
  io.stderr(`${count} result(s)${corrupt > 0 ? `, ${corrupt} of them corrupt` : ''}`);
  return corrupt > 0 ? 1 : 0;
}
