// The browser round trip of training: in headless Chromium (cross-origin isolated: wasm threads) a
// trainer on the web classifier embeds real photos (as File, Blob, <img>, ImageBitmap; with flips
// and crops, and without), trains a head and exports one ONNX file. Node's classifier
// (onnxruntime-node) then loads those bytes: labels from the metadata, the page's probabilities
// for the same input tensors, the page's top-1 labels for the training photos.
import { rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClassifier } from '@onnx-mobilenet/node';
import { photos } from '../assets.js';
import { referencePreprocess } from '../reference-preprocess.js';
import { buildPage, openHarnessPage } from './browser-env.mjs';
import { describeInBrowser } from './describe-in-browser.js';
import { classOf } from './train-classes.mjs';
import type { ClassifyRequest, TrainRequest, TrainRun } from './train-harness/main.js';

const here = dirname(fileURLToPath(import.meta.url));
const MODEL = '/data/models/mobilenetv2-12-int8.onnx';
const LABELS = '/data/models/synset.txt';

describeInBrowser('training in Chromium, the exported file in Node', () => {
  let dist: string;
  let opened: Awaited<ReturnType<typeof openHarnessPage>>;
  let page: Page;
  // a few photos of each class, spread over the list
  const chosen = photos().filter((_, i) => i % 6 === 0);
  const request = (over: Partial<TrainRequest>): TrainRequest => ({
    model: MODEL,
    labels: LABELS,
    modelAs: 'url',
    photos: chosen.map((p) => ({ url: `/data/images/${basename(p.path)}`, label: classOf(p.wnid) })),
    seed: 7,
    ...over,
  });
  const train = (name: string, req: TrainRequest): Promise<TrainRun> => page.evaluate(([n, r]) => (window as any).training.train(n, r), [name, req] as const);
  const classify = (name: string, req: ClassifyRequest): Promise<{ labels: string[]; probabilities: number[][]; top1: string[] }> =>
    page.evaluate(([n, r]) => (window as any).training.classify(n, r), [name, req] as const);

  beforeAll(async () => {
    dist = await buildPage(join(here, 'train-harness'));
    opened = await openHarnessPage(dist, { isolate: true });
    page = opened.page;
  }, 180_000);
  afterAll(async () => {
    await opened?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  it('trains deterministically on flipped and cropped views, and the exported file gives Node the same labels and probabilities', async () => {
    expect(new Set(chosen.map((p) => classOf(p.wnid)))).toEqual(new Set(['animal', 'thing']));
    const augment = { flip: true, crops: 2 };
    const first = await train('first', request({ augment }));
    const again = await train('again', request({ augment }));
    console.log(
      `chromium training: ${chosen.length} photos, ${first.views} training views (flip + 2 crops), embedding ${first.embedMs.toFixed(0)} ms ` +
        `(main thread stalled up to ${first.embedStallMs.toFixed(0)} ms), fit ${first.fitMs.toFixed(0)} ms over ${first.epochsSeen} epochs ` +
        `(stalled up to ${first.longestStallMs.toFixed(0)} ms), ` +
        `file ${(first.fileBytes / 1e6).toFixed(2)} MB, wasm threads: ${first.threads}`,
    );
    expect(first.threads).toBe(true);
    expect(first.labels).toEqual(['animal', 'thing']);
    expect(first.views).toBeGreaterThan(chosen.length * 4); // 6 views of each training photo
    expect(first.epochsSeen).toBeGreaterThan(0);
    // the same photos and seed: the same crops and the same fit, to the bit
    expect(again.weights).toEqual(first.weights);
    expect(again.bias).toEqual(first.bias);
    expect(again.file).toBe(first.file);

    // the exported file in Node: labels from its metadata, the page's probabilities for the same tensors
    const bytes = new Uint8Array(Buffer.from(first.file, 'base64'));
    const tensors = await Promise.all(
      chosen.slice(0, 3).map(async (p) => {
        const { data, info } = await sharp(p.path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
        return { data: Array.from(referencePreprocess(data, info.width, info.height, info.channels)), dims: [1, 3, 224, 224] };
      }),
    );
    const inPage = await classify('first', { tensors, photos: [], precision: 'fp32' });
    const node = await createClassifier({ model: bytes, precision: 'fp32' });
    try {
      expect(node.labels.map((l) => l.label)).toEqual(['animal', 'thing']);
      expect(inPage.labels).toEqual(['animal', 'thing']);
      let largest = 0;
      for (const [i, t] of tensors.entries()) {
        const predictions = await node.classify({ data: Float32Array.from(t.data), dims: t.dims }, { topK: 2 });
        const probabilities = inPage.labels.map((label) => predictions.find((p) => p.label === label)!.probability);
        probabilities.forEach((p, c) => {
          largest = Math.max(largest, Math.abs(p - inPage.probabilities[i]![c]!));
        });
      }
      console.log(`largest difference of the page's and Node's probabilities (precision fp32): ${largest.toExponential(2)}`);
      expect(largest).toBeLessThan(1e-5);
    } finally {
      await node.dispose();
    }

    // each runtime's default precision and its own decoder: the same top-1 for the training photos
    const urls = chosen.map((p) => `/data/images/${basename(p.path)}`);
    const pageTop1 = (await classify('first', { tensors: [], photos: urls, precision: 'auto' })).top1;
    const nodeDefault = await createClassifier({ model: bytes });
    try {
      const nodeTop1 = (
        await nodeDefault.classify(
          chosen.map((p) => p.path),
          { topK: 1 },
        )
      ).map((p) => p[0]!.label);
      expect(nodeTop1).toEqual(pageTop1);
      // the head learned the task: most training photos come out as their class
      expect(nodeTop1.filter((l, i) => l === classOf(chosen[i]!.wnid)).length).toBeGreaterThanOrEqual(chosen.length - 1);
    } finally {
      await nodeDefault.dispose();
    }
  }, 300_000);

  it('trains without augmentation on a model given as bytes, and exports from those bytes', async () => {
    const plain = await train('plain', request({ modelAs: 'bytes' }));
    expect(plain.labels).toEqual(['animal', 'thing']);
    expect(plain.views).toBeLessThan(chosen.length); // one view a photo, some held out to validate
    expect(plain.confusion.flat().reduce((a, b) => a + b, 0)).toBe(chosen.length - plain.views);
    const node = await createClassifier({ model: new Uint8Array(Buffer.from(plain.file, 'base64')) });
    try {
      expect(node.labels.map((l) => l.label)).toEqual(['animal', 'thing']);
    } finally {
      await node.dispose();
    }
  }, 300_000);
});
