// Fuzzing downloads: seeded hostile HTTP servers on 127.0.0.1 (silent, stalling, slow-drip,
// endless, gzip bombs, cut mid-body, lying Content-Length, redirect loops, HTML pages, huge
// headers, garbage) behind image, model and labels URLs. Every case must end in a valid result or
// a typed OnnxMobilenetError within a time bound. FUZZ_SEED replays a run; the case count is
// FUZZ_COUNT / 100 (20 by default, so CI stays fast; FUZZ_COUNT=20000 runs 200).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClassifier, isOnnxMobilenetError, type ErrorCode, type NodeClassifier } from '@onnx-mobilenet/node';
import { IMAGENET_CLASSES, INT8_MODEL, SYNSET, describeWithAssets, photo } from '../assets.js';
import { rng } from './fuzz-inputs.js';
import { serveHostile, type Behaviour, type HostileServer } from './hostile-server.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const COUNT = Math.max(1, Math.ceil(Number(process.env.FUZZ_COUNT ?? 2000) / 100));
const TIME_BOUND_MS = 10_000;
const KiB = 1024;
const MiB = 2 ** 20;
const limits = { maxEncodedBytes: MiB, maxLabelBytes: MiB, maxModelBytes: 8 * MiB, downloadTimeoutMs: 250 };

type Target = 'image' | 'model' | 'labels';
/** A generated case: the behaviour, and the outcome it must end in ('ok', a code, or 'typed' for any typed error). */
interface HttpCase {
  name: string;
  behaviour: Behaviour;
  expect: 'ok' | ErrorCode | 'typed';
}

function makeHttpCase(target: Target, good: Uint8Array, path: string, random: () => number): HttpCase {
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const kinds = [
    'good',
    'gzip',
    'drip',
    'silent',
    'stall',
    'endless',
    'gzip-bomb',
    'cut',
    'short-length',
    'long-length',
    'redirect-loop',
    'redirect',
    'status',
    'html',
    'huge-header',
    'garbage',
  ];
  const kind = kinds[int(0, kinds.length - 1)];
  switch (kind) {
    case 'good':
      return { name: kind, behaviour: { kind: 'file', body: good }, expect: 'ok' };
    case 'gzip':
      return { name: kind, behaviour: { kind: 'file', body: good, gzip: true }, expect: 'ok' };
    case 'drip': {
      const chunk = Math.ceil(good.byteLength / int(2, 6));
      return { name: `${kind} ${chunk} B / 30 ms`, behaviour: { kind: 'drip', body: good, chunk, everyMs: 30 }, expect: 'ok' };
    }
    case 'silent':
      return { name: kind, behaviour: { kind: 'silent' }, expect: 'E_DOWNLOAD' };
    case 'stall': {
      const after = int(0, 5000);
      return { name: `${kind} after ${after}`, behaviour: { kind: 'stall', after }, expect: 'E_DOWNLOAD' };
    }
    case 'endless':
      return { name: kind, behaviour: { kind: 'endless', cap: 64 * MiB }, expect: 'E_LIMIT' };
    case 'gzip-bomb':
      return { name: kind, behaviour: { kind: 'endless', gzip: true, cap: 64 * MiB }, expect: 'E_LIMIT' };
    case 'cut': {
      const after = int(0, good.byteLength - 1);
      return { name: `${kind} after ${after}`, behaviour: { kind: 'cut', body: good, after }, expect: 'E_DOWNLOAD' };
    }
    case 'short-length': {
      // Announces more than it sends, then closes.
      const declared = good.byteLength + int(1, 100 * KiB);
      return { name: `${kind} ${declared}`, behaviour: { kind: 'lying-length', body: good, declared }, expect: 'E_DOWNLOAD' };
    }
    case 'long-length': {
      // Sends more than it announces: the reader gets the announced prefix (or a parse error).
      const declared = int(0, good.byteLength - 1);
      return { name: `${kind} ${declared}`, behaviour: { kind: 'lying-length', body: good, declared }, expect: 'typed' };
    }
    case 'redirect-loop':
      return { name: kind, behaviour: { kind: 'redirect', to: path }, expect: 'E_LIMIT' }; // limits.maxRedirects
    case 'redirect':
      return { name: kind, behaviour: { kind: 'redirect', to: `${path}-target` }, expect: 'ok' };
    case 'status': {
      const status = [400, 401, 403, 404, 410, 429, 500, 502, 503][int(0, 8)]!;
      return { name: `${kind} ${status}`, behaviour: { kind: 'status', status, body: 'nope' }, expect: 'E_DOWNLOAD' };
    }
    case 'html': {
      const html = { image: 'E_IMAGE_DECODE', model: 'E_DOWNLOAD', labels: 'E_LABELS' } as const;
      return { name: kind, behaviour: { kind: 'status', status: 200, body: '<html><body>sign in</body></html>', type: 'text/html' }, expect: html[target] };
    }
    case 'huge-header':
      return { name: kind, behaviour: { kind: 'huge-header', bytes: int(20, 200) * KiB }, expect: 'E_DOWNLOAD' };
    default: {
      const garbage = new Uint8Array(int(1, 64 * KiB)).map(() => int(0, 255));
      return { name: `garbage ${garbage.byteLength}`, behaviour: { kind: 'file', body: garbage }, expect: 'typed' };
    }
  }
}

