// The web adapter in a real browser (headless Chromium), on the real photos, against the Node adapter.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { DEFAULTS } from '@onnx-mobilenet/core';
import { preprocess } from '@onnx-mobilenet/core/preprocess';
import { createClassifier, createFewShotClassifier } from '@onnx-mobilenet/node';
import { meanAbsDiff } from '../reference-preprocess.js';
import { augment } from '../augment.js';
import { FP32_MODEL, PHOTO_COUNT, SYNSET, photo, photos } from '../assets.js';
import { AUGMENTED_NEAREST_FLOOR, FIDELITY, FLOORS, SQUASH_FLOORS } from '../floors.js';
import { buildPage, launchBrowser, serveStatic, type StaticServer } from './browser-env.mjs';
import { describeInBrowser } from './describe-in-browser.js';

const here = dirname(fileURLToPath(import.meta.url));

interface Prediction {
  index: number;
  id: string;
  label: string;
  probability: number;
}
interface RunResult {
  predictions: Prediction[][];
  warnings: string[];
  loadMs: number;
  msPerPhoto: number;
  backend: string;
  hasDocument?: boolean;
  pthreadWorkers: number;
  canShareMemory: boolean;
  cores: number;
}

/** A 320x240 card of gradients and a saturated square, as raw RGB and as a Display P3 JPEG. */
function card(): { data: Uint8Array; width: number; height: number; channels: 3 } {
  const [width, height] = [320, 240];
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const square = x > 120 && x < 200 && y > 80 && y < 160;
      data.set(square ? [250, 20, 128] : [Math.round((x / width) * 255), Math.round((y / height) * 255), 128], (y * width + x) * 3);
    }
  }
  return { data, width, height, channels: 3 };
}
async function p3Card(): Promise<Buffer> {
  const c = card();
  return sharp(Buffer.from(c.data), { raw: { width: c.width, height: c.height, channels: 3 } })
    .withIccProfile('p3')
    .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
    .toBuffer();
}

function score(predictions: Prediction[][]): { top1: number; top5: number } {
  const set = photos();
  return {
    top1: predictions.filter((p, i) => p[0]!.id === set[i]!.wnid).length,
    top5: predictions.filter((p, i) => p.some((x) => x.id === set[i]!.wnid)).length,
  };
}

