// Node on the wasm entry in a child process of ../edge-bench.mjs, for a Node other than the
// bench's own (the Node 22 that wrangler is installed with): the same inputs and pass, driven
// over IPC ({ op: 'open', model } / { op: 'time', kind } / { op: 'close' }).
import { join } from 'node:path';
import { createClassifier } from '@onnx-mobilenet/wasm';
import { ASSETS_DIR } from '../../test/assets-dir.mjs';
import { loadPhotos, passInProcess } from '../lib/edge-inputs.mjs';

const photos = await loadPhotos();
/** @type {import('@onnx-mobilenet/wasm').WasmClassifier | undefined} */
let classifier;
const ops = {
  async open({ model }) {
    await classifier?.dispose();
    classifier = await createClassifier({ model: join(ASSETS_DIR, 'models', model), labels: join(ASSETS_DIR, 'models', 'synset.txt') });
    return { dequantized: classifier.model.dequantized };
  },
  time: ({ kind }) => passInProcess(photos, (x) => /** @type {NonNullable<typeof classifier>} */ (classifier).classify(x, { topK: 1 }), kind),
  async close() {
    await classifier?.dispose();
    setImmediate(() => process.disconnect());
  },
};
process.on('message', async (/** @type {{ id: number, op: keyof typeof ops }} */ message) => {
  try {
    process.send?.({ id: message.id, result: await ops[message.op](/** @type {any} */ (message)) });
  } catch (err) {
    process.send?.({ id: message.id, error: String(/** @type {Error} */ (err)?.message ?? err) });
  }
});
process.send?.({ ready: process.version });
