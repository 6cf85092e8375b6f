// Cold start in a fresh page: createClassifier to the first result as the library does it, and the
// same pipeline replayed stage by stage (fetch, scan, protobuf decode, dequantize, embedding
// rewrite, encode, onnxruntime-web import, wasm start, session creation, first run) to see where
// the time goes. Called by ../web-bench.mjs, one fresh page per call.
import { CACHE_NAME, createClassifier, DEFAULTS, parseLabels, type ClassifierOptions } from '@onnx-mobilenet/web';
// Internals of core, imported by path: the bench times the steps load-model.ts strings together.
import { dequantizeGraph, hasQuantizedOps, hasQuantizedOpsInBytes } from '../../packages/core/src/graph/dequantize.js';
import { addEmbeddingOutput } from '../../packages/core/src/graph/embedding-graph.js';
import { checkModelBytes } from '../../packages/core/src/graph/external-data.js';
import { decodeModel, encodeModel } from '../../packages/core/src/graph/onnx-model.js';
import { IDENTITY_MODEL } from '../../packages/web/src/warm-start.js';

export interface ColdRequest {
  model: string;
  labels: string;
  image: string;
  threads: number;
  precision?: ClassifierOptions['precision'];
  embeddings: boolean;
  /** Empty the Cache Storage bucket first (a first visit); else the model comes from it (a repeat visit). */
  firstVisit: boolean;
}

/** createClassifier to the first classify() result. */
export async function cold(req: ColdRequest) {
  if (req.firstVisit) await caches.delete(CACHE_NAME);
  const image = await (await fetch(req.image)).blob();
  // when each session creation starts and ends (ms from createClassifier): shows the warm start overlapping the model's load
  const trace: string[] = [];
  const ort = await import('onnxruntime-web/wasm');
  const create = ort.InferenceSession.create.bind(ort.InferenceSession) as (bytes: Uint8Array, options?: object) => Promise<unknown>;
  (ort.InferenceSession as unknown as { create: typeof create }).create = async (bytes, options) => {
    trace.push(`create(${bytes.byteLength} bytes) at ${(performance.now() - t0).toFixed(0)}`);
    try {
      return await create(bytes, options);
    } finally {
      trace.push(`created(${bytes.byteLength} bytes) at ${(performance.now() - t0).toFixed(0)}`);
    }
  };
  const t0 = performance.now();
  const classifier = await createClassifier({
    model: req.model,
    labels: req.labels,
    threads: req.threads,
    embeddings: req.embeddings,
    ...(req.precision ? { precision: req.precision } : {}),
  });
  const t1 = performance.now();
  const [best] = await classifier.classify(image, { topK: 1 });
  const t2 = performance.now();
  const info = { dequantized: classifier.model.dequantized, top1: best!.id };
  await classifier.dispose();
  return { createMs: t1 - t0, firstResultMs: t2 - t0, firstClassifyMs: t2 - t1, ...info, trace };
}

/** The load pipeline replayed step by step, each step timed (ms). */
export async function stages(req: ColdRequest) {
  const out: Record<string, number> = {};
  const time = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
    const t0 = performance.now();
    const value = await fn();
    out[name] = performance.now() - t0;
    return value;
  };
  const t0 = performance.now();
  const original = await time('fetch model', async () => new Uint8Array(await (await fetch(req.model)).arrayBuffer()));
  await time('model scan', () => checkModelBytes(original, { maxLoopIterations: DEFAULTS.limits.maxLoopIterations, maxNodes: DEFAULTS.limits.maxModelNodes }));
  let bytes = original;
  // precision 'auto' in a browser dequantizes int8 (wasm int8 kernels are slower), 'model' never
  const float = req.precision !== 'model';
  const rewrite = req.embeddings || (float && (await time('quantized-op check (wire format)', () => hasQuantizedOpsInBytes(original))));
  if (rewrite) {
    const model = await time('protobuf decode', () => decodeModel(original));
    const dequantize = float && hasQuantizedOps(model);
    if (dequantize) await time('dequantize', () => dequantizeGraph(model, DEFAULTS.limits.maxModelBytes));
    if (req.embeddings) await time('embedding rewrite', () => addEmbeddingOutput(model));
    if (dequantize || req.embeddings) bytes = (await time('protobuf encode', () => encodeModel(model))) as Uint8Array<ArrayBuffer>;
  }
  const ort = await time('import onnxruntime-web', () => import('onnxruntime-web/wasm'));
  ort.env.wasm.numThreads = req.threads;
  const options = { graphOptimizationLevel: DEFAULTS.graphOptimizationLevel } as const;
  // the runtime's start (wasm fetch, compile, thread workers) apart from the model's session
  await time('start runtime (one-node session)', async () => (await ort.InferenceSession.create(IDENTITY_MODEL as Uint8Array)).release());
  const session = await time('first model session', () => ort.InferenceSession.create(bytes, options));
  await time('labels', async () => parseLabels(await (await fetch(req.labels)).text()));
  const input = new ort.Tensor('float32', new Float32Array(3 * 224 * 224), [1, 3, 224, 224]);
  await time('first run', () => session.run({ [session.inputNames[0]!]: input }));
  out.total = performance.now() - t0;
  // not part of the cold start: session creation and a run once the wasm runtime is up
  const again = await time('session create, runtime already started', () => ort.InferenceSession.create(bytes, options));
  await time('second run', () => session.run({ [session.inputNames[0]!]: input }));
  await session.release();
  await again.release();
  return { stages: out, modelBytes: original.byteLength, sessionBytes: bytes.byteLength };
}
