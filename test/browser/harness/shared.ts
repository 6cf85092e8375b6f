// Work done identically on the page and in the worker.
import { createClassifier, type ClassifierOptions, type Prediction, type WebClassifier } from 'onnx-mobilenet';

export interface RunRequest {
  model: string;
  labels: string;
  urls: string[];
  topK?: number;
  threads?: number;
  wasmPaths?: string;
}

export interface RunResult {
  predictions: Prediction[][];
  loadMs: number;
  msPerPhoto: number;
  backend: string;
}

export async function classifyUrls(req: RunRequest, extra: ClassifierOptions = {}): Promise<RunResult> {
  const t0 = performance.now();
  const classifier: WebClassifier = await createClassifier({ model: req.model, labels: req.labels, threads: req.threads, wasmPaths: req.wasmPaths, ...extra });
  const t1 = performance.now();
  // Fetch first so the timing below is decode + preprocess + inference, not the network.
  const blobs = await Promise.all(req.urls.map((u) => fetch(u).then((r) => r.blob())));
  const t2 = performance.now();
  const predictions = await classifier.classify(blobs, { topK: req.topK ?? 5 });
  const t3 = performance.now();
  await classifier.dispose();
  return { predictions, loadMs: t1 - t0, msPerPhoto: (t3 - t2) / req.urls.length, backend: classifier.model.backend };
}
