// Functions the browser tests call through page.evaluate(() => window.harness...).
import { createClassifier, createFewShotClassifier, evaluate, isOnnxMobilenetError, nearestNeighbors, type FewShotJSON, type ResizeMode } from 'onnx-mobilenet';
import { createClassifierWithBackend } from '@onnx-mobilenet/core/adapter';
import { createWebBackend } from '@onnx-mobilenet/web/adapter';
import { enableAcceleratedProviders } from 'onnx-mobilenet/accelerated';
import { meanAbsDiff, referencePreprocess } from '../../reference-preprocess';
import { classifyUrls, type RunRequest, type RunResult } from './shared';

async function inWorker(req: RunRequest): Promise<RunResult & { hasDocument: boolean; warnings: string[] }> {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  try {
    return await new Promise((resolve, reject) => {
      worker.onmessage = (e) =>
        e.data.ok
          ? resolve({ ...e.data.result, hasDocument: e.data.hasDocument, warnings: e.data.warnings })
          : reject(new Error(`${e.data.error.code}: ${e.data.error.message}`));
      worker.onerror = (e) => reject(new Error(e.message));
      worker.postMessage(req);
    });
  } finally {
    worker.terminate();
  }
}

async function codeOf(promise: Promise<unknown>): Promise<{ code: string; message: string } | 'resolved'> {
  try {
    await promise;
    return 'resolved';
  } catch (err) {
    return { code: isOnnxMobilenetError(err) ? err.code : `not typed: ${(err as Error)?.name}`, message: (err as Error).message };
  }
}

async function errors(model: string, labels: string, goodUrl: string): Promise<Record<string, unknown>> {
  const classifier = await createClassifier({ model, labels });
  const jpeg = new Uint8Array(await (await fetch(goodUrl)).arrayBuffer());
  const out = {
    corruptBlob: await codeOf(classifier.classify(new Blob([jpeg.slice(0, 600)], { type: 'image/jpeg' }))),
    garbageBlob: await codeOf(classifier.classify(new Blob(['not an image'], { type: 'image/png' }))),
    missingImage: await codeOf(classifier.classify(new URL('/nope/missing.jpg', location.href).href)),
    missingModel: await codeOf(createClassifier({ model: new URL('/nope/model.onnx', location.href).href, labels })),
    htmlModel: await codeOf(createClassifier({ model: new URL('/index.html', location.href).href, labels })),
    wrongType: await codeOf(classifier.classify(42 as never)),
  };
  await classifier.dispose();
  return out;
}

/**
 * `calls` overlapping classify calls against the answers of one-by-one calls. With `prepared`, the
 * inputs are tensors prepared once per photo, so the work is the queue and inference, not decoding.
 */
async function overlapping(
  model: string,
  labels: string,
  urls: string[],
  calls = urls.length,
  prepared = false,
): Promise<{ sequential: string[]; overlapping: string[] }> {
  const classifier = await createClassifier({ model, labels });
  const blobs = await Promise.all(urls.map((u) => fetch(u).then((r) => r.blob())));
  const inputs = prepared ? await Promise.all(blobs.map(async (b) => ({ data: await classifier.prepare(b), dims: [1, 3, 224, 224] }))) : blobs;
  const once: string[] = [];
  for (const input of inputs) once.push((await classifier.classify(input, { topK: 1 }))[0]!.id);
  const sequential = Array.from({ length: calls }, (_, i) => once[i % once.length]!);
  const overlapping = (await Promise.all(sequential.map((_, i) => classifier.classify(inputs[i % inputs.length]!, { topK: 1 })))).map((p) => p[0]!.id);
  await classifier.dispose();
  return { sequential, overlapping };
}

async function imageElement(model: string, labels: string, url: string): Promise<string[]> {
  const classifier = await createClassifier({ model, labels });
  const img = new Image();
  img.src = url;
  const canvas = document.createElement('canvas');
  await img.decode();
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  canvas.getContext('2d')!.drawImage(img, 0, 0);
  const bitmap = await createImageBitmap(img);
  const imageData = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
  const frame = new VideoFrame(canvas, { timestamp: 0 });
  const inputs = [img, canvas, bitmap, imageData, frame, url, await (await fetch(url)).blob()];
  const ids = (await classifier.classify(inputs, { topK: 1 })).map((p) => p[0]!.id);
  frame.close();
  await classifier.dispose();
  return ids;
}

/** The model input the classifier prepares from the image at `url`, as a plain array. */
async function prepareUrl(model: string, labels: string, url: string): Promise<number[]> {
  const classifier = await createClassifier({ model, labels });
  const tensor = await classifier.prepare(url);
  await classifier.dispose();
  return Array.from(tensor);
}

/** Asks for WebGPU where this headless browser has no usable GPU: expect wasm and a warning. */
async function webgpuFallback(model: string, labels: string, url: string): Promise<{ warnings: string[]; top1: string }> {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  try {
    enableAcceleratedProviders();
    const classifier = await createClassifier({ model, labels, executionProviders: ['webgpu'] });
    const top1 = (await classifier.classify(url, { topK: 1 }))[0]!.id;
    await classifier.dispose();
    return { warnings, top1 };
  } finally {
    console.warn = warn;
  }
}

