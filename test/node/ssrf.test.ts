// Server-side request forgery (issue 20, items 2 and 5): image, model and labels URLs that lead
// to the machine's own or private network are refused by default on every hop, redirects are
// counted and checked like the first request, and no message shows a URL's secrets.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClassifier, type DownloadProgress, type NodeClassifier } from '@onnx-mobilenet/node';
import { INT8_MODEL, SYNSET, describeWithAssets, photo, type Photo } from '../assets.js';
import { serveHostile, type HostileServer } from './hostile-server.js';

describeWithAssets('private network and redirects', () => {
  let inner: HostileServer; // the "internal service" a request must not reach
  let outer: HostileServer; // the server an app was asked to fetch from
  let strict: NodeClassifier;
  let open: NodeClassifier;
  let first: Photo;
  let cacheDir: string;

  beforeAll(async () => {
    first = photo(0);
    const jpeg = readFileSync(first.path);
    cacheDir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-ssrf-'));
    inner = await serveHostile({ '/photo.jpg': { kind: 'file', body: jpeg, type: 'image/jpeg' } });
    const chain: Record<string, { kind: 'redirect'; to: string }> = {};
    for (let i = 0; i < 6; i++) chain[`/hop${i}`] = { kind: 'redirect', to: `/hop${i + 1}` };
    outer = await serveHostile({
      '/photo.jpg': { kind: 'file', body: jpeg, type: 'image/jpeg' },
      '/to-inner': { kind: 'redirect', to: inner.url('/photo.jpg') },
      ...chain,
      '/hop6': { kind: 'file', body: jpeg, type: 'image/jpeg' },
      '/model.onnx': { kind: 'file', body: readFileSync(INT8_MODEL) },
      '/synset.txt': { kind: 'file', body: readFileSync(SYNSET), type: 'text/plain' },
    });
    strict = await createClassifier({ model: INT8_MODEL, labels: SYNSET });
    open = await createClassifier({ model: INT8_MODEL, labels: SYNSET, allowPrivateNetwork: true });
  });
  afterAll(async () => {
    await strict?.dispose();
    await open?.dispose();
    await inner?.close();
    await outer?.close();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });

  const port = () => new URL(inner.url('/')).port;

  it('refuses image URLs on 127.0.0.1 in every spelling by default, and reaches them with allowPrivateNetwork', async () => {
    for (const href of [
      inner.url('/photo.jpg'),
      `http://localhost:${port()}/photo.jpg`,
      `http://0.0.0.0:${port()}/photo.jpg`,
      `http://2130706433:${port()}/photo.jpg`,
      `http://[::ffff:127.0.0.1]:${port()}/photo.jpg`,
      `http://[::1]:${port()}/photo.jpg`,
    ]) {
      await expect(strict.classify(href), href).rejects.toMatchObject({ code: 'E_FORBIDDEN', message: expect.stringContaining('allowPrivateNetwork') });
      await expect(strict.classify(new URL(href)), href).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
    }
    expect(inner.hits.get('/photo.jpg') ?? 0).toBe(0);
    for (const href of [inner.url('/photo.jpg'), `http://localhost:${port()}/photo.jpg`, `http://2130706433:${port()}/photo.jpg`]) {
      expect(
        (await open.classify(href, { topK: 5 })).map((p) => p.id),
        href,
      ).toContain(first.wnid);
    }
  });

  it('checks every redirect: a 302 to an internal port, or to a host allowHost refuses, is never requested', async () => {
    inner.hits.clear();
    // allowed to reach the outer server only, by its port: the redirect to the inner one is refused
    const outerOnly = await createClassifier({
      model: INT8_MODEL,
      labels: SYNSET,
      allowPrivateNetwork: true,
      allowHost: (url) => url.port === new URL(outer.url('/')).port,
    });
    try {
      expect((await outerOnly.classify(outer.url('/photo.jpg'), { topK: 5 })).map((p) => p.id)).toContain(first.wnid);
      await expect(outerOnly.classify(outer.url('/to-inner'))).rejects.toMatchObject({
        code: 'E_FORBIDDEN',
        message: expect.stringMatching(/redirect 1.*refused by the allowHost option/),
      });
    } finally {
      await outerOnly.dispose();
    }
    expect(inner.hits.get('/photo.jpg') ?? 0).toBe(0);
    expect((await open.classify(outer.url('/to-inner'), { topK: 5 })).map((p) => p.id)).toContain(first.wnid);
    expect(inner.hits.get('/photo.jpg')).toBe(1);
  });

  it('follows at most limits.maxRedirects redirects (E_LIMIT past them)', async () => {
    await expect(open.classify(outer.url('/hop0'))).rejects.toMatchObject({ code: 'E_LIMIT', message: expect.stringContaining('limits.maxRedirects (5)') });
    expect(outer.hits.get('/hop6') ?? 0).toBe(0);
    const six = await createClassifier({ model: INT8_MODEL, labels: SYNSET, allowPrivateNetwork: true, limits: { maxRedirects: 6 } });
    try {
      expect((await six.classify(outer.url('/hop0'), { topK: 5 })).map((p) => p.id)).toContain(first.wnid);
    } finally {
      await six.dispose();
    }
  });

  it('refuses model and labels URLs on 127.0.0.1 by default, and loads them with allowPrivateNetwork', async () => {
    await expect(createClassifier({ model: outer.url('/model.onnx'), labels: SYNSET, cacheDir })).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
      message: expect.stringContaining('allowPrivateNetwork'),
    });
    await expect(createClassifier({ model: INT8_MODEL, labels: outer.url('/synset.txt'), cacheDir })).rejects.toMatchObject({ code: 'E_FORBIDDEN' });
    expect(outer.hits.get('/model.onnx') ?? 0).toBe(0);
    const c = await createClassifier({ model: outer.url('/model.onnx'), labels: outer.url('/synset.txt'), cacheDir, allowPrivateNetwork: true });
    try {
      expect((await c.classify(first.path, { topK: 5 })).map((p) => p.id)).toContain(first.wnid);
    } finally {
      await c.dispose();
    }
  });

  it('shows no user:password@ or query values in any message or progress event', async () => {
    // fetch refuses URLs with credentials (E_DOWNLOAD), and its error quotes the whole URL
    const secretUrl = (path: string) => `${outer.url(path).replace('http://', 'http://user:s3cret@')}?token=t0k3n`;
    const tokenUrl = (path: string) => `${outer.url(path)}?token=t0k3n`;
    const messages: string[] = [];
    const collect = (p: Promise<unknown>) =>
      p.then(
        () => expect.unreachable('should fail'),
        (e: Error) => messages.push(e.message),
      );
    await collect(strict.classify(secretUrl('/photo.jpg'))); // E_FORBIDDEN
    await collect(open.classify(secretUrl('/photo.jpg'))); // E_DOWNLOAD: credentials
    await collect(open.classify(tokenUrl('/missing.jpg'))); // E_DOWNLOAD 404
    await collect(open.classify(tokenUrl('/hop0'))); // E_LIMIT
    await collect(open.classify(tokenUrl('/model.onnx'))); // not an image
    const events: DownloadProgress[] = [];
    const sha256 = '0'.repeat(64);
    await collect(
      createClassifier({ model: tokenUrl('/model.onnx'), sha256, labels: SYNSET, cacheDir, allowPrivateNetwork: true, onProgress: (e) => events.push(e) }),
    ); // E_MODEL_CHECKSUM
    expect(messages).toHaveLength(6);
    expect(events.length).toBeGreaterThan(0);
    for (const text of [...messages, ...events.map((e) => e.url)]) {
      expect(text).not.toMatch(/s3cret|t0k3n|user:/);
    }
    expect(messages.join('\n')).toContain('***@');
    expect(messages.join('\n')).toContain('token=***');
  });
});
