// examples/webcam on the packed packages: its sources and Vite config copied into a fresh app
// outside the workspace that installs the packed `onnx-mobilenet` with npm, built with `vite build`,
// served cross-origin isolated and opened in Chromium with a fake camera filming the tench. The
// page reads the camera, a module Worker classifies (streamToWorker / serveStream): "tench" must
// show over the video, and Stop must end the stream on both threads.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ASSETS_DIR } from '../assets-dir.mjs';
import { fakeCameraFlags, launchBrowser, serveStatic, type StaticServer } from '../browser/browser-env.mjs';
import { describeInBrowser } from '../browser/describe-in-browser.js';
import { writeFakeCameraFilm } from '../browser/fake-camera.mjs';
import { installApp, REPO_ROOT, runBin } from './browser-install.js';

describeInBrowser('examples/webcam built from the packed packages', () => {
  let app: string;
  let film: string;
  let server: StaticServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    // The example's own files only: not its workspace node_modules, not its screenshot
    const template = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-webcam-'));
    const example = join(REPO_ROOT, 'examples/webcam');
    cpSync(example, template, { recursive: true, filter: (src) => !['node_modules', 'screenshot.png', 'package.json'].includes(basename(src)) });
    app = await installApp(template, { vite: '8.4.1' });
    rmSync(template, { recursive: true, force: true });
    runBin(app, 'vite', ['build', '--logLevel', 'warn']);
    film = await writeFakeCameraFilm([join(ASSETS_DIR, 'images/n01440764_tench.JPEG')], { seconds: 3 });
    server = await serveStatic(join(app, 'dist'), { isolate: true });
    browser = await launchBrowser({ args: fakeCameraFlags(film) });
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (app) rmSync(app, { recursive: true, force: true });
    if (film) rmSync(dirname(film), { recursive: true, force: true });
  });

  it('shows "tench" live over the fake camera, classified in a Worker with wasm threads, and stops', async () => {
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${server.origin}/index.html?model=/data/models/mobilenetv2-12-int8.onnx&labels=/data/models/synset.txt`);
    await page.waitForFunction(() => Number(document.body.dataset.results ?? 0) >= 3 || document.body.dataset.error, undefined, { timeout: 120_000 });
    expect(await page.evaluate(() => document.body.dataset.error)).toBeUndefined();
    expect(await page.evaluate(() => document.body.dataset.label)).toBe('tench');
    expect(await page.textContent('#status')).toMatch(/frames classified in a Web Worker \(wasm threads\)/);
    await page.click('#toggle');
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Stopped after'), undefined, { timeout: 60_000 });
    // The camera is released: the page stopped its own tracks
    expect(
      await page.evaluate(() => ((document.getElementById('camera') as HTMLVideoElement).srcObject as MediaStream).getTracks().map((t) => t.readyState)),
    ).toEqual(['ended']);
  });
});
