// core's dequantizeModel against an independent expectation: the shipped fp32 stand-in was made
// from the same int8 file by the same recipe (weights dequantized, activation ranges as Clips).
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dequantizeModel, isQuantizedModel } from '@onnx-mobilenet/core/graph';
import { createClassifier, type NodeClassifier } from '../src/index.js';
import { FP32_MODEL, INPUT_SIZE, INT8_MODEL, SYNSET, describeWithAssets, photos } from '../../../test/assets.js';

describeWithAssets('dequantizing the int8 model', () => {
  let prep: NodeClassifier;
  beforeAll(async () => {
    prep = await createClassifier({ model: FP32_MODEL, labels: SYNSET });
  });
  afterAll(() => prep?.dispose());

  it('tells quantized from float models', async () => {
    expect(await isQuantizedModel(readFileSync(INT8_MODEL))).toBe(true);
    expect(await isQuantizedModel(readFileSync(FP32_MODEL))).toBe(false);
  });

  it('computes what the fp32 stand-in computes, photo by photo', async () => {
    const rewritten = await dequantizeModel(readFileSync(INT8_MODEL));
    const ours = await ort.InferenceSession.create(rewritten);
    const reference = await ort.InferenceSession.create(FP32_MODEL);
    expect(ours.inputNames).toEqual(['input']);
    expect(ours.outputNames).toEqual(['output']);
    let worst = 0;
    let sameTop1 = 0;
    const set = photos().slice(0, 12);
    for (const p of set) {
      const feeds = { input: new ort.Tensor('float32', await prep.prepare(p.path), [1, 3, INPUT_SIZE, INPUT_SIZE]) };
      const a = (await ours.run(feeds)).output!.data as Float32Array;
      const b = (await reference.run(feeds)).output!.data as Float32Array;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
      const argmax = (x: Float32Array) => x.indexOf(Math.max(...x));
      if (argmax(a) === argmax(b)) sameTop1++;
    }
    console.log(`dequantized vs stand-in: max |logit difference| ${worst.toExponential(2)}`);
    expect(sameTop1).toBe(set.length);
    expect(worst).toBeLessThan(1e-3);
    await ours.release();
    await reference.release();
  });
});
