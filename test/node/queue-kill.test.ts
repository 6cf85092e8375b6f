// Many machines, here two processes: the built CLI's `worker` twice on one BullMQ queue, one killed
// with SIGKILL part way. BullMQ's stalled-job recovery hands its jobs to the other; results are
// written with HSET keyed by job id, so every job ends with exactly one result.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createClassifier } from '@onnx-mobilenet/node';
import { countResults, enqueue, jobIdFor, readResults } from '@onnx-mobilenet/queue';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { IMAGES_DIR, INT8_MODEL, SYNSET, describeWithAssets, photos } from '../assets.js';
import { redisReason, startRedis, type TestRedis } from '../redis-server.js';
import { assertFreshDist } from '../fresh-dist.js';

const JOBS = 2000;
const BIN = resolve(import.meta.dirname, '../../packages/cli/dist/cli.js');
const QUEUE_DIST = resolve(import.meta.dirname, '../../packages/queue/dist/index.js');
const built = existsSync(BIN) && existsSync(QUEUE_DIST);
const reason = redisReason || (built || process.env.CI === 'true' ? '' : 'packages/cli or packages/queue not built (pnpm build)');

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeWithAssets(`queue: two worker processes, one killed with SIGKILL${reason ? ` [skipped: ${reason}]` : ''}`, () => {
  let redis: TestRedis;
  let dir: string;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    if (reason) return;
    assertFreshDist('cli', 'queue');
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-queue-'));
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function startWorker(queueName: string): ChildProcess {
    // the jobs are links in `dir` to the photos: both folders are roots (links resolve before the check)
    const args = [
      BIN,
      'worker',
      '--redis',
      redis.url,
      '--queue',
      queueName,
      '--root',
      dir,
      '--root',
      IMAGES_DIR,
      '--model',
      INT8_MODEL,
      '--labels',
      SYNSET,
      '--top',
      '1',
    ];
    // a dead worker's jobs come back after 2 s (BullMQ's default is 30 s)
    args.push('--threads', '1', '--concurrency', '8', '--lock-duration', '2000', '--stalled-interval', '1000');
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    workers.push(child);
    return child;
  }

  it.skipIf(reason)(
    `${JOBS} jobs (links to the photos): each ends with exactly one result, top-1 as one process classifies them`,
    async () => {
      expect(existsSync(BIN) && existsSync(QUEUE_DIST), 'run `pnpm build` before the tests').toBe(true);
      const all = photos();
      // distinct paths (so distinct job ids) to the real photos: symbolic links, no copies
      const images = Array.from({ length: JOBS }, (_, i) => {
        const photo = all[i % all.length] as (typeof all)[number];
        const link = join(dir, `${i}-${photo.wnid}.jpg`);
        symlinkSync(photo.path, link);
        return { link, photo: photo.path };
      });
      const photoOf = new Map(images.map((x) => [jobIdFor(x.link), x.photo]));
      const queueName = 'kill-test';
      const target = { connection: redis.url, queueName };
      expect(
        await enqueue(
          images.map((x) => x.link),
          target,
        ),
      ).toEqual({ submitted: JOBS, alreadyDone: 0 });

      const events = new QueueEvents(queueName, { connection: { url: redis.url } });
      const stalled = new Set<string>();
      events.on('stalled', ({ jobId }) => stalled.add(jobId));
      const failed: string[] = [];
      events.on('failed', ({ jobId, failedReason }) => failed.push(`${jobId}: ${failedReason}`));
      await events.waitUntilReady();

      const started = Date.now();
      const victim = startWorker(queueName);
      const survivor = startWorker(queueName);
      await waitFor(async () => (await countResults(target)) >= JOBS / 4, 180_000, 'a quarter of the results');
      victim.kill('SIGKILL');
      await once(victim, 'exit');
      const atKill = await countResults(target);
      await waitFor(async () => (await countResults(target)) >= JOBS, 300_000, `all ${JOBS} results`);
      const seconds = (Date.now() - started) / 1000;
      survivor.kill('SIGTERM');
      const [code] = await once(survivor, 'exit');
      await events.close();
      console.log(
        `queue kill test: ${JOBS} jobs in ${seconds.toFixed(1)} s (${(JOBS / seconds).toFixed(1)} photos/s), ${atKill} results at the kill, ${stalled.size} jobs recovered as stalled`,
      );

      expect(code).toBe(0);
      expect(failed).toEqual([]);
      // the killed worker held jobs mid-flight: BullMQ found them stalled and the survivor ran them
      expect(stalled.size).toBeGreaterThan(0);

      const classifier = await createClassifier({ model: INT8_MODEL, labels: SYNSET, embeddings: false });
      const expected = new Map<string, number>();
      for (const p of all) expected.set(p.path, (await classifier.classify(p.path, { topK: 1 }))[0]?.index ?? -1);
      await classifier.dispose();

      const seen = new Map<string, number>();
      for await (const r of readResults(target)) {
        if (!('predictions' in r)) throw new Error(`${r.image}: ${r.error.code} ${r.error.message}`);
        seen.set(r.jobId, (seen.get(r.jobId) ?? 0) + 1);
        expect(r.jobId).toBe(jobIdFor(r.image));
        expect(r.predictions[0]?.index, r.image).toBe(expected.get(photoOf.get(r.jobId) ?? ''));
      }
      expect(await countResults(target)).toBe(JOBS);
      expect(seen.size).toBe(JOBS);
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
      expect([...photoOf.keys()].filter((id) => !seen.has(id))).toEqual([]);
    },
    600_000,
  );
});
