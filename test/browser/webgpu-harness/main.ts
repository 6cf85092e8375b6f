// Functions webgpu.test.ts calls through page.evaluate(() => window.webgpu...): the same prepared
// photos through the wasm provider and the webgpu provider, with what shows where each ran.
import { createClassifier, type ClassifierOptions, type PreparedTensor } from 'onnx-mobilenet';
import { enableAcceleratedProviders } from 'onnx-mobilenet/accelerated';
import { consoleLines, countDispatches, dispatches, placementsIn, recordConsole, type Placements } from './observe';
import { webnn } from './webnn';

recordConsole();
countDispatches();
enableAcceleratedProviders();

interface GpuNavigator {
  gpu?: { requestAdapter(): Promise<{ info: Record<string, unknown> } | null> };
}

/** The adapter this browser offers WebGPU on, or why there is none. */
async function adapter(): Promise<{ vendor: string; architecture: string; isFallbackAdapter: boolean } | { missing: string }> {
  const gpu = (navigator as GpuNavigator).gpu;
  if (!gpu) return { missing: `navigator.gpu is missing (secure context: ${isSecureContext})` };
  const found = await gpu.requestAdapter();
  if (!found) return { missing: 'navigator.gpu.requestAdapter() returned null' };
  const { vendor, architecture, isFallbackAdapter } = found.info as { vendor: string; architecture: string; isFallbackAdapter: boolean };
  return { vendor, architecture, isFallbackAdapter };
}

/** What one provider made of the photos. */
export interface ProviderRun {
  logits: Float32Array[];
  msPerPhoto: number;
  /** WebGPU compute dispatches during one single-photo inference. */
  dispatchesPerRun: number;
  /** console.warn lines from creating the classifier to the last inference (ours and onnxruntime-web's). */
  warnings: string[];
  placements: Placements;
  dequantized: boolean;
}

async function runProvider(options: ClassifierOptions, tensors: PreparedTensor[]): Promise<ProviderRun> {
  const from = consoleLines.length;
  // Verbose session logs: onnxruntime names the provider of every node when the session starts.
  const classifier = await createClassifier({ ...options, sessionOptions: { logSeverityLevel: 0 } });
  try {
    const before = dispatches();
    await classifier.logits(tensors[0]!);
    const dispatchesPerRun = dispatches() - before;
    const t0 = performance.now();
    // Overlapping calls: the classifier batches them (batchSize, 8 by default).
    const logits = await Promise.all(tensors.map((t) => classifier.logits(t)));
    const msPerPhoto = (performance.now() - t0) / tensors.length;
    const lines = consoleLines.slice(from);
    return {
      logits,
      msPerPhoto,
      dispatchesPerRun,
      warnings: lines.filter((l) => l.level === 'warn').map((l) => l.text),
      placements: placementsIn(lines.map((l) => l.text)),
      dequantized: classifier.model.dequantized,
    };
  } finally {
    await classifier.dispose();
  }
}

/** Softmax in float64: the probabilities classify() reports, from a photo's logits. */
function softmax(logits: Float32Array): Float64Array {
  const max = logits.reduce((m, v) => Math.max(m, v), -Infinity);
  const exp = Float64Array.from(logits, (v) => Math.exp(v - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((v) => v / sum);
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

export interface CompareRequest {
  model: string;
  labels: string;
  urls: string[];
  precision?: ClassifierOptions['precision'];
}

/**
 * Prepares the photos once (wasm classifier), then runs the same tensors through the wasm provider
 * and the webgpu provider: top-1 ids and the largest logit difference per photo.
 */
async function compare(req: CompareRequest) {
  const base = { model: req.model, labels: req.labels, precision: req.precision };
  const preparer = await createClassifier(base);
  const blobs = await Promise.all(req.urls.map((u) => fetch(u).then((r) => r.blob())));
  const tensors: PreparedTensor[] = [];
  for (const blob of blobs) tensors.push({ data: await preparer.prepare(blob), dims: [1, 3, 224, 224] });
  const ids = preparer.labels.map((l) => l.id);
  await preparer.dispose();

  const wasm = await runProvider({ ...base, executionProviders: ['wasm'] }, tensors);
  const webgpu = await runProvider({ ...base, executionProviders: ['webgpu'] }, tensors);
  const summary = ({ logits, ...rest }: ProviderRun) => ({ ...rest, top1: logits.map((l) => ids[argmax(l)]!) });
  return {
    wasm: summary(wasm),
    webgpu: summary(webgpu),
    maxAbsDiff: wasm.logits.map((w, i) => w.reduce((m, v, k) => Math.max(m, Math.abs(v - webgpu.logits[i]![k]!)), 0)),
    maxAbsLogit: wasm.logits.map((w) => w.reduce((m, v) => Math.max(m, Math.abs(v)), 0)),
    maxAbsProbabilityDiff: wasm.logits.map((w, i) => {
      const [p, q] = [softmax(w), softmax(webgpu.logits[i]!)];
      return p.reduce((m, v, k) => Math.max(m, Math.abs(v - q[k]!)), 0);
    }),
  };
}

const webgpu = { adapter, compare, webnn };
(window as unknown as { webgpu: typeof webgpu }).webgpu = webgpu;
document.getElementById('status')!.textContent = 'ready';
