// Timings of the web adapter's stages against bare onnxruntime-web, called by ../web-bench.mjs.
import { createClassifier, parseLabels, DEFAULTS, type ClassifierOptions } from '@onnx-mobilenet/web';
import { createWebBackend } from '@onnx-mobilenet/web/adapter';
import { normalizeToCHW, planResize, predictionsFromLogits, resizeAndCrop } from '@onnx-mobilenet/core/preprocess';
import { cold, stages } from './cold-start.js';
import { visit } from './visit.js';

interface Request {
  model: string;
  labels: string;
  urls: string[];
  threads: number;
  /** The classifier's precision (default 'auto'); the bare session always runs the file as it is. */
  precision?: ClassifierOptions['precision'];
}

async function time<T>(items: T[], fn: (x: T) => unknown, warmup = 3): Promise<number[]> {
  for (const x of items.slice(0, warmup)) await fn(x);
  const out: number[] = [];
  for (const x of items) {
    const t0 = performance.now();
    await fn(x);
    out.push(performance.now() - t0);
  }
  return out;
}

async function run(req: Request) {
  // Imported dynamically, as the adapter does: onnxruntime-web's threads start workers from its own
  // module URL, so it must stay a chunk of its own rather than part of this page's bundle.
  const ort = await import('onnxruntime-web/wasm');
  const pre = DEFAULTS.preprocess;
  const blobs = await Promise.all(req.urls.map((u) => fetch(u).then((r) => r.blob())));
  // The classifier first: it sets onnxruntime-web's thread count, which the bare session shares.
  const t0 = performance.now();
  const classifier = await createClassifier({
    model: req.model,
    labels: req.labels,
    threads: req.threads,
    ...(req.precision ? { precision: req.precision } : {}),
  });
  const coldMs = performance.now() - t0;
  const backend = createWebBackend();
  // the browser decodes as it opens: the whole image, which core then resizes
  const decodeWhole = async (b: Blob) => {
    const image = await backend.decoder.open(b, { limits: DEFAULTS.limits });
    const pixels = await image.decode(planResize(image.width, image.height, pre));
    return 'whole' in pixels ? pixels.whole : pixels.crop;
  };
  const decoded = await Promise.all(blobs.map(decodeWhole));
  const crops = decoded.map((d) => resizeAndCrop(d, pre));
  const tensors = crops.map((c) => normalizeToCHW(c, pre.mean, pre.std));
  const session = await ort.InferenceSession.create(new Uint8Array(await (await fetch(req.model)).arrayBuffer()), { graphOptimizationLevel: 'all' });
  const [inputName, outputName] = [session.inputNames[0], session.outputNames[0]];
  if (inputName === undefined || outputName === undefined) throw new Error('the model has no input or no output');
  const runBatch = async (ts: Float32Array[]) => {
    const data = new Float32Array(ts.length * 3 * 224 * 224);
    ts.forEach((t, i) => {
      data.set(t, i * t.length);
    });
    const r = await session.run({ [inputName]: new ort.Tensor('float32', data, [ts.length, 3, 224, 224]) });
    return r[outputName]!.data as Float32Array;
  };
  const labels = parseLabels(await (await fetch(req.labels)).text());
  const logits = await runBatch(tensors.slice(0, 1));
  const batches8: Float32Array[][] = [];
  for (let i = 0; i + 8 <= tensors.length; i += 8) batches8.push(tensors.slice(i, i + 8));
  const blobBatches8: Blob[][] = [];
  for (let i = 0; i + 8 <= blobs.length; i += 8) blobBatches8.push(blobs.slice(i, i + 8));
  const result = {
    crossOriginIsolated,
    threads: ort.env.wasm.numThreads,
    coldMs,
    dequantized: classifier.model.dequantized,
    decode: await time(blobs, decodeWhole),
    resizeCrop: await time(decoded, (d) => resizeAndCrop(d, pre)),
    normalise: await time(crops, (c) => normalizeToCHW(c, pre.mean, pre.std)),
    sessionRun1: await time(tensors, (t) => runBatch([t])),
    sessionRun8: (await time(batches8, (b) => runBatch(b), 1)).map((t) => t / 8),
    postprocess: await time(
      Array.from({ length: 100 }, () => logits),
      (l) => predictionsFromLogits(l, labels, { topK: 5 }),
    ),
    endToEnd1: await time(blobs, (b) => classifier.classify(b)),
    endToEnd8: (await time(blobBatches8, (b) => classifier.classify(b), 1)).map((t) => t / 8),
  };
  await session.release();
  await classifier.dispose();
  return result;
}

(window as unknown as { bench: unknown }).bench = { run, cold, stages, visit };
document.getElementById('status')!.textContent = 'ready';
