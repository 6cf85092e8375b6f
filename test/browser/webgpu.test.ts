// The webgpu execution provider in headless Chromium on SwiftShader's software adapter (a CPU
// emulation of a GPU): the same top-1 as the wasm provider on every photo, logits and
// probabilities within a measured float32 tolerance, and proof that the session's nodes really ran
// as WebGPU compute work. Correctness only: SwiftShader runs the GPU's work on the CPU, so its
// times (logged) say nothing of a real GPU's speed.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PHOTO_COUNT, photos } from '../assets.js';
import { SWIFTSHADER_WEBGPU_FLAGS, buildPage, launchBrowser, serveStatic, type StaticServer } from './browser-env.mjs';
import { describeInBrowser } from './describe-in-browser.js';

const here = dirname(fileURLToPath(import.meta.url));

/** onnxruntime's names of onnxruntime-web's WebGPU provider: the JSEP build's, the native build's. */
const WEBGPU_EPS = ['JsExecutionProvider', 'WebGpuExecutionProvider'];
/** Convolutions in MobileNetV2 (the fp32 file's Conv nodes, the int8 file's QLinearConv nodes). */
const CONVS = 52;

/**
 * Largest logit difference webgpu vs wasm allowed on a photo.
 * - float graphs: measured 3.05e-5 at worst over the 53 photos (the same with onnxruntime-web's
 *   JSEP and native WebGPU providers), on logits up to 26 in size, where a float32 step is 2e-6:
 *   the GPU sums each convolution in another order than wasm's kernels. Allowed: 1e-4, about 3
 *   times that, for adapters with other workgroup and subgroup sizes (other orders), and still 40
 *   times below the smallest top-1 margin of the 53 photos (4.2e-3), so no top-1 can flip within it.
 * - int8 kernels: measured 0 on every photo, and 0 is allowed: the quantized nodes run on the CPU in
 *   both sessions (the same integer kernels), and the GPU's only arithmetic is DequantizeLinear,
 *   one correctly rounded float32 multiplication of an integer, as on the CPU. (With
 *   microsoft/onnxruntime#32578, JSEP's DequantizeLinear, it was 6.9e8, and 0 of 53 top-1 agreed.)
 */
const LOGIT_TOLERANCE = { float: 1e-4, int8: 0 };
/**
 * Largest probability difference allowed on a photo, from the logit tolerance: softmax's Jacobian
 * (diag(p) - p pᵀ) has an ∞-norm of at most 1/2, so probabilities move at most half as far as the
 * logits (to first order; the logit tolerances are far too small for higher orders to count).
 */
const probabilityTolerance = (logits: number) => logits / 2;

interface ProviderRun {
  top1: string[];
  msPerPhoto: number;
  dispatchesPerRun: number;
  warnings: string[];
  placements: Record<string, { nodes: number; ops: Record<string, number> }>;
  dequantized: boolean;
}
interface Comparison {
  wasm: ProviderRun;
  webgpu: ProviderRun;
  maxAbsDiff: number[];
  maxAbsLogit: number[];
  maxAbsProbabilityDiff: number[];
}

/** Nodes onnxruntime placed on its WebGPU provider. */
const webgpuNodes = (r: ProviderRun) => WEBGPU_EPS.reduce((n, ep) => n + (r.placements[ep]?.nodes ?? 0), 0);

