// The wasm path in Node (@onnx-mobilenet/wasm's default entry, as on Alpine or in a single
// binary): the labelled photos through its own decoder and onnxruntime-web's wasm runtime, held
// to the Node adapter's floors and, on the float model, to its top-1 on every photo.
import { readFileSync } from 'node:fs';
import { createClassifier as createNodeClassifier } from '@onnx-mobilenet/node';
import { createClassifier, type WasmClassifier } from '@onnx-mobilenet/wasm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FP32_MODEL, INT8_MODEL, PHOTO_COUNT, SYNSET, describeWithAssets, photos } from '../assets.js';
import { FLOORS } from '../floors.js';

for (const [name, model] of [
  ['int8', INT8_MODEL],
  ['fp32', FP32_MODEL],
] as const) {
  describeWithAssets(`the wasm path in Node, ${name} model, on the labelled photos`, () => {
    let classifier: WasmClassifier;
    beforeAll(async () => {
      classifier = await createClassifier({ model, labels: SYNSET });
    });
    afterAll(() => classifier?.dispose());

    it(`reaches the top-1 and top-5 floors (${FLOORS[name].top1}/${FLOORS[name].top5} of ${PHOTO_COUNT}) from the JPEG bytes`, async () => {
      const set = photos();
      expect(set).toHaveLength(PHOTO_COUNT);
      const results = await classifier.classify(
        set.map((p) => readFileSync(p.path)),
        { topK: 5 },
      );
      let top1 = 0;
      let top5 = 0;
      results.forEach((preds, i) => {
        const wnid = set[i]!.wnid;
        if (preds[0]?.id === wnid) top1++;
        if (preds.some((p) => p.id === wnid)) top5++;
      });
      console.log(`wasm ${name}: top-1 ${top1}/${PHOTO_COUNT}, top-5 ${top5}/${PHOTO_COUNT}`);
      expect(top1).toBeGreaterThanOrEqual(FLOORS[name].top1);
      expect(top5).toBeGreaterThanOrEqual(FLOORS[name].top5);
    });
  });
}

describeWithAssets('the wasm path against the Node adapter (float model: same graph, so only decoding and kernels differ)', () => {
  it('gives the same top-1 as onnxruntime-node with sharp on every photo', async () => {
    const [wasm, node] = await Promise.all([
      createClassifier({ model: FP32_MODEL, labels: SYNSET }),
      createNodeClassifier({ model: FP32_MODEL, labels: SYNSET }),
    ]);
    try {
      const set = photos();
      const bytes = set.map((p) => readFileSync(p.path));
      const [fromWasm, fromNode] = [await wasm.classify(bytes, { topK: 1 }), await node.classify(bytes, { topK: 1 })];
      const differ = set.flatMap((p, i) =>
        fromWasm[i]![0]?.id === fromNode[i]![0]?.id ? [] : [`${p.name}: ${fromWasm[i]![0]?.label} vs ${fromNode[i]![0]?.label}`],
      );
      expect(differ).toEqual([]);
    } finally {
      await Promise.all([wasm.dispose(), node.dispose()]);
    }
  });
});
