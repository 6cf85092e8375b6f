// Hostile image inputs in a real browser (headless Chromium): decompression bombs refused from
// their header before any decode, huge or tainted canvas sources, SVG. Every case ends in
// predictions or a typed error; over-limit cases must not reach createImageBitmap or a canvas.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { photo } from '../assets.js';
import { buildPage, launchBrowser, serveStatic, type StaticServer } from './browser-env.mjs';
import { describeInBrowser } from './describe-in-browser.js';
import { bigFrameGif, blackPng, sof10Jpeg, vp8xWebp } from './hostile-image-files.js';
import type { Outcome } from './hostile-harness/main.js';
import { progressiveJpeg } from '../hostile-jpeg.js';

const here = dirname(fileURLToPath(import.meta.url));

describeInBrowser('hostile image inputs in Chromium', () => {
  let dist: string;
  let server: StaticServer;
  let otherOrigin: StaticServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let r: Record<string, Outcome>;

  beforeAll(async () => {
    dist = await buildPage(join(here, 'hostile-harness'));
    mkdirSync(join(dist, 'hostile'));
    writeFileSync(join(dist, 'hostile/claims-30000x30000.png'), blackPng(30000, 30000, 2));
    writeFileSync(join(dist, 'hostile/real-4000x4000.png'), blackPng(4000, 4000));
    writeFileSync(join(dist, 'hostile/sof10-30000x20000.jpg'), sof10Jpeg(30000, 20000));
    writeFileSync(join(dist, 'hostile/sof10-behind-app-segments.jpg'), sof10Jpeg(30000, 20000, 2));
    writeFileSync(join(dist, 'hostile/frame-20000x20000.gif'), bigFrameGif(20000, 20000));
    writeFileSync(join(dist, 'hostile/vp8x-20000x20000.webp'), vp8xWebp(20000, 20000));
    writeFileSync(join(dist, 'hostile/scans-2647.jpg'), progressiveJpeg(10_000, 10_000, 2647));
    writeFileSync(join(dist, 'hostile/small.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"/>');
    // Another port is another origin: its images taint a canvas unless fetched with CORS.
    [server, otherOrigin] = await Promise.all([serveStatic(dist), serveStatic(dist)]);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${server.origin}/index.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    const first = photo(0);
    const { width, height } = await sharp(first.path).metadata();
    r = await page.evaluate(([m, l, p, px, o]) => (window as any).harness.hostileInputs(m, l, p, px, o), [
      '/data/models/mobilenetv2-12-int8.onnx',
      '/data/models/synset.txt',
      `/data/images/${first.path.split('/').pop()}`,
      width! * height!,
      otherOrigin.origin,
    ] as const);
    for (const [name, o] of Object.entries(r)) console.log(`${name}: ${o.outcome} (bitmaps ${o.bitmaps}, canvases ${o.canvases}) ${o.message ?? ''}`);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all([server?.close(), otherOrigin?.close()]);
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  it('ends every case in predictions or a typed error', () => {
    expect(Object.keys(r)).toHaveLength(25);
    expect(Object.entries(r).filter(([, o]) => o.outcome.startsWith('UNTYPED'))).toEqual([]);
  });

  it('decodes a photo up to exactly its own pixel count, and refuses it one pixel lower before decoding', () => {
    expect(r['photo blob']).toMatchObject({ outcome: 'predictions', message: JSON.stringify(photo(0).wnid) });
    expect(r['photo blob at exactly its pixel count']).toMatchObject({ outcome: 'predictions', message: JSON.stringify(photo(0).wnid) });
    expect(r['photo blob one pixel over the limit']).toMatchObject({ outcome: 'E_LIMIT', bitmaps: 0, canvases: 0 });
  });

  it('refuses decompression bombs from their header, before createImageBitmap', () => {
    for (const [name, size] of [
      ['png header claiming 30000x30000', '30000x30000'],
      ['real 4000x4000 png over a 1e6 limit', '4000x4000'],
      ['sof10 jpeg bytes claiming 30000x20000', '30000x20000'],
      ['sof10 jpeg blob behind 128 KB of APP1 segments', '30000x20000'],
      ['gif with a 1x1 screen and a 20000x20000 frame', '20000x20000'],
      ['webp vp8x claiming 20000x20000', '20000x20000'],
    ] as const) {
      expect(r[name], name).toMatchObject({
        outcome: 'E_LIMIT',
        bitmaps: 0,
        canvases: 0,
        message: expect.stringMatching(new RegExp(`${size} \\(\\d+ pixels\\), over limits\\.maxInputPixels`)),
      });
    }
  });

  it('refuses a JPEG of more scans than limits.maxJpegScans before createImageBitmap, and holds limits.decodeTimeoutMs past it', () => {
    expect(r['progressive jpeg of 2647 scans']).toMatchObject({
      outcome: 'E_LIMIT',
      bitmaps: 0,
      canvases: 0,
      message: expect.stringContaining('over limits.maxJpegScans (100)'),
    });
    // Chromium's decoder goes over the 10000x10000 image 2,647 times: the call is answered at the deadline
    expect(r['progressive jpeg of 2647 scans, scan limit lifted, 2 s deadline']).toMatchObject({
      outcome: 'E_LIMIT',
      message: expect.stringContaining('limits.decodeTimeoutMs (2000 ms)'),
    });
  });

  it('refuses canvas-like sources over the limit before allocating a canvas', () => {
    for (const kind of ['canvas', 'ImageBitmap', 'VideoFrame', 'ImageData']) {
      expect(r[`2000x1000 ${kind} over a 1e6 limit`], kind).toMatchObject({ outcome: 'E_LIMIT', canvases: 0, message: expect.stringContaining('2000x1000') });
    }
  });

  it('refuses an <img> of a real 4000x4000 PNG over the limit before allocating a canvas', () => {
    expect(r['<img> of a real 4000x4000 png over a 1e6 limit']).toMatchObject({
      outcome: 'E_LIMIT',
      canvases: 0,
      message: expect.stringContaining('4000x4000'),
    });
  });

  it('gives E_LIMIT for an <img> of a huge SVG, also where the limit is raised past what a canvas can hold', () => {
    expect(r['<img> of a 100000x100000 svg']).toMatchObject({ outcome: 'E_LIMIT', canvases: 0, message: expect.stringContaining('100000x100000') });
    expect(r['<img> of a 60000x60000 svg, limit 2^32']).toMatchObject({
      outcome: 'E_LIMIT',
      canvases: 0,
      message: expect.stringContaining('limits.maxPendingBytes'),
    });
    expect(r['<img> of a 60000x60000 svg, limit 2^32, copies unbounded']).toMatchObject({
      outcome: 'E_LIMIT',
      message: expect.stringContaining('60000x60000, more than this browser can hold in a canvas'),
    });
    expect(r['<img> of a 40x30 svg']).toMatchObject({ outcome: 'predictions' });
  });

  it('does not decode SVG from bytes or URLs, and says to pass an <img> instead', () => {
    for (const name of ['svg blob', 'svg blob claiming 100000x100000', 'svg url']) {
      expect(r[name], name).toMatchObject({ outcome: 'E_IMAGE_DECODE', bitmaps: 0, canvases: 0, message: expect.stringMatching(/SVG.*<img>/) });
    }
  });

  it('explains a tainted cross-origin <img> (E_INPUT), and classifies it when loaded with CORS', () => {
    expect(r['cross-origin <img> without CORS']).toMatchObject({ outcome: 'E_INPUT', message: expect.stringMatching(/crossOrigin = "anonymous".*CORS/) });
    expect(r['cross-origin <img> with crossOrigin=anonymous']).toMatchObject({ outcome: 'predictions', message: JSON.stringify(photo(0).wnid) });
  });
});