describeWithAssets(`fuzzing image, model and labels URLs (seed ${SEED}, ${COUNT} servers)`, () => {
  let classifier: NodeClassifier;
  let server: HostileServer;
  let cacheDir: string;
  const routes: Record<string, Behaviour> = {};
  const cases: { target: Target; path: string; c: HttpCase }[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    const goods: Record<Target, Uint8Array> = { image: readFileSync(photo(0).path), model: readFileSync(INT8_MODEL), labels: readFileSync(SYNSET) };
    const random = rng(SEED);
    for (let i = 0; i < COUNT; i++) {
      const target = (['image', 'model', 'labels'] as const)[Math.floor(random() * 3)]!;
      const path = `/${i}/${target}`;
      const c = makeHttpCase(target, goods[target], path, random);
      routes[path] = c.behaviour;
      routes[`${path}-target`] = { kind: 'file', body: goods[target] };
      cases.push({ target, path, c });
    }
    server = await serveHostile(routes);
    cacheDir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-fuzz-http-'));
    classifier = await createClassifier({ allowPrivateNetwork: true, model: INT8_MODEL, labels: SYNSET, limits });
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await classifier?.dispose();
    await server?.close();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });

  async function attempt(target: Target, url: string): Promise<void> {
    if (target === 'image') {
      const predictions = await classifier.classify(url, { topK: 1 });
      expect(predictions[0]?.id).toBe(photo(0).wnid);
      return;
    }
    const c = await createClassifier({
      allowPrivateNetwork: true,
      model: target === 'model' ? url : INT8_MODEL,
      labels: target === 'labels' ? url : SYNSET,
      limits,
      cacheDir,
    });
    expect(c.labels).toHaveLength(IMAGENET_CLASSES);
    await c.dispose();
  }

  it(
    'ends every case in a valid result or the expected typed error, in time',
    async () => {
      const failures: string[] = [];
      for (const { target, path, c } of cases) {
        const label = `#${path} ${target} ${c.name}`;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const hang = new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), TIME_BOUND_MS)));
        const outcome = await Promise.race([
          attempt(target, server.url(path)).then(
            () => 'ok',
            (err: unknown) => (isOnnxMobilenetError(err) ? err.code : `untyped ${String(err)}`),
          ),
          hang,
        ]);
        clearTimeout(timer);
        const typed = outcome !== 'ok' && outcome !== 'hang' && !outcome.startsWith('untyped');
        if (c.expect === 'typed' ? !(typed || outcome === 'ok') : outcome !== c.expect) failures.push(`${label}: expected ${c.expect}, got ${outcome}`);
      }
      expect(failures).toEqual([]);
      expect(unhandled).toEqual([]);
    },
    COUNT * TIME_BOUND_MS,
  );
});
