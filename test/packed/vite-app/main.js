// ?where=main classifies on the page, ?where=worker in a module Worker (the README's pattern);
// ?image=… is the photo, ?ep=webgpu asks for WebGPU without enabling it, ?wasmPaths=… is passed on
// (the Parcel fixture serves onnxruntime-web's files itself); the model and labels
// come from /data/.
import { createClassifier } from 'onnx-mobilenet';

const params = new URLSearchParams(location.search);
const request = {
  model: new URL('/data/models/mobilenetv2-12-int8.onnx', location.href).href,
  labels: new URL('/data/models/synset.txt', location.href).href,
  image: new URL(params.get('image') ?? '', location.href).href,
  wasmPaths: params.get('wasmPaths') ?? undefined,
};

async function onPage() {
  const executionProviders = params.get('ep') ? [params.get('ep')] : undefined;
  const classifier = await createClassifier({ model: request.model, labels: request.labels, wasmPaths: request.wasmPaths, executionProviders });
  const [best] = await classifier.classify(request.image);
  return best.label;
}

/** ?where=stream: classifyStream over a canvas's capture stream showing the photo (its track readers load lazily). */
async function onStream() {
  const classifier = await createClassifier({ model: request.model, labels: request.labels, wasmPaths: request.wasmPaths });
  const img = new Image();
  img.src = request.image;
  await img.decode();
  const canvas = Object.assign(document.createElement('canvas'), { width: img.naturalWidth, height: img.naturalHeight });
  const stream = canvas.captureStream(10);
  // a capture stream delivers a frame each time the canvas is drawn
  const timer = setInterval(() => canvas.getContext('2d').drawImage(img, 0, 0), 100);
  try {
    for await (const r of classifier.classifyStream(stream, { topK: 1 })) if (r.predictions) return r.predictions[0].label;
  } finally {
    clearInterval(timer);
    for (const track of stream.getTracks()) track.stop();
  }
}

function inWorker() {
  const worker = new Worker(new URL('./classify.worker.js', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onmessage = (e) => (e.data.label ? resolve(e.data.label) : reject(new Error(e.data.error)));
    worker.onerror = (e) => reject(new Error(`worker error: ${e.message}`));
    worker.postMessage(request);
  });
}

const result = document.getElementById('result');
const where = params.get('where');
(where === 'worker' ? inWorker() : where === 'stream' ? onStream() : onPage()).then(
  (label) => {
    result.textContent = `label: ${label}`;
  },
  (err) => {
    result.textContent = `error: ${err.code ?? ''} ${err.message}`;
  },
);