/** The web adapter's tensors against the independent reference implementation, on the browser's own decode. */
async function fidelity(model: string, labels: string, urls: string[], mode: ResizeMode = 'shorter-side-crop') {
  const classifier = await createClassifier({ model, labels, preprocess: { mode } });
  const out: { url: string; mad: number; ourTop: string; refTop: string; refSecond: string; margin: number }[] = [];
  for (const url of urls) {
    const blob = await (await fetch(url)).blob();
    // the stored samples, as Pillow reads them (no colour management)
    const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image', premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const pixels = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const reference = referencePreprocess(pixels, bitmap.width, bitmap.height, 4, mode);
    const ours = await classifier.prepare(blob);
    const [r1, r2] = await classifier.classify({ data: reference, dims: [1, 3, 224, 224] }, { topK: 2 });
    const [o1] = await classifier.classify({ data: ours, dims: [1, 3, 224, 224] }, { topK: 1 });
    out.push({ url, mad: meanAbsDiff(ours, reference), ourTop: o1!.id, refTop: r1!.id, refSecond: r2!.id, margin: r1!.probability - r2!.probability });
  }
  await classifier.dispose();
  return out;
}

/** core's evaluate() in the browser, over the labelled photos' URLs. */
async function evaluateUrls(model: string, labels: string, urls: string[], mode: ResizeMode) {
  const classifier = await createClassifier({ model, labels, preprocess: { mode } });
  const samples = urls.map((u) => ({ input: u, label: u.split('/').pop()!.slice(0, 9), name: u }));
  const r = await evaluate(classifier, samples);
  await classifier.dispose();
  return { top1: r.top1, top5: r.top5, samples: r.samples, errors: r.errors, msPerSample: r.timing.msPerSample };
}

/** A sample of the Node fuzz kinds in the browser: each must end in predictions or a typed error. */
async function fuzzSample(model: string, labels: string, url: string): Promise<string[]> {
  const classifier = await createClassifier({ model, labels });
  const jpeg = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const flipped = jpeg.slice();
  for (let i = 0; i < 20; i++) flipped[(i * 7919) % flipped.length]! ^= 0x10;
  const canvas = new OffscreenCanvas(1, 1);
  canvas.getContext('2d')!.fillRect(0, 0, 1, 1);
  const detached = new ArrayBuffer(8);
  structuredClone(detached, { transfer: [detached] });
  const inputs: [string, unknown][] = [
    ['truncated jpeg', new Blob([jpeg.slice(0, jpeg.length / 2)])],
    ['bit-flipped jpeg', new Blob([flipped])],
    ['random bytes', new Blob([crypto.getRandomValues(new Uint8Array(2048))])],
    ['empty blob', new Blob([])],
    ['1x1 png', await canvas.convertToBlob()],
    [
      'svg',
      new Blob(['<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect width="40" height="30" fill="red"/></svg>'], { type: 'image/svg+xml' }),
    ],
    ['number', 42],
    ['null', null],
    ['plain object', { a: 1 }],
    ['detached ArrayBuffer', detached],
    ['raw pixels of the wrong length', { data: new Uint8Array(5), width: 2, height: 2, channels: 3 }],
    ['empty url', ''],
  ];
  const out: string[] = [];
  for (const [name, input] of inputs) {
    try {
      const p = await classifier.classify(input as never, { topK: 1 });
      out.push(`${name}: predictions (${p[0]!.label})`);
    } catch (err) {
      out.push(`${name}: ${isOnnxMobilenetError(err) ? err.code : `UNTYPED ${(err as Error)?.name}: ${(err as Error)?.message}`}`);
    }
  }
  await classifier.dispose();
  return out;
}

/** For each augmented copy, whether its nearest original (by embedding) is its own. */
async function nearestOriginals(model: string, labels: string, originals: string[], copies: string[]): Promise<number> {
  const classifier = await createClassifier({ model, labels });
  const base = [];
  for (const u of originals) base.push(await classifier.embed(u));
  let hits = 0;
  for (let i = 0; i < copies.length; i++) if (nearestNeighbors(await classifier.embed(copies[i]!), base, 1)[0]!.index === i) hits++;
  await classifier.dispose();
  return hits;
}

/** A few-shot classifier saved by Node (toJSON), loaded here, labelling the query views. */
async function fewShotFromJSON(model: string, labels: string, json: FewShotJSON, queries: string[]): Promise<string[]> {
  const classifier = await createClassifier({ model, labels });
  const fewShot = createFewShotClassifier(classifier, json);
  const out = [];
  for (const q of queries) out.push((await fewShot.predict(q)).label);
  await classifier.dispose();
  return out;
}

/**
 * Threads whose workers never report back (each onnxruntime-web thread worker gets an empty
 * script): createClassifier must reject with a typed error once the start timeout runs out.
 */
async function stalledThreads(model: string, labels: string, startTimeoutMs: number): Promise<{ code: string; message: string } | 'resolved'> {
  const RealWorker = Worker;
  const empty = URL.createObjectURL(new Blob([''], { type: 'text/javascript' }));
  globalThis.Worker = class extends RealWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(options?.name?.startsWith('em-pthread') ? empty : url, options);
    }
  };
  const options = { model, labels, threads: 2 };
  return codeOf(createClassifierWithBackend(createWebBackend(options, { startTimeoutMs }), options));
}

const harness = {
  stalledThreads,
  nearestOriginals,
  fewShotFromJSON,
  fuzzSample,
  evaluateUrls,
  fidelity,
  classifyUrls,
  inWorker,
  errors,
  overlapping,
  imageElement,
  prepareUrl,
  webgpuFallback,
  crossOriginIsolated: () => crossOriginIsolated,
};
(window as unknown as { harness: typeof harness }).harness = harness;
document.getElementById('status')!.textContent = 'ready';
