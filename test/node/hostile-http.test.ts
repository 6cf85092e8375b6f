// Image, model and labels URLs served by hostile HTTP servers: every case ends in a typed error
// (or a correct result) quickly, with bounded memory (issue 10: items 1, 4, 6, 7).
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { IMAGENET_LABELS, createClassifier, type NodeClassifier } from '@onnx-mobilenet/node';
import { IMAGENET_CLASSES, INT8_MODEL, SYNSET, describeWithAssets, photo, type Photo } from '../assets.js';
import { serveHostile, type HostileServer } from './hostile-server.js';

const MiB = 2 ** 20;
const limits = { maxEncodedBytes: MiB, maxLabelBytes: MiB, downloadTimeoutMs: 300, maxImageDownloadMs: 2_000 };
// For the cases about size limits: the same sizes, timeouts no busy machine reaches (a 300 ms
// silence would end them in E_DOWNLOAD before the limit under test).
const sizeOnly = { ...limits, downloadTimeoutMs: 20_000, maxImageDownloadMs: 60_000 };

describeWithAssets('hostile image URLs', () => {
  let server: HostileServer;
  let classifier: NodeClassifier;
  let sized: NodeClassifier;
  let first: Photo;
  let jpeg: Uint8Array;

  beforeAll(async () => {
    first = photo(0);
    jpeg = readFileSync(first.path);
    server = await serveHostile({
      '/photo.jpg': { kind: 'file', body: jpeg, type: 'image/jpeg' },
      '/photo-gzip.jpg': { kind: 'file', body: jpeg, type: 'image/jpeg', gzip: true },
      '/silent.jpg': { kind: 'silent' },
      '/stall.jpg': { kind: 'stall', after: 100 },
      '/endless.jpg': { kind: 'endless', cap: 64 * MiB },
      '/gzip-bomb.jpg': { kind: 'endless', gzip: true, cap: 64 * MiB },
      '/cut.jpg': { kind: 'cut', body: jpeg, after: 1000 },
      // a byte every 20 ms: never 300 ms of silence, and days for the whole photo
      '/trickle.jpg': { kind: 'drip', body: jpeg, chunk: 1, everyMs: 20 },
    });
    classifier = await createClassifier({ allowPrivateNetwork: true, model: INT8_MODEL, labels: SYNSET, limits });
    sized = await createClassifier({ allowPrivateNetwork: true, model: INT8_MODEL, labels: SYNSET, limits: sizeOnly });
  });
  afterAll(async () => {
    await classifier?.dispose();
    await sized?.dispose();
    await server?.close();
  });

  it('classifies a photo served over http, plain or gzip-encoded', async () => {
    expect((await classifier.classify(server.url('/photo.jpg'), { topK: 5 })).map((p) => p.id)).toContain(first.wnid);
    expect((await classifier.classify(new URL(server.url('/photo-gzip.jpg')), { topK: 5 })).map((p) => p.id)).toContain(first.wnid);
  });

  it('abandons a server that never answers, and one that stops mid-body, after downloadTimeoutMs', async () => {
    await expect(classifier.classify(server.url('/silent.jpg'))).rejects.toMatchObject({
      code: 'E_DOWNLOAD',
      message: expect.stringContaining('sent nothing for 300 ms'),
    });
    await expect(classifier.classify(new URL(server.url('/stall.jpg')))).rejects.toMatchObject({
      code: 'E_DOWNLOAD',
      message: expect.stringContaining('sent nothing for 300 ms'),
    });
  }, 10_000);

  it('abandons a server that trickles its bytes at limits.maxImageDownloadMs, though it is never silent for downloadTimeoutMs', async () => {
    const started = Date.now();
    await expect(classifier.classify(server.url('/trickle.jpg'))).rejects.toMatchObject({
      code: 'E_LIMIT',
      message: expect.stringContaining('limits.maxImageDownloadMs (2000 ms)'),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_990);
  }, 10_000);

  it('stops reading an endless body at limits.maxEncodedBytes', async () => {
    await expect(sized.classify(server.url('/endless.jpg'))).rejects.toMatchObject({ code: 'E_LIMIT', message: expect.stringContaining(`${MiB}`) });
    await expect.poll(() => server.produced.get('/endless.jpg')).toBeDefined();
    // The server was stopped long before its 64 MiB (socket buffers hold a few MiB at most).
    expect(server.produced.get('/endless.jpg')).toBeLessThan(32 * MiB);
  }, 10_000);

  it('counts decoded bytes: a gzip bomb is stopped at the limit, not inflated whole', async () => {
    await expect(sized.classify(server.url('/gzip-bomb.jpg'))).rejects.toMatchObject({ code: 'E_LIMIT' });
    await expect.poll(() => server.produced.get('/gzip-bomb.jpg')).toBeDefined();
    expect(server.produced.get('/gzip-bomb.jpg')).toBeLessThan(32 * MiB);
  }, 10_000);

  it('reports a connection cut mid-body as E_DOWNLOAD', async () => {
    await expect(classifier.classify(server.url('/cut.jpg'))).rejects.toMatchObject({ code: 'E_DOWNLOAD', message: expect.stringContaining('broke after') });
  });

  it('refuses malformed and unusable URLs with E_INPUT', async () => {
    await expect(classifier.classify('http://[::1')).rejects.toMatchObject({ code: 'E_INPUT' });
    await expect(classifier.classify('http://exa mple.com/x.jpg')).rejects.toMatchObject({ code: 'E_INPUT' });
    await expect(classifier.classify('file://otherhost/x.jpg')).rejects.toMatchObject({ code: 'E_INPUT', message: expect.stringContaining('otherhost') });
    await expect(classifier.classify(new URL('file:///photos/a%2Fb.jpg'))).rejects.toMatchObject({ code: 'E_INPUT' });
  });
});

describeWithAssets('hostile model and labels URLs', () => {
  let server: HostileServer;
  let cacheDir: string;
  const synset = readFileSync(SYNSET);

  beforeAll(async () => {
    server = await serveHostile({
      '/zoo/synset.txt': { kind: 'file', body: synset, type: 'text/plain', gzip: true },
      '/labels.txt': { kind: 'file', body: synset, type: 'text/plain' },
      '/silent.onnx': { kind: 'silent' },
      '/endless.onnx': { kind: 'endless', cap: 64 * MiB },
      '/gzip-bomb.txt': { kind: 'endless', gzip: true, cap: 64 * MiB },
    });
  });
  afterAll(() => server?.close());
  beforeEach(() => {
    cacheDir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-hostile-'));
    return () => rmSync(cacheDir, { recursive: true, force: true });
  });

  it('accepts a mirror that serves the pinned labels gzip-encoded (decoded bytes are compared)', async () => {
    const c = await createClassifier({ allowPrivateNetwork: true, model: INT8_MODEL, mirror: server.url('/zoo'), cacheDir });
    expect(c.labels).toHaveLength(IMAGENET_CLASSES);
    expect(readdirSync(join(cacheDir, 'labels'))).toEqual([`${IMAGENET_LABELS.sha256}-synset.txt`]);
    await c.dispose();
  });

  it('stops a model that never ends at maxModelBytes, and labels that inflate without end at maxLabelBytes', async () => {
    await expect(
      createClassifier({
        allowPrivateNetwork: true,
        model: server.url('/endless.onnx'),
        labels: SYNSET,
        cacheDir,
        limits: { maxModelBytes: MiB, downloadTimeoutMs: 20_000 },
      }),
    ).rejects.toMatchObject({
      code: 'E_LIMIT',
    });
    await expect(
      createClassifier({ allowPrivateNetwork: true, model: INT8_MODEL, labels: server.url('/gzip-bomb.txt'), cacheDir, limits: sizeOnly }),
    ).rejects.toMatchObject({
      code: 'E_LIMIT',
    });
    await expect.poll(() => server.produced.get('/gzip-bomb.txt')).toBeDefined();
    expect(server.produced.get('/gzip-bomb.txt')).toBeLessThan(32 * MiB);
  }, 10_000);

  it('abandons a model server that never sends headers', async () => {
    await expect(createClassifier({ allowPrivateNetwork: true, model: server.url('/silent.onnx'), labels: SYNSET, cacheDir, limits })).rejects.toMatchObject({
      code: 'E_DOWNLOAD',
    });
  }, 10_000);

  it('refuses malformed model and labels URLs with E_INPUT', async () => {
    await expect(createClassifier({ allowPrivateNetwork: true, model: 'http://[::1/m.onnx', labels: SYNSET, cacheDir })).rejects.toMatchObject({
      code: 'E_INPUT',
    });
    await expect(createClassifier({ allowPrivateNetwork: true, model: INT8_MODEL, labels: 'https://exa mple.com/l.txt', cacheDir })).rejects.toMatchObject({
      code: 'E_INPUT',
    });
    await expect(createClassifier({ allowPrivateNetwork: true, model: 'file://otherhost/m.onnx', labels: SYNSET, cacheDir })).rejects.toMatchObject({
      code: 'E_INPUT',
    });
    await expect(createClassifier({ allowPrivateNetwork: true, model: INT8_MODEL, labels: new URL('file:///x/a%2Fb.txt'), cacheDir })).rejects.toMatchObject({
      code: 'E_INPUT',
    });
  });

  it('checks a cached URL labels file (no sha256) on every load: a tampered copy is downloaded again', async () => {
    const url = server.url('/labels.txt');
    await (await createClassifier({ allowPrivateNetwork: true, model: INT8_MODEL, labels: url, cacheDir })).dispose();
    expect(server.hits.get('/labels.txt')).toBe(1);
    const dir = join(cacheDir, 'labels');
    const cached = readdirSync(dir).find((f) => f.endsWith('labels.txt'))!;
    writeFileSync(join(dir, cached), synset.toString().replace('tench', 'pwned'));
    const c = await createClassifier({ allowPrivateNetwork: true, model: INT8_MODEL, labels: url, cacheDir });
    expect(c.labels[0]?.label).toBe('tench');
    expect(server.hits.get('/labels.txt')).toBe(2);
    await c.dispose();
  });
});
