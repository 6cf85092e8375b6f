// A module Web Worker built with Vite's default worker format ('iife') on a cross-origin-isolated
// page: onnxruntime-web's thread workers would load the worker's own bundle and the session would
// hang. The classifier must answer on one thread with one warning; a start that stalls anyway must
// end in a typed error.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULTS } from '@onnx-mobilenet/core';
import { photos } from '../assets.js';
import { buildPage, launchBrowser, serveStatic, type StaticServer } from './browser-env.mjs';
import { describeInBrowser } from './describe-in-browser.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The wasm threads a cross-origin-isolated scope gets by default: DEFAULTS.webThreads, at most its cores. */
const defaultWebThreads = (cores: number) => Math.min(DEFAULTS.webThreads, cores);
const ortDist = dirname(createRequire(join(here, '../../packages/web/package.json')).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
const model = '/data/models/mobilenetv2-12-int8.onnx';
const labels = '/data/models/synset.txt';

describeInBrowser('a Web Worker bundled with Vite defaults on an isolated page', () => {
  let dist: string;
  let server: StaticServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    dist = await buildPage(join(here, 'harness'), { workerFormat: 'default' });
    // onnxruntime-web's own thread script and wasm, for the wasmPaths case
    mkdirSync(join(dist, 'ort'));
    for (const f of ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm']) copyFileSync(join(ortDist, f), join(dist, 'ort', f));
    server = await serveStatic(dist, { isolate: true });
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  async function openPage() {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/index.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    return page;
  }

  it('classifies in the worker on one wasm thread, with one warning that says why', async () => {
    const page = await openPage();
    const set = photos().filter((p) => p.name === 'tench' || p.name === 'zebra');
    const r = await page.evaluate((req) => (window as any).harness.inWorker(req), {
      model,
      labels,
      urls: set.map((p) => `/data/images/${p.path.split('/').pop()}`),
      topK: 1,
    });
    expect(r.predictions.map((p: { id: string }[]) => p[0]?.id)).toEqual(set.map((p) => p.wnid));
    // threads were possible here, and none was started
    expect(r.canShareMemory).toBe(true);
    expect(r.pthreadWorkers).toBe(0);
    const ours = r.warnings.filter((w: string) => w.startsWith('[onnx-mobilenet]'));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatch(/using 1 wasm thread .*worker\.format 'iife'/);
    await page.close();
  }, 90_000);

  it("keeps wasm threads, without a warning, when wasmPaths points at onnxruntime-web's own files", async () => {
    const page = await openPage();
    const tench = photos().find((p) => p.name === 'tench')!;
    const r = await page.evaluate((req) => (window as any).harness.inWorker(req), {
      model,
      labels,
      urls: [`/data/images/${tench.path.split('/').pop()}`],
      topK: 1,
      wasmPaths: '/ort/',
    });
    expect(r.predictions[0][0].id).toBe(tench.wnid);
    expect(r.warnings.filter((w: string) => w.startsWith('[onnx-mobilenet]'))).toEqual([]);
    // the threads really ran: onnxruntime-web started a Worker for each but the calling one
    expect(r.canShareMemory).toBe(true);
    expect(r.pthreadWorkers).toBe(defaultWebThreads(r.cores) - 1);
    await page.close();
  }, 90_000);

  it('rejects with E_MODEL_LOAD, not a hang, when wasm threads never start', async () => {
    const page = await openPage();
    const r = await page.evaluate(([m, l]) => (window as any).harness.stalledThreads(m, l, 1500), [model, labels] as const);
    expect(r).toMatchObject({ code: 'E_RUNTIME', message: expect.stringMatching(/did not start within 1500 ms with 2 wasm threads.*threads: 1/) });
    await page.close();
  }, 90_000);
});
