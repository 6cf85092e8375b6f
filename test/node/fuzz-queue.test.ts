// Fuzzing the queue worker with hostile job payloads: seeded job hashes written straight into Redis
// (as any producer with access to it could), against a worker with one root folder and the real
// classifier. Paths out of the root (system files, links, '..', sibling folders, NUL bytes, control
// characters, long names), file: URLs, data that is not JSON or not {image}, oversized data, and
// corrupt stored results. Every job must end with exactly one stored result: predictions only for
// the photos under the root, otherwise a typed error; none left active; no message holding a byte
// of a file outside the root; readResults never stopping. FUZZ_SEED replays a run; the case count is
// FUZZ_COUNT / 100 (20 by default, so CI stays fast; FUZZ_COUNT=20000 runs 200).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ErrorCode } from '@onnx-mobilenet/node';
import { type JobResult, countResults, createQueueWorker, readResults } from '@onnx-mobilenet/queue';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { INT8_MODEL, SYNSET, describeWithAssets, photos } from '../assets.js';
import { redisReason, startRedis, type TestRedis } from '../redis-server.js';
import { rng } from './fuzz-inputs.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const COUNT = Math.max(1, Math.ceil(Number(process.env.FUZZ_COUNT ?? 2000) / 100));
const SECRET = 'SECRET-MARKER-7f3a';
const QUEUE = 'fuzz-queue';

/** Runs Redis commands through `redis-cli --pipe` (RESP, so any bytes go through as they are). */
function redisWrite(url: string, commands: string[][]): void {
  const resp = (command: string[]) =>
    Buffer.concat([
      Buffer.from(`*${command.length}\r\n`),
      ...command.flatMap((arg) => [Buffer.from(`$${Buffer.byteLength(arg)}\r\n`), Buffer.from(arg), Buffer.from('\r\n')]),
    ]);
  const run = spawnSync('redis-cli', ['-u', url, '--pipe'], { input: Buffer.concat(commands.map(resp)), encoding: 'utf8' });
  if (!run.stdout.includes(`errors: 0, replies: ${commands.length}`)) throw new Error(`redis-cli --pipe: ${run.stdout}${run.stderr}`);
}

/** A generated job: its raw data as stored in Redis, and the outcome it must end in. */
interface QueueCase {
  name: string;
  data: string;
  expect: 'ok' | ErrorCode | 'typed';
}

