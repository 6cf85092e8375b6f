// Functions the browser tests call through page.evaluate(() => window.harness...).
import { createClassifier, evaluate, isOnnxMobilenetError, type ResizeMode } from 'onnx-mobilenet';
import { meanAbsDiff, referencePreprocess } from '../../reference-preprocess';
import { classifyUrls, type RunRequest, type RunResult } from './shared';

async function inWorker(req: RunRequest): Promise<RunResult & { hasDocument: boolean }> {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  try {
    return await new Promise((resolve, reject) => {
      worker.onmessage = (e) => (e.data.ok ? resolve({ ...e.data.result, hasDocument: e.data.hasDocument }) : reject(new Error(`${e.data.error.code}: ${e.data.error.message}`)));
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

async function overlapping(model: string, labels: string, urls: string[]): Promise<{ sequential: string[]; overlapping: string[] }> {
  const classifier = await createClassifier({ model, labels });
  const blobs = await Promise.all(urls.map((u) => fetch(u).then((r) => r.blob())));
  const sequential: string[] = [];
  for (const b of blobs) sequential.push((await classifier.classify(b, { topK: 1 }))[0].id);
  const overlapping = (await Promise.all(blobs.map((b) => classifier.classify(b, { topK: 1 })))).map((p) => p[0].id);
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
  const ids = (await classifier.classify(inputs, { topK: 1 })).map((p) => p[0].id);
  frame.close();
  await classifier.dispose();
  return ids;
}

/** Asks for WebGPU where this headless browser has no usable GPU: expect wasm and a warning. */
async function webgpuFallback(model: string, labels: string, url: string): Promise<{ warnings: string[]; top1: string }> {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  try {
    const classifier = await createClassifier({ model, labels, executionProviders: ['webgpu'] });
    const top1 = (await classifier.classify(url, { topK: 1 }))[0].id;
    await classifier.dispose();
    return { warnings, top1 };
  } finally {
    console.warn = warn;
  }
}

/** The web adapter's tensors against the independent reference implementation, on the browser's own decode. */
async function fidelity(model: string, labels: string, urls: string[]) {
  const classifier = await createClassifier({ model, labels });
  const out: { url: string; mad: number; ourTop: string; refTop: string; refSecond: string; margin: number }[] = [];
  for (const url of urls) {
    const blob = await (await fetch(url)).blob();
    const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image', premultiplyAlpha: 'none' });
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const pixels = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const reference = referencePreprocess(pixels, bitmap.width, bitmap.height, 4);
    const ours = await classifier.prepare(blob);
    const [r1, r2] = await classifier.classify({ data: reference, dims: [1, 3, 224, 224] }, { topK: 2 });
    const [o1] = await classifier.classify({ data: ours, dims: [1, 3, 224, 224] }, { topK: 1 });
    out.push({ url, mad: meanAbsDiff(ours, reference), ourTop: o1.id, refTop: r1.id, refSecond: r2.id, margin: r1.probability - r2.probability });
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

const harness = { evaluateUrls, fidelity, classifyUrls, inWorker, errors, overlapping, imageElement, webgpuFallback, crossOriginIsolated: () => crossOriginIsolated };
(window as unknown as { harness: typeof harness }).harness = harness;
document.getElementById('status')!.textContent = 'ready';
