// The bench's Worker (bundled by wrangler and served by workerd for ../edge-bench.mjs): one
// classifier per isolate on the model imported beside it, created by the first request.
// POST /classify?input=jpeg|raw|tensor (raw: &width=&height=&channels=) with the photo, its RGB
// pixels or its prepared 1x3x224x224 float32 tensor as the body; answers the top-1 id and the
// time the Worker measured (performance.now(), which workerd may hold still between I/O events:
// `clockMoves` says whether it moved while the classifier ran).
import { createClassifier } from '@onnx-mobilenet/wasm';
import labels from './synset.txt';
import model from './model.onnx';

/** @type {Promise<import('@onnx-mobilenet/wasm').WasmClassifier> | undefined} */
let classifier;

export default {
  /** @param {Request} request */
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname !== '/classify') return new Response('not found', { status: 404 });
    const body = new Uint8Array(await request.arrayBuffer());
    const t0 = performance.now();
    const first = classifier === undefined;
    classifier ??= createClassifier({ model: new Uint8Array(model), labels: new Uint8Array(labels) });
    const c = await classifier;
    const t1 = performance.now();
    const kind = url.searchParams.get('input');
    const q = (name) => Number(url.searchParams.get(name));
    const input =
      kind === 'raw'
        ? { data: body, width: q('width'), height: q('height'), channels: q('channels') }
        : kind === 'tensor'
          ? { data: new Float32Array(body.buffer, body.byteOffset, body.byteLength / 4), dims: [1, 3, 224, 224] }
          : body;
    let best;
    try {
      [best] = await c.classify(input, { topK: 1 });
    } catch (err) {
      return Response.json({ error: `${err?.name}: ${err?.message}`, code: err?.code }, { status: 500 });
    }
    const t2 = performance.now();
    return Response.json({
      id: best?.id,
      first,
      dequantized: c.model.dequantized,
      createMs: t1 - t0,
      classifyMs: t2 - t1,
      clockMoves: t2 > t1,
    });
  },
};
