// Training in Chromium: createTrainer on the web classifier, photos given as File, Blob, <img> and
// ImageBitmap, a head trained and exported there; then a classifier made from the exported bytes,
// run on tensors and photos the test sends. Timings are measured here and printed by the test.
import { createClassifier, createTrainer, type AugmentOptions, type Precision } from 'onnx-mobilenet';

/** How a photo is handed to `trainer.add`, in turn. */
const KINDS = ['file', 'blob', 'img', 'bitmap'] as const;

async function inputOf(url: string, kind: (typeof KINDS)[number]): Promise<Blob | File | HTMLImageElement | ImageBitmap> {
  const blob = await (await fetch(url)).blob();
  if (kind === 'file') return new File([blob], url.split('/').pop()!, { type: blob.type });
  if (kind === 'blob') return blob;
  if (kind === 'bitmap') return createImageBitmap(blob, { imageOrientation: 'from-image' });
  const img = new Image();
  img.src = URL.createObjectURL(blob);
  await img.decode();
  return img;
}

export interface TrainRequest {
  model: string;
  labels: string;
  /** The base model as its URL (read again through the web asset loader on export) or as bytes. */
  modelAs: 'url' | 'bytes';
  photos: { url: string; label: string }[];
  augment?: AugmentOptions;
  seed: number;
}

export interface TrainRun {
  labels: string[];
  weights: number[];
  bias: number[];
  views: number;
  epochsSeen: number;
  validationAccuracy: number | null;
  confusion: number[][];
  embedMs: number;
  fitMs: number;
  /** The longest the page's event loop went without running a 5 ms timer while embedding, and during `train()`. */
  embedStallMs: number;
  longestStallMs: number;
  fileBytes: number;
  /** The exported file, base64 (page.evaluate carries strings well). */
  file: string;
  threads: boolean;
  hardwareConcurrency: number;
}

/** The longest gap between runs of a 5 ms timer from now until `stop()`: how long the page could not respond. */
function stallMeter(): { stop(): number } {
  let longest = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const at = performance.now();
    longest = Math.max(longest, at - last);
    last = at;
  }, 5);
  return {
    stop() {
      clearInterval(ticker);
      return Math.max(longest, performance.now() - last);
    },
  };
}

/** The files exported so far, by run name, for `classify`. */
const exported = new Map<string, Uint8Array>();

function base64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

async function train(name: string, req: TrainRequest): Promise<TrainRun> {
  const model = req.modelAs === 'bytes' ? new Uint8Array(await (await fetch(req.model)).arrayBuffer()) : req.model;
  const classifier = await createClassifier({ model, labels: req.labels });
  const trainer = createTrainer(classifier, { augment: req.augment, seed: req.seed });
  const inputs = await Promise.all(req.photos.map((p, i) => inputOf(p.url, KINDS[i % KINDS.length]!)));
  const embedding = stallMeter();
  const t0 = performance.now();
  // All at once: the decoder caps its decodes, the classifier batches the embeddings, and the trainer
  // keeps the photos in call order, so the head is the same as one at a time.
  await Promise.all(req.photos.map((p, i) => trainer.add(inputs[i]!, p.label)));
  const embedMs = performance.now() - t0;
  const embedStallMs = embedding.stop();
  let epochsSeen = 0;
  const fitting = stallMeter();
  const t1 = performance.now();
  const head = await trainer.train({ seed: req.seed, onEpoch: () => epochsSeen++ });
  const fitMs = performance.now() - t1;
  const longestStallMs = fitting.stop();
  const file = await trainer.exportModel(head);
  await classifier.dispose();
  exported.set(name, file);
  return {
    labels: head.labels,
    weights: Array.from(head.weights),
    bias: Array.from(head.bias),
    views: head.report.trainingViews,
    epochsSeen,
    validationAccuracy: head.report.validationAccuracy,
    confusion: head.report.confusion,
    embedMs,
    fitMs,
    embedStallMs,
    longestStallMs,
    fileBytes: file.byteLength,
    file: base64(file),
    threads: crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
  };
}

export interface ClassifyRequest {
  tensors: { data: number[]; dims: number[] }[];
  photos: string[];
  precision: Precision;
}

/** A classifier made from an exported file (labels from its metadata): probabilities per tensor in label order, top-1 label per photo. */
async function classify(name: string, req: ClassifyRequest) {
  const classifier = await createClassifier({ model: exported.get(name)!, precision: req.precision });
  const labels = classifier.labels.map((l) => l.label);
  const probabilities: number[][] = [];
  for (const t of req.tensors) {
    const predictions = await classifier.classify({ data: Float32Array.from(t.data), dims: t.dims }, { topK: labels.length });
    probabilities.push(labels.map((label) => predictions.find((p) => p.label === label)!.probability));
  }
  const blobs = await Promise.all(req.photos.map(async (url) => (await fetch(url)).blob()));
  const top1 = (await classifier.classify(blobs, { topK: 1 })).map((p) => p[0]!.label);
  await classifier.dispose();
  return { labels, probabilities, top1 };
}

(window as unknown as { training: unknown }).training = { train, classify };
document.getElementById('status')!.textContent = 'ready';
