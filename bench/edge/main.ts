// The Chromium side of ../edge-bench.mjs: the web adapter (wasm, one thread) timed on the same
// photos, the same raw pixels and the same prepared tensors as Node and workerd, one at a time.
import { type ClassifierOptions, createClassifier, type PreparedTensor, type RawImage } from '@onnx-mobilenet/web';

type Kind = 'jpeg' | 'raw' | 'tensor';
interface Meta {
  name: string;
  width: number;
  height: number;
  channels: number;
}

let classifier: Awaited<ReturnType<typeof createClassifier>> | undefined;
const inputs: Record<Kind, (Blob | RawImage | PreparedTensor)[]> = { jpeg: [], raw: [], tensor: [] };

async function bytesOf(url: string): Promise<ArrayBuffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

/** Fetches every photo, its raw pixels and its tensor into memory, so that no fetch is timed. */
async function load(photos: Meta[]) {
  inputs.jpeg = await Promise.all(photos.map(async (p) => new Blob([await bytesOf(`/data/images/${p.name}`)])));
  inputs.raw = await Promise.all(
    photos.map(async (p, i) => ({ data: new Uint8Array(await bytesOf(`/inputs/${i}.rgb`)), width: p.width, height: p.height, channels: p.channels as 3 })),
  );
  inputs.tensor = await Promise.all(photos.map(async (_, i) => ({ data: new Float32Array(await bytesOf(`/inputs/${i}.f32`)), dims: [1, 3, 224, 224] })));
  return photos.length;
}

async function open(options: { model: string; labels: string; precision?: ClassifierOptions['precision'] }) {
  await classifier?.dispose();
  classifier = await createClassifier({ ...options, threads: 1 });
  return { dequantized: classifier.model.dequantized };
}

/** One pass: `warmup` photos untimed, then every photo in turn; ms per photo and top-1 ids. */
async function time({ kind, warmup }: { kind: Kind; warmup: number }) {
  const c = classifier;
  if (!c) throw new Error('open() first');
  const items = inputs[kind];
  for (const x of items.slice(0, warmup)) await c.classify(x);
  const ms: number[] = [];
  const ids: (string | undefined)[] = [];
  for (const x of items) {
    const t0 = performance.now();
    const [best] = await c.classify(x, { topK: 1 });
    ms.push(performance.now() - t0);
    ids.push(best?.id);
  }
  return { ms, ids };
}

(window as unknown as { bench: unknown }).bench = { load, open, time };
document.getElementById('status')!.textContent = 'ready';