describeInBrowser('the webgpu provider on a software adapter (SwiftShader)', () => {
  let dist: string;
  let server: StaticServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  /** Why WebGPU cannot be tested here, or '' when it can. */
  let noAdapter = '';
  const models = { int8: '/data/models/mobilenetv2-12-int8.onnx', fp32: '/data/models/mobilenetv2-12-fp32-dequantized.onnx' };
  const labels = '/data/models/synset.txt';
  const urls = () => photos().map((p) => `/data/images/${p.path.split('/').pop()}`);

  beforeAll(async () => {
    dist = await buildPage(join(here, 'webgpu-harness'));
    // Cross-origin isolated, as in photos.test.ts: the wasm provider runs with threads.
    server = await serveStatic(dist, { isolate: true });
    browser = await launchBrowser({ webgpu: 'swiftshader' });
    page = await browser.context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${server.origin}/index.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    const adapter = await page.evaluate(() => (window as any).webgpu.adapter());
    console.log(`WebGPU adapter: ${JSON.stringify(adapter)}`);
    if ('missing' in adapter) noAdapter = `no WebGPU adapter in Chromium launched with ${SWIFTSHADER_WEBGPU_FLAGS.join(' ')}: ${adapter.missing}`;
    else if (adapter.architecture !== 'swiftshader') noAdapter = `the WebGPU adapter is not SwiftShader's: ${JSON.stringify(adapter)}`;
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  /** Skips with the reason where this Chromium has no SwiftShader adapter; fails under CI=true. */
  function requireAdapter(ctx: { skip(note: string): never }): void {
    if (!noAdapter) return;
    if (process.env.CI === 'true') throw new Error(`CI=true and ${noAdapter}`);
    ctx.skip(noAdapter);
  }

  function report(name: string, r: Comparison): void {
    const agree = r.webgpu.top1.filter((id, i) => id === r.wasm.top1[i]).length;
    const correct = r.webgpu.top1.filter((id, i) => id === photos()[i]!.wnid).length;
    console.log(
      `${name}: webgpu ${r.webgpu.msPerPhoto.toFixed(0)} ms/photo vs wasm ${r.wasm.msPerPhoto.toFixed(0)} ms/photo; ` +
        `top-1 agreement ${agree}/${r.webgpu.top1.length} (webgpu correct ${correct}/${r.webgpu.top1.length}); ` +
        `max |logit diff| ${Math.max(...r.maxAbsDiff).toExponential(2)} (largest |logit| ${Math.max(...r.maxAbsLogit).toFixed(1)}); ` +
        `max |probability diff| ${Math.max(...r.maxAbsProbabilityDiff).toExponential(2)}; ` +
        `${r.webgpu.dispatchesPerRun} WebGPU dispatches per run; placement ${JSON.stringify(r.webgpu.placements)}`,
    );
  }

  it(`runs the fp32 model's nodes on WebGPU with the wasm provider's top-1 on all ${PHOTO_COUNT} photos`, async (ctx) => {
    requireAdapter(ctx);
    const r: Comparison = await page.evaluate((req) => (window as any).webgpu.compare(req), { model: models.fp32, labels, urls: urls() });
    report('fp32', r);
    // No fallback: neither ours ('[onnx-mobilenet] webgpu ... falling back') nor onnxruntime-web's
    // ('removing requested execution provider "webgpu"'); both are console.warn.
    expect(r.webgpu.warnings).toEqual([]);
    // onnxruntime's own account of where each node runs: at least every Conv on the WebGPU
    // provider, none left on the CPU.
    expect(webgpuNodes(r.webgpu)).toBeGreaterThanOrEqual(CONVS);
    expect(r.webgpu.placements.CPUExecutionProvider?.ops.Conv).toBeUndefined();
    // And the device did the work: at least one compute dispatch per Conv in one inference; the
    // wasm provider's session, the control, gives the device none.
    expect(r.webgpu.dispatchesPerRun).toBeGreaterThanOrEqual(CONVS);
    expect(r.wasm.dispatchesPerRun).toBe(0);
    expect(r.webgpu.top1).toHaveLength(PHOTO_COUNT);
    expect(r.webgpu.top1).toEqual(r.wasm.top1);
    expect(Math.max(...r.maxAbsDiff)).toBeLessThanOrEqual(LOGIT_TOLERANCE.float);
    expect(Math.max(...r.maxAbsProbabilityDiff)).toBeLessThanOrEqual(probabilityTolerance(LOGIT_TOLERANCE.float));
  }, 600_000);

  // With the default precision the int8 file runs dequantized, a float graph wholly on the device
  // like the fp32 file above, at SwiftShader's 2-4 s a photo: 8 photos check it; 'model' keeps
  // the int8 kernels (on the CPU, fast) and runs all 53.
  for (const [precision, count] of [
    [undefined, 8],
    ['model', PHOTO_COUNT],
  ] as const) {
    it(`runs the int8 model (precision ${precision ?? 'default'}) with webgpu asked for, with the wasm provider's top-1 on ${count} photos`, async (ctx) => {
      requireAdapter(ctx);
      const r: Comparison = await page.evaluate((req) => (window as any).webgpu.compare(req), {
        model: models.int8,
        labels,
        urls: urls().slice(0, count),
        precision,
      });
      report(`int8 (precision ${precision ?? 'default'})`, r);
      expect(r.webgpu.warnings).toEqual([]);
      expect(r.webgpu.dequantized).toBe(r.wasm.dequantized);
      if (precision === 'model') expect(r.webgpu.dequantized).toBe(false);
      // A WebGPU session: nodes on its provider, work dispatched to the device. Where the int8
      // kernels run (no QLinearConv on WebGPU: on the CPU) is logged above.
      expect(webgpuNodes(r.webgpu)).toBeGreaterThan(0);
      expect(r.webgpu.dispatchesPerRun).toBeGreaterThan(0);
      expect(r.wasm.dispatchesPerRun).toBe(0);
      expect(r.webgpu.top1).toHaveLength(count);
      expect(r.webgpu.top1).toEqual(r.wasm.top1);
      const tolerance = r.webgpu.dequantized ? LOGIT_TOLERANCE.float : LOGIT_TOLERANCE.int8;
      expect(Math.max(...r.maxAbsDiff)).toBeLessThanOrEqual(tolerance);
      expect(Math.max(...r.maxAbsProbabilityDiff)).toBeLessThanOrEqual(probabilityTolerance(tolerance));
    }, 600_000);
  }
});
