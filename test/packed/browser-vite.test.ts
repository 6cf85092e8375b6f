// The packed packages as a Vite user gets them: a fresh app (npm, outside the workspace) with
// Vite's default configuration, classifying a known photo on the page and in a module Worker, each
// on a plain page and on a cross-origin-isolated one (wasm threads), in Chromium.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser, serveStatic, type StaticServer } from '../browser/browser-env.mjs';
import { describeInBrowser } from '../browser/describe-in-browser.js';
import { installApp, REPO_ROOT, runBin } from './browser-install.js';

const tench = '/data/images/n01440764_tench.JPEG';

describeInBrowser('a Vite app with default settings on the packed packages', () => {
  let app: string;
  let servers: Record<'plain' | 'isolated', StaticServer>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    app = await installApp(join(REPO_ROOT, 'test/packed/vite-app'), { vite: '8.4.1' });
    runBin(app, 'vite', ['build', '--logLevel', 'warn']);
    servers = { plain: await serveStatic(join(app, 'dist')), isolated: await serveStatic(join(app, 'dist'), { isolate: true }) };
    browser = await launchBrowser();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await servers?.plain.close();
    await servers?.isolated.close();
    if (app) rmSync(app, { recursive: true, force: true });
  });

  for (const isolation of ['plain', 'isolated'] as const) {
    for (const where of ['main', 'worker'] as const) {
      it(`names the tench on a ${isolation} page, ${where === 'main' ? 'on the main thread' : 'in a module Worker'}`, async () => {
        const page = await browser.context.newPage();
        const warnings: string[] = [];
        page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
        await page.goto(`${servers[isolation].origin}/index.html?where=${where}&image=${tench}`);
        expect(await page.evaluate(() => crossOriginIsolated)).toBe(isolation === 'isolated');
        // a hang shows as this wait running out, not as the test's own timeout
        await page.waitForFunction(() => document.getElementById('result')?.textContent !== 'loading', undefined, { timeout: 45_000 });
        expect(await page.textContent('#result')).toBe('label: tench');
        // Vite's default worker format inlines onnxruntime-web into the worker script: on an
        // isolated page its threads cannot start there, so one thread and one warning saying why.
        const ours = warnings.filter((w) => w.startsWith('[onnx-mobilenet]'));
        if (isolation === 'isolated' && where === 'worker') {
          expect(ours).toHaveLength(1);
          expect(ours[0]).toMatch(/using 1 wasm thread instead of \d+/);
        } else {
          expect(ours).toEqual([]);
        }
        await page.close();
      });
    }
  }

  it('names the tench in a camera-like MediaStream (a canvas capture) with classifyStream, its lazily loaded track reader bundled', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${servers.plain.origin}/index.html?where=stream&image=${tench}`);
    await page.waitForFunction(() => document.getElementById('result')?.textContent !== 'loading', undefined, { timeout: 45_000 });
    expect(await page.textContent('#result')).toBe('label: tench');
    expect(readdirSync(join(app, 'dist/assets')).some((f) => f.startsWith('media-track'))).toBe(true);
    await page.close();
  });

  it('answers on wasm with one warning when WebGPU is asked for but not enabled', async () => {
    const page = await browser.context.newPage();
    const warnings: string[] = [];
    page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    await page.goto(`${servers.plain.origin}/index.html?where=main&ep=webgpu&image=${tench}`);
    await page.waitForFunction(() => document.getElementById('result')?.textContent !== 'loading', undefined, { timeout: 45_000 });
    expect(await page.textContent('#result')).toBe('label: tench');
    const ours = warnings.filter((w) => w.startsWith('[onnx-mobilenet]'));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatch(
      /webgpu is not (available in this browser|available without onnxruntime-web's full build: call enableAcceleratedProviders\(\) from 'onnx-mobilenet\/accelerated')/,
    );
    await page.close();
  });

  it('ships only the wasm file the default wasm provider fetches', () => {
    const files = readdirSync(join(app, 'dist/assets'));
    const bytes = files.reduce((sum, f) => sum + statSync(join(app, 'dist/assets', f)).size, 0);
    console.log(`vite build: ${files.length} files, ${bytes} bytes in dist/assets`);
    const wasm = files.filter((f) => f.endsWith('.wasm'));
    expect(wasm).toHaveLength(1);
    expect(wasm[0]).toMatch(/^ort-wasm-simd-threaded-.*\.wasm$/);
  });
});
