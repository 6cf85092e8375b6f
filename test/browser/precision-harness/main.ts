// precision in Chromium: which graph a classifier runs (classifier.model.dequantized) and what it
// predicts for the photos, with the warnings the library printed.
import { createClassifier, type ClassifierOptions } from 'onnx-mobilenet';

export interface PrecisionRun {
  dequantized: boolean;
  /** Top-5 ids per photo, in the order given. */
  ids: string[][];
  /** Top-1 probability per photo. */
  top1Probability: number[];
  warnings: string[];
  msPerPhoto: number;
}

async function run(req: { model: string; labels: string; urls: string[]; precision?: ClassifierOptions['precision'] }): Promise<PrecisionRun> {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    warnings.push(args.map(String).join(' '));
    warn(...args);
  };
  try {
    const classifier = await createClassifier({ model: req.model, labels: req.labels, ...(req.precision ? { precision: req.precision } : {}) });
    const blobs = await Promise.all(req.urls.map((u) => fetch(u).then((r) => r.blob())));
    const t0 = performance.now();
    const predictions = await classifier.classify(blobs, { topK: 5 });
    const msPerPhoto = (performance.now() - t0) / blobs.length;
    await classifier.dispose();
    return {
      dequantized: classifier.model.dequantized,
      ids: predictions.map((p) => p.map((x) => x.id)),
      top1Probability: predictions.map((p) => p[0]!.probability),
      warnings,
      msPerPhoto,
    };
  } finally {
    console.warn = warn;
  }
}

(window as unknown as { precision: unknown }).precision = { run };
document.getElementById('status')!.textContent = 'ready';
