// Hostile image, model and labels URLs in headless Chromium: each ends in a typed error within
// the download timeout or the size limit, never a hang (issue 10, item 1 in browsers).
import { readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYNSET, photo, type Photo } from '../assets.js';
import { serveHostile, type HostileServer } from '../node/hostile-server.js';
import { buildPage, launchBrowser, serveStatic, type StaticServer } from './browser-env.mjs';
import { describeInBrowser } from './describe-in-browser.js';

const here = dirname(fileURLToPath(import.meta.url));
const MiB = 2 ** 20;
const GZIP_BOMB_BYTES = 16 * 2 ** 30;

describeInBrowser('hostile URLs in Chromium', () => {
  let dist: string;
  let server: StaticServer;
  let hostile: HostileServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let first: Photo;

  beforeAll(async () => {
    dist = await buildPage(join(here, 'hostile-url-harness'));
    server = await serveStatic(dist);
    first = photo(0);
    const jpeg = readFileSync(first.path);
    hostile = await serveHostile({
      '/photo.jpg': { kind: 'file', body: jpeg, type: 'image/jpeg' },
      '/photo-gzip.jpg': { kind: 'file', body: jpeg, type: 'image/jpeg', gzip: true },
      '/silent': { kind: 'silent' },
      '/stall': { kind: 'stall', after: 100 },
      '/endless': { kind: 'endless', cap: 64 * MiB },
      // Zeros gzip about 1000:1, so the socket and Chromium's buffers hold up to GiBs of decoded
      // bytes: how far the server gets before the page leaves depends on how busy the machine
      // is. The bomb is therefore effectively endless, and the test asserts the page left it
      // (a reader that drained it would time out), not how much was in flight.
      '/gzip-bomb': { kind: 'endless', gzip: true, cap: GZIP_BOMB_BYTES },
      '/gzip-bomb-labels': { kind: 'endless', gzip: true, cap: GZIP_BOMB_BYTES },
      '/cut.jpg': { kind: 'cut', body: jpeg, after: 1000 },
      // a byte every 20 ms: never 300 ms of silence, and days for the whole photo
      '/trickle.jpg': { kind: 'drip', body: jpeg, chunk: 1, everyMs: 20 },
      '/labels.txt': { kind: 'file', body: readFileSync(SYNSET), type: 'text/plain' },
      '/labels-gzip.txt': { kind: 'file', body: readFileSync(SYNSET), type: 'text/plain', gzip: true },
      '/to-photo': { kind: 'redirect', to: '/photo.jpg' },
    });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${server.origin}/index.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await hostile?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  it('ends every hostile URL in a typed error, and reads good ones (plain or gzip)', async () => {
    const u = hostile.url;
    const out = await page.evaluate((req) => (window as any).hostile.run(req), {
      model: `${server.origin}/data/models/mobilenetv2-12-int8.onnx`,
      labels: `${server.origin}/data/models/synset.txt`,
      limits: { maxEncodedBytes: MiB, maxLabelBytes: MiB, maxModelBytes: 8 * MiB, downloadTimeoutMs: 300, maxImageDownloadMs: 2_000 },
      // cases not about timeouts: the size limits still apply to these; only the timeouts are relaxed
      relaxed: ['image good', 'image gzip', 'labels gzip', 'image endless', 'image gzipBomb', 'model endless', 'labels gzipBomb'],
      relaxedLimits: { downloadTimeoutMs: 20_000, maxImageDownloadMs: 60_000 },
      images: {
        good: u('/photo.jpg'),
        gzip: u('/photo-gzip.jpg'),
        silent: u('/silent'),
        stall: u('/stall'),
        endless: u('/endless'),
        gzipBomb: u('/gzip-bomb'),
        cut: u('/cut.jpg'),
        trickle: u('/trickle.jpg'),
        malformed: 'http://[::1',
      },
      models: { silent: u('/silent'), endless: u('/endless'), malformed: 'http://[::1/m.onnx' },
      labelUrls: { gzip: u('/labels-gzip.txt'), gzipBomb: u('/gzip-bomb-labels'), silent: u('/silent') },
    });
    expect(out).toMatchObject({
      'image good': { result: first.wnid },
      'image gzip': { result: first.wnid },
      'image silent': { code: 'E_DOWNLOAD', message: expect.stringContaining('sent nothing for 300 ms') },
      'image stall': { code: 'E_DOWNLOAD', message: expect.stringContaining('sent nothing for 300 ms') },
      'image trickle': { code: 'E_LIMIT', message: expect.stringContaining('limits.maxImageDownloadMs (2000 ms)') },
      'image endless': { code: 'E_LIMIT' },
      'image gzipBomb': { code: 'E_LIMIT' },
      'image cut': { code: 'E_DOWNLOAD' },
      'image malformed': { code: 'E_INPUT' },
      'model silent': { code: 'E_DOWNLOAD' },
      'model endless': { code: 'E_LIMIT' },
      'model malformed': { code: 'E_INPUT' },
      'labels gzip': { result: '1000 labels' },
      'labels gzipBomb': { code: 'E_LIMIT' },
      'labels silent': { code: 'E_DOWNLOAD' },
    });
    // The server records how much it produced when the client leaves (a moment after the error).
    for (const path of ['/endless', '/gzip-bomb', '/gzip-bomb-labels']) await expect.poll(() => hostile.produced.get(path)).toBeDefined();
    expect(hostile.produced.get('/endless')).toBeLessThan(32 * MiB);
    expect(hostile.produced.get('/gzip-bomb')).toBeLessThan(GZIP_BOMB_BYTES);
    expect(hostile.produced.get('/gzip-bomb-labels')).toBeLessThan(GZIP_BOMB_BYTES);
  }, 120_000);

  it("refuses another 127.0.0.1 origin and localhost without allowPrivateNetwork, reads the page's own origin, checks where redirects ended", async () => {
    hostile.hits.clear();
    const port = new URL(hostile.url('/')).port;
    const out = await page.evaluate((req) => (window as any).hostile.network(req), {
      model: `${server.origin}/data/models/mobilenetv2-12-int8.onnx`,
      labels: `${server.origin}/data/models/synset.txt`,
      sameOrigin: `${server.origin}/data/images/${basename(first.path)}`,
      otherOrigin: hostile.url('/photo.jpg'),
      localhost: `http://localhost:${port}/photo.jpg`,
      redirect: hostile.url('/to-photo'),
    });
    expect(out.sameOrigin).toMatchObject({ result: first.wnid });
    for (const key of ['otherOrigin', 'localhost', 'labelsOtherOrigin']) {
      expect([key, out[key]]).toEqual([key, expect.objectContaining({ code: 'E_FORBIDDEN', message: expect.stringContaining('allowPrivateNetwork') })]);
    }
    expect(out.openOtherOrigin).toMatchObject({ result: first.wnid });
    expect(out.hookedRedirect).toMatchObject({ code: 'E_FORBIDDEN', message: expect.stringContaining('allowHost') });
    // only the allowed classifier's request and the redirect's (which the browser made) reached the server
    expect(hostile.hits.get('/photo.jpg')).toBe(2);
  }, 120_000);

  it('checks cached labels without a pinned sha256 on every load: an altered copy is fetched again', async () => {
    const model = `${server.origin}/data/models/mobilenetv2-12-int8.onnx`;
    const first = await page.evaluate((req) => (window as any).hostile.tamperedCache(req.model, req.labels), { model, labels: hostile.url('/labels.txt') });
    expect(first).toBe('tench');
    expect(hostile.hits.get('/labels.txt')).toBe(2);
  }, 60_000);
});
