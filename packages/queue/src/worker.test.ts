// The worker against a real redis-server with a fake classifier: what is retried, what is recorded.
import { OnnxMobilenetError, type Prediction } from '@onnx-mobilenet/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisReason, startRedis, type TestRedis } from '../../../test/redis-server.js';
import { jobIdFor } from './job-id.js';
import { enqueue } from './producer.js';
import { countResults, readResults } from './results.js';
import { type JobClassifier, createQueueWorker } from './worker.js';

const PREDICTION: Prediction = { index: 281, id: 'n02123045', label: 'tabby', probability: 0.9 };

/** Fails each image by its name: `ok`, `decode` (permanent), `flaky` (E_DOWNLOAD twice, then fine), `down` (E_DOWNLOAD always). */
function fakeClassifier(calls: Map<string, number>): JobClassifier {
  return {
    async classify(image) {
      const n = (calls.get(image) ?? 0) + 1;
      calls.set(image, n);
      if (image.endsWith('decode')) throw new OnnxMobilenetError('E_IMAGE_DECODE', `cannot decode ${image}`);
      if (image.endsWith('flaky') && n <= 2) throw new OnnxMobilenetError('E_DOWNLOAD', `timeout on ${image}`);
      if (image.endsWith('down')) throw new OnnxMobilenetError('E_DOWNLOAD', `timeout on ${image}`);
      return [PREDICTION];
    },
  };
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(redisReason)(`queue worker: retries${redisReason ? ` [skipped: ${redisReason}]` : ''}`, () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('retries transient failures with backoff, fails permanent ones once, and records every outcome once', async () => {
    const queueName = 'retries';
    const target = { connection: redis.url, queueName };
    const calls = new Map<string, number>();
    // URLs: a worker without roots reads no local file (the fake classifier fetches nothing)
    const images = ['/x/ok', '/x/decode', '/x/flaky', '/x/down'].map((p) => `https://127.0.0.1:9${p}`);
    expect(await enqueue(images, { ...target, attempts: 3, backoffMs: 50 })).toEqual({ submitted: 4, alreadyDone: 0 });
    const worker = await createQueueWorker({ ...target, classifier: fakeClassifier(calls), concurrency: 2 });
    // a result is written on success, on a permanent failure, or when the last attempt fails
    await waitFor(async () => (await countResults(target)) === images.length);
    await worker.close();

    const u = (p: string) => `https://127.0.0.1:9${p}`;
    expect(Object.fromEntries(calls)).toEqual({ [u('/x/ok')]: 1, [u('/x/decode')]: 1, [u('/x/flaky')]: 3, [u('/x/down')]: 3 });
    const results = new Map<string, unknown>();
    for await (const r of readResults(target)) results.set(r.image, 'predictions' in r ? r.predictions[0]?.label : r.error.code);
    expect(Object.fromEntries(results)).toEqual({
      [u('/x/ok')]: 'tabby',
      [u('/x/decode')]: 'E_IMAGE_DECODE',
      [u('/x/flaky')]: 'tabby',
      [u('/x/down')]: 'E_DOWNLOAD',
    });

    // enqueueing again adds nothing: every input has its result
    expect(await enqueue(images, { ...target })).toEqual({ submitted: 0, alreadyDone: 4 });
    expect(await countResults(target)).toBe(4);
    for await (const r of readResults(target)) expect(r.jobId).toBe(jobIdFor(r.image));
  });
});
