// precision: 'auto' in Chromium (wasm): the int8 file runs dequantized, because onnxruntime-web's
// wasm int8 kernels are slower than its float ones (pnpm bench:web), with the accuracy of float.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PHOTO_COUNT, photos } from '../assets.js';
import { FLOORS } from '../floors.js';
import { buildPage, launchBrowser, serveStatic, type StaticServer } from './browser-env.mjs';
import { describeInBrowser } from './describe-in-browser.js';
import type { PrecisionRun } from './precision-harness/main.js';

const here = dirname(fileURLToPath(import.meta.url));
const INT8 = '/data/models/mobilenetv2-12-int8.onnx';
const FP32 = '/data/models/mobilenetv2-12-fp32-dequantized.onnx';
const LABELS = '/data/models/synset.txt';

function top1(r: PrecisionRun): number {
  return r.ids.filter((ids, i) => ids[0] === photos()[i]!.wnid).length;
}
function top5(r: PrecisionRun): number {
  return r.ids.filter((ids, i) => ids.includes(photos()[i]!.wnid)).length;
}

describeInBrowser('precision in Chromium (wasm)', () => {
  let dist: string;
  let server: StaticServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const urls = () => photos().map((p) => `/data/images/${p.path.split('/').pop()}`);
  const run = (model: string, precision?: 'auto' | 'fp32' | 'model'): Promise<PrecisionRun> =>
    page.evaluate((req) => (window as any).precision.run(req), { model, labels: LABELS, urls: urls(), precision });

  beforeAll(async () => {
    dist = await buildPage(join(here, 'precision-harness'));
    server = await serveStatic(dist, { isolate: true });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${server.origin}/index.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  it('runs the int8 file dequantized by default, silently, with the predictions of precision: fp32 and of the fp32 stand-in', async () => {
    const auto = await run(INT8);
    const fp32 = await run(INT8, 'fp32');
    const standIn = await run(FP32);
    console.log(`chromium int8 default: top-1 ${top1(auto)}/${PHOTO_COUNT}, top-5 ${top5(auto)}/${PHOTO_COUNT}, ${auto.msPerPhoto.toFixed(1)} ms/photo`);
    expect(auto.dequantized).toBe(true);
    expect(fp32.dequantized).toBe(true);
    expect(standIn.dequantized).toBe(false); // a float file has nothing to dequantize
    // a speed choice, not an accuracy loss: no warning
    expect(auto.warnings.filter((w) => w.includes('[onnx-mobilenet]'))).toEqual([]);
    expect(auto.ids.map((ids) => ids[0])).toEqual(fp32.ids.map((ids) => ids[0]));
    // the dequantized graph computes what the fp32 stand-in (the same weights, dequantized offline) does
    expect(auto.ids.map((ids) => ids[0])).toEqual(standIn.ids.map((ids) => ids[0]));
    expect(top1(auto)).toBeGreaterThanOrEqual(FLOORS.fp32.top1);
    expect(top5(auto)).toBeGreaterThanOrEqual(FLOORS.fp32.top5);
  });

  it("still runs the int8 kernels with precision: 'model', above the int8 floors", async () => {
    const native = await run(INT8, 'model');
    console.log(`chromium int8 'model': top-1 ${top1(native)}/${PHOTO_COUNT}, top-5 ${top5(native)}/${PHOTO_COUNT}, ${native.msPerPhoto.toFixed(1)} ms/photo`);
    expect(native.dequantized).toBe(false);
    expect(top1(native)).toBeGreaterThanOrEqual(FLOORS.int8.top1);
    expect(top5(native)).toBeGreaterThanOrEqual(FLOORS.int8.top5);
  });
});
