import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { MODELS, type DownloadProgress } from '@onnx-mobilenet/core';
import { createClassifier } from '../src/index.js';
import { INT8_MODEL, SYNSET, describeWithAssets, photo } from '../../../test/assets.js';
import { serveFiles, type FileServer } from '../../../test/serve-files.js';

/** Every file under a directory, recursively, relative names. */
function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath ?? (d as unknown as { path: string }).path, d.name).slice(dir.length + 1));
  } catch {
    return [];
  }
}

describeWithAssets('model download and cache (served from 127.0.0.1)', () => {
  let server: FileServer;
  let cacheDir: string;
  let model: Uint8Array;
  const sha = MODELS['mobilenetv2-12-int8'].sha256;

  beforeAll(async () => {
    model = readFileSync(INT8_MODEL);
    const synset = readFileSync(SYNSET);
    server = await serveFiles({
      '/zoo/mobilenet/model/mobilenetv2-12-int8.onnx': { file: model },
      '/zoo/synset.txt': { file: synset, type: 'text/plain' },
      '/wrong.onnx': { file: synset },
      '/cut.onnx': { cutAfter: 1_000_000, file: model },
      '/login.html': { status: 200, body: '<html>sign in</html>', type: 'text/html' },
    });
  });
  afterAll(() => server?.close());
  beforeEach(() => {
    cacheDir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-cache-'));
    return () => rmSync(cacheDir, { recursive: true, force: true });
  });

  it('downloads a registry model once with progress, verifies it, then serves it from the cache', async () => {
    const progress: DownloadProgress[] = [];
    const mirror = server.url('/zoo');
    const c1 = await createClassifier({ allowPrivateNetwork: true, model: 'mobilenetv2-12-int8', mirror, cacheDir, onProgress: (p) => progress.push(p) });
    const modelUrl = server.url('/zoo/mobilenet/model/mobilenetv2-12-int8.onnx');
    const modelProgress = progress.filter((p) => p.url === modelUrl);
    expect(modelProgress.length).toBeGreaterThan(1);
    expect(modelProgress.at(-1)).toEqual({ url: modelUrl, loaded: model.byteLength, total: model.byteLength });
    expect(modelProgress.every((p, i) => i === 0 || p.loaded > modelProgress[i - 1]!.loaded)).toBe(true);
    expect(listFiles(cacheDir).sort()).toEqual(
      [`labels/${'acf75ef0abe89694b19056e0796401068b459c457baa30335f240c7692857355'}-synset.txt`, `models/${sha}-mobilenetv2-12-int8.onnx`].sort(),
    );
    const first = photo(0);
    expect((await c1.classify(first.path, { topK: 5 })).map((p) => p.id)).toContain(first.wnid);
    await c1.dispose();

    const before = server.hits.get('/zoo/mobilenet/model/mobilenetv2-12-int8.onnx');
    const c2 = await createClassifier({ allowPrivateNetwork: true, model: 'mobilenetv2-12-int8', mirror, cacheDir });
    expect(server.hits.get('/zoo/mobilenet/model/mobilenetv2-12-int8.onnx')).toBe(before);
    expect(server.hits.get('/zoo/synset.txt')).toBe(1);
    await c2.dispose();
  });

  it('downloads again when the cached file was altered on disk', async () => {
    const mirror = server.url('/zoo');
    await (await createClassifier({ allowPrivateNetwork: true, model: 'mobilenetv2-12-int8', mirror, cacheDir })).dispose();
    const cached = join(cacheDir, 'models', `${sha}-mobilenetv2-12-int8.onnx`);
    const altered = readFileSync(cached);
    altered[5000]! ^= 0xff;
    writeFileSync(cached, altered);
    const hits = server.hits.get('/zoo/mobilenet/model/mobilenetv2-12-int8.onnx') ?? 0;
    await (await createClassifier({ allowPrivateNetwork: true, model: 'mobilenetv2-12-int8', mirror, cacheDir })).dispose();
    expect(server.hits.get('/zoo/mobilenet/model/mobilenetv2-12-int8.onnx')).toBe(hits + 1);
    expect(readFileSync(cached).equals(readFileSync(INT8_MODEL))).toBe(true);
  });

  it('refuses a checksum mismatch with E_MODEL_CHECKSUM and leaves nothing in the cache', async () => {
    await expect(
      createClassifier({ allowPrivateNetwork: true, model: server.url('/wrong.onnx'), sha256: sha, labels: SYNSET, cacheDir }),
    ).rejects.toMatchObject({
      code: 'E_MODEL_CHECKSUM',
      message: expect.stringContaining(`expected ${sha}`),
    });
    expect(listFiles(cacheDir)).toEqual([]);
  });

  it('reports an HTTP error with E_DOWNLOAD naming the status and URL', async () => {
    const url = server.url('/missing.onnx');
    await expect(createClassifier({ allowPrivateNetwork: true, model: url, labels: SYNSET, cacheDir })).rejects.toMatchObject({
      code: 'E_DOWNLOAD',
      message: expect.stringMatching(new RegExp(`HTTP 404 .*${url.replace(/\./g, '\\.')}`)),
    });
    expect(listFiles(cacheDir)).toEqual([]);
  });

  it('reports a connection cut mid-body with E_DOWNLOAD and leaves no partial file', async () => {
    await expect(createClassifier({ allowPrivateNetwork: true, model: server.url('/cut.onnx'), sha256: sha, labels: SYNSET, cacheDir })).rejects.toMatchObject({
      code: 'E_DOWNLOAD',
    });
    expect(listFiles(cacheDir)).toEqual([]);
    // and the next attempt downloads for real
    const hits = server.hits.get('/cut.onnx');
    await expect(createClassifier({ allowPrivateNetwork: true, model: server.url('/cut.onnx'), sha256: sha, labels: SYNSET, cacheDir })).rejects.toMatchObject({
      code: 'E_DOWNLOAD',
    });
    expect(server.hits.get('/cut.onnx')).toBe((hits ?? 0) + 1);
  });

  it('refuses an HTML page served instead of a model', async () => {
    await expect(createClassifier({ allowPrivateNetwork: true, model: server.url('/login.html'), labels: SYNSET, cacheDir })).rejects.toMatchObject({
      code: 'E_DOWNLOAD',
      message: expect.stringContaining('HTML page'),
    });
  });

  it('uses a local model and labels without touching the network', async () => {
    const total = [...server.hits.values()].reduce((a, b) => a + b, 0);
    const c = await createClassifier({ model: INT8_MODEL, labels: SYNSET, cacheDir });
    await c.dispose();
    expect([...server.hits.values()].reduce((a, b) => a + b, 0)).toBe(total);
    expect(listFiles(cacheDir)).toEqual([]);
  });

  it('names a missing local model file with E_NOT_FOUND', async () => {
    await expect(createClassifier({ model: '/nonexistent/model.onnx', labels: SYNSET })).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
      message: 'model file not found: /nonexistent/model.onnx',
    });
  });
});
