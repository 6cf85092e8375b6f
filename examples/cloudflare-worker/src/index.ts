// A Cloudflare Worker that classifies the image POSTed to it and answers the top 5 as JSON.
// `onnx-mobilenet` resolves to its wasm path under wrangler's `workerd` condition: onnxruntime-web's
// wasm is imported statically (a WebAssembly.Module, as Workers require) and images are decoded
// without the DOM. `?top=3` asks for 3 predictions.
import { createClassifier, type ErrorCode, isOnnxMobilenetError, type ModelSource, type LabelsSource } from 'onnx-mobilenet';

/** The Worker's bindings (wrangler.jsonc `vars`, and `assets` in wrangler.assets.jsonc). */
export interface Env {
  /** A registry name or an https URL (wrangler.jsonc), or a file name in the static assets (wrangler.assets.jsonc). */
  MODEL: string;
  /** Empty for the zoo's ImageNet labels, an https URL, or a file name in the static assets. */
  LABELS?: string;
  /** "true": downloads may reach 127.0.0.1 and private addresses (local tests only). */
  ALLOW_PRIVATE_NETWORK?: string;
  /** The static-assets binding of wrangler.assets.jsonc; absent with wrangler.jsonc. */
  MODEL_FILES?: { fetch(request: Request | string): Promise<Response> };
}

type Classifier = Awaited<ReturnType<typeof createClassifier>>;

// Bounds that keep one request within a Worker's 128 MB: the body is read up to MAX_BODY_BYTES
// (a larger one is refused with 413 before it is read), and an image larger than MAX_PIXELS is
// refused from its header, before anything is decoded. The decoder's wasm memory grows to the
// largest image and stays: with the model loaded, 72 MB after an 8 MP JPEG, 105 MB after 12 MP.
const MAX_BODY_BYTES = 10 * 2 ** 20;
const MAX_PIXELS = 8_000_000;

// One classifier per isolate, created by the first request and reused by the following ones. A
// failed creation is forgotten, so the next request tries again.
let classifier: Promise<Classifier> | undefined;
function getClassifier(env: Env): Promise<Classifier> {
  if (!classifier) {
    classifier = loadClassifier(env);
    classifier.catch(() => (classifier = undefined));
  }
  return classifier;
}

async function loadClassifier(env: Env): Promise<Classifier> {
  const limits = { maxEncodedBytes: MAX_BODY_BYTES, maxInputPixels: MAX_PIXELS };
  if (env.MODEL_FILES) {
    // The model and labels as bytes from the Worker's static assets (wrangler.assets.jsonc).
    const [model, labels] = await Promise.all([assetBytes(env.MODEL_FILES, env.MODEL), assetBytes(env.MODEL_FILES, env.LABELS || 'synset.txt')]);
    return createClassifier({ model, labels, limits });
  }
  // By registry name or URL: the library downloads the file, checks it and keeps it in the Cache
  // API (caches.open('onnx-mobilenet')), so another isolate of this data center reads it from there.
  const model: ModelSource = env.MODEL;
  const labels: LabelsSource | undefined = env.LABELS || undefined;
  return createClassifier({ model, labels, limits, allowPrivateNetwork: env.ALLOW_PRIVATE_NETWORK === 'true' });
}

async function assetBytes(files: NonNullable<Env['MODEL_FILES']>, name: string): Promise<Uint8Array> {
  const response = await files.fetch(new URL(name, 'https://assets.invalid/').href);
  if (!response.ok) throw new Error(`static asset ${name} answered ${response.status}: put it in ./model (see the README)`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The request body, read up to `max` bytes; `undefined` when it is longer. */
async function readBody(request: Request, max: number): Promise<Uint8Array | undefined> {
  if (Number(request.headers.get('content-length')) > max) return undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (let step = await reader.read(); !step.done; step = await reader.read()) {
      size += step.value.byteLength;
      if (size > max) {
        await reader.cancel();
        return undefined;
      }
      chunks.push(step.value);
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

// What each error code means for the caller: a bad request (4xx) or our fault (5xx, the default).
const STATUS: Partial<Record<ErrorCode, number>> = { E_INPUT: 400, E_LIMIT: 413, E_IMAGE_DECODE: 422 };

function error(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (request.method === 'GET') return Response.json({ usage: 'POST an image (JPEG, PNG or WebP) to this URL; ?top=k for k predictions' });
    if (request.method !== 'POST') return error(405, 'E_INPUT', 'use POST with the image as the body');
    const top = new URL(request.url).searchParams.get('top');
    try {
      const bytes = await readBody(request, MAX_BODY_BYTES);
      if (!bytes) return error(413, 'E_LIMIT', `the body is over ${MAX_BODY_BYTES} bytes`);
      if (bytes.byteLength === 0) return error(400, 'E_INPUT', 'send the image as the request body');
      const predictions = await (await getClassifier(env)).classify(bytes, top === null ? {} : { topK: /^\d+$/.test(top) ? Number(top) : Number.NaN });
      return Response.json({ predictions });
    } catch (err) {
      const status = isOnnxMobilenetError(err) ? (STATUS[err.code] ?? 500) : 500;
      // A bad request learns what was wrong; a failure of ours is logged (wrangler tail, Workers Logs), not shown.
      if (isOnnxMobilenetError(err) && status < 500) return error(status, err.code, err.message);
      console.error(err);
      return error(500, isOnnxMobilenetError(err) ? err.code : 'E_INTERNAL', 'the Worker failed (see its logs)');
    }
  },
} satisfies ExportedHandler<Env>;
