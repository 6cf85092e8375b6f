// The built CLI's `worker` against a real redis-server, as an attacker who can enqueue jobs would
// use it: paths outside its --root folders, links out of them, file: URLs, a 70 MB job; then Redis
// killed under it, and SIGTERM. Also `results` with a corrupt stored result.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClassifier } from '@onnx-mobilenet/node';
import { countResults, enqueue, type JobResult, readResults } from '@onnx-mobilenet/queue';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { INT8_MODEL, SYNSET, describeWithAssets, photos } from '../assets.js';
import { redisReason, startRedis, type TestRedis } from '../redis-server.js';
import { assertFreshDist } from '../fresh-dist.js';

const BIN = resolve(import.meta.dirname, '../../packages/cli/dist/cli.js');
const built = existsSync(BIN) && existsSync(resolve(import.meta.dirname, '../../packages/queue/dist/index.js'));
const reason = redisReason || (built || process.env.CI === 'true' ? '' : 'packages/cli or packages/queue not built (pnpm build)');

async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function rssMB(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

describeWithAssets(`queue worker CLI as an attacker's target${reason ? ` [skipped: ${reason}]` : ''}`, () => {
  let redis: TestRedis;
  let dir: string;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    if (reason) return;
    assertFreshDist('cli', 'queue');
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-queue-security-'));
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function startWorker(queueName: string, roots: string[]): { child: ChildProcess; stderr: () => string } {
    const args = [BIN, 'worker', '--redis', redis.url, '--queue', queueName, ...roots.flatMap((r) => ['--root', r])];
    args.push('--model', INT8_MODEL, '--labels', SYNSET, '--top', '1', '--threads', '1');
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    children.push(child);
    return { child, stderr: () => stderr };
  }

  it.skipIf(reason)(
    'reads only under --root: /etc/passwd, /proc/self/environ, a private photo, a missing path and links out all get one E_FORBIDDEN, no bytes quoted',
    async () => {
      const [a, b, hidden] = photos();
      if (!a || !b || !hidden) throw new Error('the test needs 3 photos');
      mkdirSync(join(dir, 'photos'));
      mkdirSync(join(dir, 'private'));
      writeFileSync(join(dir, 'photos/a.jpg'), readFileSync(a.path));
      writeFileSync(join(dir, 'photos/b.jpg'), readFileSync(b.path));
      writeFileSync(join(dir, 'private/hidden.jpg'), readFileSync(hidden.path));
      symlinkSync('/etc/passwd', join(dir, 'photos/passwd.jpg'));
      symlinkSync(join(dir, 'private/hidden.jpg'), join(dir, 'photos/hidden.jpg'));
      const allowed = [join(dir, 'photos/a.jpg'), pathToFileURL(join(dir, 'photos/b.jpg')).href];
      const refused = [
        '/etc/passwd',
        '/proc/self/environ',
        join(dir, 'private/hidden.jpg'),
        join(dir, 'photos/missing.jpg'),
        join(dir, 'photos/passwd.jpg'),
        join(dir, 'photos/hidden.jpg'),
        `${dir}/photos/../private/hidden.jpg`, // a string, not join(), which would resolve the '..'
        pathToFileURL('/etc/passwd').href,
      ];
      const target = { connection: redis.url, queueName: 'roots' };
      // listInputs would resolve '..': enqueue the strings as an attacker would
      await enqueue([...allowed, ...refused], target);
      const { child, stderr } = startWorker('roots', [join(dir, 'photos')]);
      await waitFor(async () => (await countResults(target)) === allowed.length + refused.length, 180_000, 'every result');
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code, stderr()).toBe(0);

      const results = new Map<string, JobResult>();
      for await (const r of readResults(target)) results.set(r.image, r);
      const classifier = await createClassifier({ model: INT8_MODEL, labels: SYNSET, embeddings: false });
      for (const [image, photo] of [
        [allowed[0], a],
        [allowed[1], b],
      ] as const) {
        const r = results.get(image as string);
        expect(r && 'predictions' in r ? r.predictions[0]?.index : r, image).toBe((await classifier.classify(photo.path, { topK: 1 }))[0]?.index);
      }
      await classifier.dispose();
      for (const image of refused) {
        const shown = image.startsWith('file:') ? '/etc/passwd' : image;
        expect(results.get(image), image).toMatchObject({
          error: {
            code: 'E_FORBIDDEN',
            message: `path not allowed: ${JSON.stringify(shown)}; only files under the configured folders are read (option roots (CLI --root))`,
          },
        });
      }
      // nothing of /etc/passwd or the environment anywhere, as text or as hex
      const stored = JSON.stringify([...results.values()]) + stderr();
      for (const leak of ['root:x', '72 6f 6f 74', 'SHELL=', '53 48 45 4c', 'PATH=']) expect(stored).not.toContain(leak);
    },
    300_000,
  );

  it.skipIf(reason)(
    'a 70 MB job is refused before it is parsed; Redis killed under the worker: one line, no ioredis stacks, and SIGTERM ends it',
    async () => {
      const own = await startRedis();
      try {
        const target = { connection: own.url, queueName: 'big' };
        const big = `https://127.0.0.1:9/${'a'.repeat(70 * 2 ** 20)}`;
        await enqueue([big, 'https://127.0.0.1:9/after.jpg'], { ...target, attempts: 1 });
        const args = [BIN, 'worker', '--redis', own.url, '--queue', 'big', '--model', INT8_MODEL, '--labels', SYNSET, '--threads', '1'];
        const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
        children.push(child);
        let stderr = '';
        child.stderr?.on('data', (d) => (stderr += d));
        let peak = 0;
        const sampler = setInterval(() => (peak = Math.max(peak, rssMB(child.pid as number))), 20);
        try {
          await waitFor(async () => (await countResults(target)) === 2, 180_000, 'both results');
        } finally {
          clearInterval(sampler);
        }
        const results: JobResult[] = [];
        for await (const r of readResults(target)) results.push(r);
        const refusal = results.find((r) => r.image === '');
        expect(refusal).toMatchObject({ error: { code: 'E_LIMIT', message: "job data has 73400352 bytes, over the worker's maxJobBytes (65536)" } });
        console.log(`queue security: a 70 MB job refused with the worker at ${peak.toFixed(0)} MiB RSS at most`);
        // the classifier's own 250 MB or so, and the job as ioredis received it (it was 2.35 GB)
        expect(peak).toBeLessThan(700);

        await own.stop(); // Redis dies under the running worker
        await waitFor(() => stderr.includes('E_QUEUE'), 60_000, 'the report of the lost connection');
        await new Promise((r) => setTimeout(r, 3000)); // reconnection attempts meanwhile
        child.kill('SIGTERM');
        const exited = once(child, 'exit');
        await waitFor(() => child.exitCode !== null || child.signalCode !== null, 60_000, 'the worker to exit after SIGTERM');
        const [code] = await exited;
        expect(code, stderr).toBe(0);
        expect(stderr).not.toContain('Unhandled error event');
        expect(stderr.split('\n').filter((l) => l.includes('E_QUEUE'))).toHaveLength(1);
      } finally {
        await own.stop();
      }
    },
    300_000,
  );

  it.skipIf(reason)('results prints every result, and reports a corrupt one instead of stopping at it', async () => {
    const target = { connection: redis.url, queueName: 'roots' };
    const hset = spawnSync('redis-cli', ['-u', redis.url, 'HSET', 'onnx-mobilenet:roots:results', 'img-corrupt', '{"jobId": root:x'], { encoding: 'utf8' });
    expect(hset.stdout.trim()).toBe('1');
    const total = await countResults(target);
    const run = spawnSync(process.execPath, [BIN, 'results', '--redis', redis.url, '--queue', 'roots'], { encoding: 'utf8', timeout: 60_000 });
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(total);
    expect(lines.filter((l) => (JSON.parse(l) as JobResult).jobId === 'img-corrupt')).toHaveLength(1);
    expect(run.stderr).toContain('onnx-mobilenet results: E_QUEUE: the stored result of job "img-corrupt" is corrupt');
    expect(run.stderr).toContain(`${total} result(s), 1 of them corrupt`);
    expect(run.stderr + run.stdout).not.toContain('root:x');
    expect(run.status).toBe(1);
  });
});