describeInBrowser('the web adapter in Chromium', () => {
  let dist: string;
  let server: StaticServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const models = { int8: '/data/models/mobilenetv2-12-int8.onnx', fp32: '/data/models/mobilenetv2-12-fp32-dequantized.onnx' };
  const labels = '/data/models/synset.txt';
  const urls = () => photos().map((p) => `/data/images/${p.path.split('/').pop()}`);

  beforeAll(async () => {
    dist = await buildPage(join(here, 'harness'));
    // augmented copies, made in Node, served to the page as files
    mkdirSync(join(dist, 'aug'));
    for (const p of photos()) {
      const bytes = readFileSync(p.path);
      for (const kind of ['copy', 'query'] as const) writeFileSync(join(dist, 'aug', `${kind}-${p.name}.jpg`), await augment(bytes, kind));
    }
    // a test card converted to Display P3 and tagged with it: the stored samples are not the card's
    writeFileSync(join(dist, 'p3.jpg'), await p3Card());
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

  for (const name of ['int8', 'fp32'] as const) {
    it(`classifies the ${PHOTO_COUNT} photos with the ${name} model above the Node floors`, async () => {
      const r: RunResult = await page.evaluate((req) => (window as any).harness.classifyUrls(req), { model: models[name], labels, urls: urls() });
      const s = score(r.predictions);
      console.log(
        `chromium ${name}: top-1 ${s.top1}/${PHOTO_COUNT}, top-5 ${s.top5}/${PHOTO_COUNT}, ${r.msPerPhoto.toFixed(1)} ms/photo (load ${r.loadMs.toFixed(0)} ms)`,
      );
      expect(r.backend).toBe('onnxruntime-web');
      // the page is cross-origin isolated: its wasm threads started (one Worker each but the calling one)
      expect(r.canShareMemory).toBe(true);
      expect(r.pthreadWorkers).toBe(Math.min(DEFAULTS.webThreads, r.cores) - 1);
      expect(s.top1).toBeGreaterThanOrEqual(FLOORS[name].top1);
      expect(s.top5).toBeGreaterThanOrEqual(FLOORS[name].top5);
    });
  }

  it(`agrees with the Node adapter on top-1 for at least 51 of ${PHOTO_COUNT} photos (fp32 stand-in)`, async () => {
    const web: RunResult = await page.evaluate((req) => (window as any).harness.classifyUrls(req), { model: models.fp32, labels, urls: urls(), topK: 1 });
    const node = await createClassifier({ model: FP32_MODEL, labels: SYNSET });
    const fromNode = await node.classify(
      photos().map((p) => p.path),
      { topK: 1 },
    );
    await node.dispose();
    const agree = fromNode.filter((p, i) => p[0]!.id === web.predictions[i]![0]!.id).length;
    console.log(`node/web top-1 agreement (fp32): ${agree}/${PHOTO_COUNT}`);
    expect(agree).toBeGreaterThanOrEqual(51);
  });

  it('runs the same classification inside a Web Worker', async () => {
    const r: RunResult = await page.evaluate((req) => (window as any).harness.inWorker(req), { model: models.int8, labels, urls: urls() });
    const s = score(r.predictions);
    console.log(`worker int8: top-1 ${s.top1}/${PHOTO_COUNT}, top-5 ${s.top5}/${PHOTO_COUNT}, ${r.msPerPhoto.toFixed(1)} ms/photo`);
    expect(r.hasDocument).toBe(false);
    // an ES-module worker keeps onnxruntime-web in its own chunk, so its threads start: no fallback
    // warning, and a thread Worker started for each wasm thread but the calling one
    expect(r.warnings.filter((w: string) => w.startsWith('[onnx-mobilenet]'))).toEqual([]);
    expect(r.canShareMemory).toBe(true);
    expect(r.pthreadWorkers).toBe(Math.min(DEFAULTS.webThreads, r.cores) - 1);
    expect(s.top1).toBeGreaterThanOrEqual(FLOORS.int8.top1);
    expect(s.top5).toBeGreaterThanOrEqual(FLOORS.int8.top5);
  });

  it('gives typed errors for a corrupt Blob, a 404 image, a missing model and an HTML page', async () => {
    const r = await page.evaluate(([m, l, u]) => (window as any).harness.errors(m, l, u), [models.int8, labels, urls()[0]] as const);
    expect(r.corruptBlob).toMatchObject({ code: 'E_IMAGE_DECODE' });
    expect(r.garbageBlob).toMatchObject({ code: 'E_IMAGE_DECODE' });
    expect(r.missingImage).toMatchObject({ code: 'E_DOWNLOAD', message: expect.stringMatching(/HTTP 404 .*\/nope\/missing\.jpg/) });
    expect(r.missingModel).toMatchObject({ code: 'E_DOWNLOAD', message: expect.stringMatching(/HTTP 404 .*\/nope\/model\.onnx/) });
    expect(r.htmlModel).toMatchObject({ code: 'E_DOWNLOAD', message: expect.stringContaining('HTML page') });
    expect(r.wrongType).toMatchObject({ code: 'E_INPUT' });
  });

  it('resolves 20 overlapping classify calls with the answers of sequential calls', async () => {
    const r = await page.evaluate(([m, l, u]) => (window as any).harness.overlapping(m, l, u), [models.int8, labels, urls().slice(0, 20)] as const);
    expect(r.overlapping).toHaveLength(20);
    expect(r.overlapping).toEqual(r.sequential);
  });

  it('returns for 48 concurrent calls (6 full batches) what the same calls return one by one', async () => {
    // Prepared tensors of 8 photos: the queue and batching under many callers, without decoding.
    // Inference is the cost (~0.2 s a photo on a busy 2-core machine), so the call count stays small.
    const r = await page.evaluate(([m, l, u]) => (window as any).harness.overlapping(m, l, u, 48, true), [models.int8, labels, urls().slice(0, 8)] as const);
    expect(new Set(r.sequential).size).toBe(8);
    expect(r.overlapping).toHaveLength(48);
    expect(r.overlapping).toEqual(r.sequential);
  });

  it('ends a sample of fuzz inputs in predictions or typed errors', async () => {
    const rows: string[] = await page.evaluate(([m, l, u]) => (window as any).harness.fuzzSample(m, l, u), [models.int8, labels, urls()[0]] as const);
    console.log(`browser fuzz sample:\n  ${rows.join('\n  ')}`);
    expect(rows).toHaveLength(12);
    expect(rows.filter((r) => r.includes('UNTYPED'))).toEqual([]);
    expect(rows.find((r) => r.startsWith('truncated jpeg'))).toMatch(/E_IMAGE_DECODE|predictions/);
    expect(rows.find((r) => r.startsWith('number'))).toBe('number: E_INPUT');
    expect(rows.find((r) => r.startsWith('detached'))).toBe('detached ArrayBuffer: E_INPUT');
  });

  it('gives one answer for an <img>, a canvas, an ImageBitmap, ImageData, a VideoFrame, a URL and a Blob of one photo', async () => {
    const ids: string[] = await page.evaluate(([m, l, u]) => (window as any).harness.imageElement(m, l, u), [models.fp32, labels, urls()[0]] as const);
    expect(new Set(ids)).toEqual(new Set([photo(0).wnid]));
  });

  it('ignores an embedded ICC profile as the reference (Pillow) and the Node adapter do: the tensor of the stored samples', async () => {
    const tensor: number[] = await page.evaluate(([m, l]) => (window as any).harness.prepareUrl(m, l, '/p3.jpg'), [models.fp32, labels] as const);
    const jpeg = await p3Card();
    const stored = await sharp(jpeg, { ignoreIcc: true }).raw().toBuffer({ resolveWithObject: true });
    const storedTensor = preprocess({ data: stored.data, width: stored.info.width, height: stored.info.height, channels: 3 }, DEFAULTS.preprocess);
    expect(meanAbsDiff(tensor, storedTensor)).toBeLessThan(0.01);
    // colour-managed, it would have been the sRGB card again
    expect(meanAbsDiff(tensor, preprocess(card(), DEFAULTS.preprocess))).toBeGreaterThan(0.05);
  });

  it('falls back to wasm with a warning, not an exception, when WebGPU is asked for but unusable', async () => {
    const r = await page.evaluate(([m, l, u]) => (window as any).harness.webgpuFallback(m, l, u), [models.fp32, labels, urls()[0]] as const);
    expect(r.top1).toBe(photo(0).wnid);
    // ours when navigator.gpu is missing; onnxruntime-web's own when it exists but has no adapter
    expect(r.warnings.join('\n')).toMatch(/\[onnx-mobilenet\] webgpu .*(not available|failed)|removing requested execution provider "webgpu"/);
  });

  // A tie (within `tie` of probability) between the reference's two best counts as agreement, as in
  // the Node test (test/node/fidelity.test.ts), which gives the closest calls of each mode.
  for (const [mode, limits, tie] of [
    ['shorter-side-crop', FIDELITY.browser, 0.01],
    ['squash', FIDELITY.browserSquash, 0.02],
  ] as const) {
    it(`builds tensors within ${limits.worst} of the reference preprocessing (${mode}), with the same top-1 on every photo`, async () => {
      const rows: { url: string; mad: number; ourTop: string; refTop: string; refSecond: string; margin: number }[] = await page.evaluate(
        ([m, l, u, mo]) => (window as any).harness.fidelity(m, l, u, mo),
        [models.fp32, labels, urls(), mode] as const,
      );
      const worst = Math.max(...rows.map((r) => r.mad));
      const mean = rows.reduce((a, r) => a + r.mad, 0) / rows.length;
      const disagree = rows.filter((r) => r.ourTop !== r.refTop && !(r.margin < tie && r.ourTop === r.refSecond)).map((r) => r.url);
      console.log(
        `web vs reference (${mode}): mean abs difference ${mean.toFixed(4)} on average, ${worst.toFixed(4)} at worst; top-1 differs on ${disagree.length}/${PHOTO_COUNT}`,
      );
      expect(rows).toHaveLength(PHOTO_COUNT);
      expect(mean).toBeLessThan(limits.mean);
      expect(worst).toBeLessThan(limits.worst);
      expect(disagree).toEqual([]);
    });
  }

  // One test per model and mode: 53 photos each, not 212 in one test's time budget.
  for (const [name, mode] of [
    ['int8', 'shorter-side-crop'],
    ['int8', 'squash'],
    ['fp32', 'shorter-side-crop'],
    ['fp32', 'squash'],
  ] as const) {
    it(`runs core's evaluate() in the browser: ${name}, ${mode}`, async () => {
      const r = await page.evaluate(([m, l, u, mo]) => (window as any).harness.evaluateUrls(m, l, u, mo), [models[name], labels, urls(), mode] as const);
      console.log(`chromium eval ${name} ${mode}: top-1 ${r.top1}/${r.samples}, top-5 ${r.top5}/${r.samples}, ${r.msPerSample.toFixed(1)} ms/photo`);
      expect(r.samples).toBe(PHOTO_COUNT);
      expect(r.errors).toBe(0);
      const floor = mode === 'squash' ? SQUASH_FLOORS[name] : FLOORS[name];
      expect(r.top1).toBeGreaterThanOrEqual(floor.top1);
      expect(r.top5).toBeGreaterThanOrEqual(floor.top5);
    });
  }

  it(`finds each augmented copy nearest to its own original for at least ${AUGMENTED_NEAREST_FLOOR} of ${PHOTO_COUNT} photos`, async () => {
    const copies = photos().map((p) => `/aug/copy-${p.name}.jpg`);
    const hits: number = await page.evaluate(([m, l, o, c]) => (window as any).harness.nearestOriginals(m, l, o, c), [
      models.fp32,
      labels,
      urls(),
      copies,
    ] as const);
    console.log(`browser: augmented copy nearest to its original for ${hits}/${PHOTO_COUNT} photos`);
    expect(hits).toBeGreaterThanOrEqual(AUGMENTED_NEAREST_FLOOR);
  });

  it('loads a few-shot classifier saved in Node and predicts what Node predicts', async () => {
    const set = photos().slice(0, 10);
    const node = await createClassifier({ model: FP32_MODEL, labels: SYNSET });
    const fewShot = createFewShotClassifier(node);
    for (const p of set) {
      const bytes = readFileSync(p.path);
      await fewShot.add(await augment(bytes, 'shot1'), p.name);
      await fewShot.add(await augment(bytes, 'shot2'), p.name);
    }
    const fromNode: string[] = [];
    for (const p of set) fromNode.push((await fewShot.predict(readFileSync(join(dist, 'aug', `query-${p.name}.jpg`)))).label);
    await node.dispose();
    const json = JSON.parse(JSON.stringify(fewShot.toJSON()));
    const inBrowser: string[] = await page.evaluate(([m, l, j, q]) => (window as any).harness.fewShotFromJSON(m, l, j, q), [
      models.fp32,
      labels,
      json,
      set.map((p) => `/aug/query-${p.name}.jpg`),
    ] as const);
    console.log(
      `few-shot JSON from Node: browser agrees on ${inBrowser.filter((x, i) => x === fromNode[i]).length}/10, correct ${inBrowser.filter((x, i) => x === set[i]!.name).length}/10`,
    );
    expect(inBrowser).toEqual(fromNode);
  });
});
