// Queue faults against a real redis-server: job data that is not JSON or too large, a corrupt
// stored result, bad queue names, paths outside the worker's roots, and Redis dying under a worker.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Prediction } from '@onnx-mobilenet/node';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { redisReason, startRedis, type TestRedis } from '../../../test/redis-server.js';
import { enqueue } from './producer.js';
import { type JobResult, countResults, readResults } from './results.js';
import { type JobClassifier, createQueueWorker } from './worker.js';

const PREDICTION: Prediction = { index: 281, id: 'n02123045', label: 'tabby', probability: 0.9 };

/** Records what it was asked to classify; answers every input with one prediction. */
function recordingClassifier(seen: string[], delayMs = 0): JobClassifier {
  return {
    async classify(image) {
      seen.push(image);
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      return [PREDICTION];
    },
  };
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function resultsOf(target: { connection: string; queueName: string }): Promise<Map<string, JobResult>> {
  const all = new Map<string, JobResult>();
  for await (const r of readResults(target)) all.set(r.jobId, r);
  return all;
}

describe.skipIf(redisReason)(`queue faults${redisReason ? ` [skipped: ${redisReason}]` : ''}`, () => {
  let redis: TestRedis;
  let raw: Redis;
  const dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-queue-faults-'));
  beforeAll(async () => {
    redis = await startRedis();
    raw = new Redis(redis.url);
    raw.on('error', () => {});
  });
  afterAll(async () => {
    raw?.disconnect();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('job data that is not JSON, not {image} or too large fails at once with its typed error stored', async () => {
    const target = { connection: redis.url, queueName: 'bad-data' };
    const seen: string[] = [];
    const images = ['https://127.0.0.1:9/not-json.jpg', 'https://127.0.0.1:9/no-image.jpg', 'https://127.0.0.1:9/huge.jpg', 'https://127.0.0.1:9/fine.jpg'];
    await enqueue(images, { ...target, attempts: 3 });
    // what another producer (or anyone with the Redis password) could leave in the job hashes
    const key = async (image: string) => `bull:bad-data:${(await import('./job-id.js')).jobIdFor(image)}`;
    await raw.hset(await key(images[0] as string), 'data', '{"image": root:x:0:0');
    await raw.hset(await key(images[1] as string), 'data', '{"img": 1}');
    await raw.hset(await key(images[2] as string), 'data', JSON.stringify({ image: `https://127.0.0.1:9/${'a'.repeat(1_000_000)}` }));
    const worker = await createQueueWorker({ ...target, classifier: recordingClassifier(seen) });
    try {
      await waitFor(async () => (await countResults(target)) === 4, '4 results');
    } finally {
      await worker.close();
    }
    const results = [...(await resultsOf(target)).values()];
    const errors = results.flatMap((r) => ('error' in r ? [r.error] : [])).sort((a, b) => a.message.localeCompare(b.message));
    expect(errors).toEqual([
      { code: 'E_LIMIT', message: "job data has 1000032 bytes, over the worker's maxJobBytes (65536)" },
      { code: 'E_INPUT', message: 'job data has no "image" string (a job of this queue is {"image": "<path or URL>"})' },
      { code: 'E_INPUT', message: 'job data is not JSON (a job of this queue is {"image": "<path or URL>"})' },
    ]);
    expect(seen).toEqual(['https://127.0.0.1:9/fine.jpg']);
    // none is left active, none retried: each failed once
    expect(await raw.llen('bull:bad-data:active')).toBe(0);
    expect(await raw.zcard('bull:bad-data:failed')).toBe(3);
  });

  it('one corrupt stored result does not stop readResults: it is reported in its place', async () => {
    const target = { connection: redis.url, queueName: 'corrupt' };
    await enqueue(['https://127.0.0.1:9/a.jpg', 'https://127.0.0.1:9/b.jpg', 'https://127.0.0.1:9/c.jpg'], target);
    const worker = await createQueueWorker({ ...target, classifier: recordingClassifier([]) });
    try {
      await waitFor(async () => (await countResults(target)) === 3, '3 results');
    } finally {
      await worker.close();
    }
    await raw.hset('onnx-mobilenet:corrupt:results', 'img-corrupt', '{"jobId": SHELL=/bin/bash');
    await raw.hset('onnx-mobilenet:corrupt:results', 'img-other', '{"jobId": "img-other", "image": 3}');
    const results = await resultsOf(target);
    expect(results.size).toBe(5);
    expect(
      [...results.values()]
        .filter((r) => 'predictions' in r)
        .map((r) => r.image)
        .sort(),
    ).toEqual(['https://127.0.0.1:9/a.jpg', 'https://127.0.0.1:9/b.jpg', 'https://127.0.0.1:9/c.jpg']);
    expect(results.get('img-corrupt')).toEqual({
      jobId: 'img-corrupt',
      image: '',
      error: {
        code: 'E_QUEUE',
        message:
          'the stored result of job "img-corrupt" is corrupt (not the JSON a worker writes, 25 characters); delete that field of the results hash and enqueue the image again',
      },
    });
    expect(results.get('img-other')).toMatchObject({ image: '', error: { code: 'E_QUEUE' } });
  });

  it('a queue name BullMQ refuses, or a connection that is not a Redis URL, is E_INPUT before any connection', async () => {
    const bad = { connection: redis.url, queueName: 'photos:2024' };
    const refusal = { code: 'E_INPUT', message: expect.stringMatching(/^queueName \(CLI --queue\) must be 1 to 200 characters without ":"/) };
    await expect(enqueue(['https://127.0.0.1:9/a.jpg'], bad)).rejects.toMatchObject(refusal);
    await expect(createQueueWorker({ ...bad, classifier: recordingClassifier([]) })).rejects.toMatchObject(refusal);
    await expect(countResults(bad)).rejects.toMatchObject(refusal);
    await expect(readResults(bad).next()).rejects.toMatchObject(refusal);
    for (const queueName of ['', 'a\nb', 'x'.repeat(201)]) await expect(countResults({ connection: redis.url, queueName })).rejects.toMatchObject(refusal);
    await expect(countResults({ connection: 'http://127.0.0.1:6379' })).rejects.toMatchObject({ code: 'E_INPUT' });
  });

  it('reads local paths and file: URLs only under its roots: outside, missing and linked out all get one E_FORBIDDEN', async () => {
    const target = { connection: redis.url, queueName: 'roots' };
    mkdirSync(join(dir, 'photos'));
    mkdirSync(join(dir, 'photos-private'));
    writeFileSync(join(dir, 'photos/in.jpg'), 'x');
    writeFileSync(join(dir, 'photos-private/private.jpg'), 'x');
    symlinkSync('/etc/passwd', join(dir, 'photos/passwd.jpg'));
    const inside = join(dir, 'photos/in.jpg');
    const refused = [
      '/etc/passwd',
      '/proc/self/environ',
      join(dir, 'photos-private/private.jpg'),
      join(dir, 'photos/passwd.jpg'),
      join(dir, 'photos/missing.jpg'),
    ];
    const fileUrls = [pathToFileURL(inside).href, pathToFileURL('/etc/passwd').href];
    await enqueue([inside, ...refused, ...fileUrls, 'https://127.0.0.1:9/url.jpg'], { ...target, attempts: 3 });
    const seen: string[] = [];
    const worker = await createQueueWorker({ ...target, roots: [join(dir, 'photos')], classifier: recordingClassifier(seen) });
    try {
      await waitFor(async () => (await countResults(target)) === 9, '9 results');
    } finally {
      await worker.close();
    }
    const results = [...(await resultsOf(target)).values()];
    const outcome = (image: string) => {
      const r = results.find((x) => x.image === image);
      return r && 'error' in r ? r.error : r?.predictions[0]?.label;
    };
    expect(seen.sort()).toEqual([fileUrls[0], inside, 'https://127.0.0.1:9/url.jpg'].sort());
    for (const image of [...refused, fileUrls[1] as string]) {
      const shown = image.startsWith('file:') ? '/etc/passwd' : image;
      expect(outcome(image), image).toEqual({
        code: 'E_FORBIDDEN',
        message: `path not allowed: ${JSON.stringify(shown)}; only files under the configured folders are read (option roots (CLI --root))`,
      });
    }
  });

  it('with no roots, reads no local file at all', async () => {
    const target = { connection: redis.url, queueName: 'no-roots' };
    writeFileSync(join(dir, 'alone.jpg'), 'x');
    await enqueue([join(dir, 'alone.jpg')], target);
    const seen: string[] = [];
    const worker = await createQueueWorker({ ...target, classifier: recordingClassifier(seen) });
    try {
      await waitFor(async () => (await countResults(target)) === 1, 'the result');
    } finally {
      await worker.close();
    }
    expect(seen).toEqual([]);
    expect([...(await resultsOf(target)).values()][0]).toMatchObject({
      error: { code: 'E_FORBIDDEN', message: expect.stringMatching(/no local file is read/) },
    });
  });

  it('Redis dying under a worker: one E_QUEUE report, no ioredis stacks, close() settles; a reader gets E_QUEUE', async () => {
    const own = await startRedis();
    const target = { connection: own.url, queueName: 'dies' };
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    const reports: { code: string }[] = [];
    try {
      await enqueue(['https://127.0.0.1:9/slow.jpg'], target);
      const seen: string[] = [];
      const worker = await createQueueWorker({ ...target, classifier: recordingClassifier(seen, 60_000), onError: (e) => reports.push(e) });
      await waitFor(async () => seen.length === 1, 'the job to start');
      await own.stop(); // SIGKILL, mid-job
      await waitFor(async () => reports.length > 0, 'the report of the lost connection');
      await new Promise((r) => setTimeout(r, 2000)); // ioredis retries meanwhile
      await worker.close(); // the test's own timeout bounds this
      expect(reports.map((r) => r.code)).toEqual(['E_QUEUE']);
      expect(printed.mock.calls.map((c) => String(c[0])).filter((line) => line.includes('ioredis'))).toEqual([]);
      await expect(countResults(target)).rejects.toMatchObject({ code: 'E_QUEUE', message: expect.stringMatching(/^Redis failed while counting results/) });
      await expect(readResults(target).next()).rejects.toMatchObject({ code: 'E_QUEUE' });
      await expect(enqueue(['https://127.0.0.1:9/x.jpg'], target)).rejects.toMatchObject({ code: 'E_QUEUE' });
    } finally {
      printed.mockRestore();
      await own.stop();
    }
  }, 120_000);
});
