// examples/webcam as a user sees it: built with its own Vite config, served cross-origin isolated,
// opened with a fake camera filming the tench; the page must show "tench" over the video with an
// FPS and latency readout. The screenshot is kept as a test artifact (test-results/webcam.png).
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { photos } from '../assets.js';
import { assertFreshDist } from '../fresh-dist.js';
import { buildExample, fakeCameraFlags, launchBrowser, serveStatic, type StaticServer } from './browser-env.mjs';
import { describeInBrowser } from './describe-in-browser.js';
import { writeFakeCameraFilm } from './fake-camera.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const example = join(root, 'examples/webcam');

describeInBrowser('examples/webcam', () => {
  let dist: string;
  let film: string;
  let server: StaticServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    assertFreshDist('onnx-mobilenet'); // the example's own Vite config bundles the built packages
    dist = await buildExample(example);
    film = await writeFakeCameraFilm([photos().find((p) => p.name === 'tench')!.path], { seconds: 3, width: 640, height: 480 });
    server = await serveStatic(dist, { isolate: true });
    browser = await launchBrowser({ args: fakeCameraFlags(film) });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
    if (film) rmSync(dirname(film), { recursive: true, force: true });
  });

  it('shows the live label of the filmed photo over the camera, with FPS and latency', async () => {
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.setViewportSize({ width: 640, height: 560 });
    await page.goto(`${server.origin}/index.html?model=/data/models/mobilenetv2-12-int8.onnx&labels=/data/models/synset.txt`);
    // a few results in, so that the readout has a rate to show
    await page.waitForFunction(() => Number(document.body.dataset.results ?? 0) >= 5 || document.body.dataset.error, null, { timeout: 120_000 });
    expect(await page.evaluate(() => document.body.dataset.error)).toBeUndefined();
    expect(await page.evaluate(() => document.body.dataset.label)).toBe('tench');
    expect((await page.textContent('#labels li'))!).toMatch(/^tench \d+%$/);
    expect(await page.textContent('#readout')).toMatch(/^\d+\.\d fps · \d+ ms · \d+ dropped$/);
    expect(await page.textContent('#status')).toMatch(/frames classified in a Web Worker \(wasm threads\)/);
    mkdirSync(join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-results/webcam.png') });
    await page.click('#toggle');
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Stopped after'));
  }, 180_000);
});