describeWithAssets(`fuzz: hostile queue payloads${redisReason ? ` [skipped: ${redisReason}]` : ''}`, () => {
  let redis: TestRedis;
  let dir: string;
  let root: string;
  beforeAll(async () => {
    if (redisReason) return;
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-fuzz-queue-'));
    root = join(dir, 'photos');
    mkdirSync(root);
    mkdirSync(join(dir, 'photos-private'));
    for (const p of photos().slice(0, 3)) writeFileSync(join(root, `${p.wnid}.jpg`), readFileSync(p.path));
    writeFileSync(join(dir, 'secret.txt'), `${SECRET}\n`);
    writeFileSync(join(dir, 'photos-private/secret.jpg'), `${SECRET}\n`);
    symlinkSync(join(dir, 'secret.txt'), join(root, 'link-out.jpg'));
    symlinkSync(dir, join(root, 'up'));
    symlinkSync(join(root, `${photos()[0]?.wnid}.jpg`), join(root, 'link-in.jpg'));
  });
  afterAll(async () => {
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function makeCase(random: () => number): QueueCase {
    const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)] as T;
    const job = (image: unknown) => JSON.stringify({ image });
    const photo = join(root, `${pick(photos().slice(0, 3)).wnid}.jpg`);
    const junk = (n: number) => Array.from({ length: n }, () => String.fromCharCode(int(0, 0xffff))).join('');
    const kinds = [
      'photo',
      'photo-url',
      'link-in',
      'secret',
      'link-out',
      'dotdot',
      'up-link',
      'prefix',
      'system',
      'missing',
      'nul',
      'control',
      'long',
      'too-large',
      'not-json',
      'shape',
      'scheme',
      'closed-port',
    ] as const;
    const kind = pick(kinds);
    switch (kind) {
      case 'photo':
        return { name: kind, data: job(photo), expect: 'ok' };
      case 'photo-url':
        return { name: kind, data: job(pathToFileURL(photo).href), expect: 'ok' };
      case 'link-in':
        return { name: kind, data: job(join(root, 'link-in.jpg')), expect: 'ok' };
      case 'secret':
        return { name: kind, data: job(pick([join(dir, 'secret.txt'), pathToFileURL(join(dir, 'secret.txt')).href])), expect: 'E_FORBIDDEN' };
      case 'link-out':
        return { name: kind, data: job(join(root, 'link-out.jpg')), expect: 'E_FORBIDDEN' };
      case 'dotdot':
        return {
          name: kind,
          data: job(`${root}/${'../'.repeat(int(1, 6))}${pick(['secret.txt', 'etc/passwd', 'photos-private/secret.jpg'])}`),
          expect: 'E_FORBIDDEN',
        };
      case 'up-link':
        return { name: kind, data: job(join(root, 'up/secret.txt')), expect: 'E_FORBIDDEN' };
      case 'prefix':
        return { name: kind, data: job(`${root}-private/secret.jpg`), expect: 'E_FORBIDDEN' };
      case 'system': {
        const system = [
          '/etc/passwd',
          '/etc/shadow',
          '/proc/self/environ',
          '/proc/self/cmdline',
          '/proc/self/fd/0',
          '/dev/zero',
          '/dev/urandom',
          '/root/.ssh/id_rsa',
          '/',
        ];
        return { name: kind, data: job(pick(system)), expect: 'E_FORBIDDEN' };
      }
      case 'missing':
        return { name: kind, data: job(join(root, `${junk(int(1, 12)).replace(/[/\0]/g, '_')}.jpg`)), expect: 'E_FORBIDDEN' };
      case 'nul':
        return { name: kind, data: job(`${photo}\0${join(dir, 'secret.txt')}`), expect: 'E_FORBIDDEN' };
      case 'control':
        return { name: kind, data: job(join(root, `\u001b[2J\u001b]0;pwned\u0007\n${SECRET.slice(0, 3)}\u202e.jpg`)), expect: 'E_FORBIDDEN' };
      case 'long':
        return { name: kind, data: job(join(root, 'a'.repeat(int(300, 60_000)))), expect: 'E_FORBIDDEN' };
      case 'too-large':
        return { name: kind, data: job(join(root, 'a'.repeat(int(70_000, 4_000_000)))), expect: 'E_LIMIT' };
      case 'not-json': {
        const text = pick([`{"image": ${join(dir, 'secret.txt')}`, junk(int(0, 200)), '{', '{"image": "a"', "{'image': 'x'}", 'undefined', '\u0000']);
        return { name: kind, data: text, expect: 'typed' }; // some junk parses: '' becomes {}, a digit a number
      }
      case 'shape': {
        const shapes = [
          'null',
          '5',
          '[]',
          '"x"',
          '{}',
          '{"image": 5}',
          '{"image": ""}',
          '{"image": {}}',
          '{"image": ["/etc/passwd"]}',
          '{"__proto__": {"image": "/etc/passwd"}}',
          '{"constructor": {"prototype": {"image": "/etc/passwd"}}}',
        ];
        return { name: kind, data: pick(shapes), expect: 'E_INPUT' };
      }
      case 'scheme':
        return {
          name: kind,
          data: job(
            pick([
              'ftp://127.0.0.1/x.jpg',
              'data:image/png;base64,AAAA',
              'javascript:alert(1)',
              'file://other-host/etc/passwd',
              'file:///etc/passwd',
              'FILE:///etc/passwd',
            ]),
          ),
          expect: 'typed',
        };
      case 'closed-port':
        return { name: kind, data: job(`http://127.0.0.1:9/${int(0, 1e6)}.jpg`), expect: 'typed' };
    }
  }

  it.skipIf(redisReason)(
    `${COUNT} hostile jobs (seed ${SEED}): one result each, predictions only under the root, typed errors, no file bytes`,
    async () => {
      const random = rng(SEED);
      const cases = Array.from({ length: COUNT }, () => makeCase(random));
      // jobs added first, their data then replaced: the worker starts after, so it reads the raw data
      const queue = new Queue(QUEUE, { connection: { url: redis.url } });
      for (const [i] of cases.entries()) {
        await queue.add('classify', { image: 'placeholder' }, { jobId: `fuzz-${i}`, attempts: 1, removeOnComplete: true });
      }
      const writes: string[][] = cases.map((c, i) => ['HSET', `bull:${QUEUE}:fuzz-${i}`, 'data', c.data]);
      // corrupt results beside them: readResults must read past each
      const corrupt = Math.max(1, Math.floor(COUNT / 10));
      for (let i = 0; i < corrupt; i++) writes.push(['HSET', `onnx-mobilenet:${QUEUE}:results`, `corrupt-${i}`, `{"jobId": ${SECRET}`]);
      redisWrite(redis.url, writes);

      const warnings: string[] = [];
      const worker = await createQueueWorker({
        connection: redis.url,
        queueName: QUEUE,
        roots: [root],
        concurrency: 4,
        classifierOptions: { model: INT8_MODEL, labels: SYNSET, threads: 1, limits: { downloadTimeoutMs: 2000 } },
        onError: (e) => warnings.push(e.message),
      });
      try {
        await new Promise<void>((done, fail) => {
          const deadline = Date.now() + 60_000 + COUNT * 1000;
          const poll = async () => {
            if ((await countResults({ connection: redis.url, queueName: QUEUE })) >= COUNT + corrupt) return done();
            if (Date.now() > deadline) return fail(new Error(`not every job has a result (seed ${SEED})`));
            setTimeout(poll, 100);
          };
          void poll();
        });
      } finally {
        await worker.close();
      }

      const results = new Map<string, JobResult>();
      for await (const r of readResults({ connection: redis.url, queueName: QUEUE })) results.set(r.jobId, r);
      expect(results.size).toBe(COUNT + corrupt);
      for (let i = 0; i < corrupt; i++) expect(results.get(`corrupt-${i}`)).toMatchObject({ error: { code: 'E_QUEUE' } });
      const failures: string[] = [];
      for (const [i, c] of cases.entries()) {
        const r = results.get(`fuzz-${i}`);
        const got = !r ? 'no result' : 'predictions' in r ? 'ok' : (r.error.code ?? `untyped: ${r.error.message}`);
        const fine = c.expect === 'typed' ? got !== 'ok' && got !== 'no result' && !got.startsWith('untyped') : got === c.expect;
        if (!fine) failures.push(`case ${i} (${c.name}, seed ${SEED}): expected ${c.expect}, got ${got}`);
      }
      expect(failures).toEqual([]);
      const stored = JSON.stringify([...results.values()].filter((r) => !r.jobId.startsWith('corrupt-')));
      expect(stored).not.toContain(SECRET);
      expect(stored).not.toContain('root:x');
      expect(await queue.getActiveCount()).toBe(0);
      expect(warnings).toEqual([]);
      await queue.close();
    },
    600_000,
  );
});
