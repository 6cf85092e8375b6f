// The few-shot classifier exported as one ONNX file (exportFewShotModel): run by onnxruntime-node,
// its top class is the 1-nearest neighbour's and its probabilities are softmax(scale × the nearest
// cosine per class) computed by hand from the base's embeddings; int8 and fp32 bases.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createClassifier, createFewShotClassifier } from '@onnx-mobilenet/node';
import { exportFewShotModel } from '@onnx-mobilenet/core/graph';
import { FEW_SHOT_SCALE } from '../../packages/core/src/tasks/few-shot-export.js';
import { FP32_MODEL, INT8_MODEL, SYNSET, describeWithAssets, photo } from '../assets.js';
import { maxDifference, probabilitiesOf } from '../head-probabilities.js';

const CLASSES = { dog: [8, 9, 10], bird: [1, 4], instrument: [22, 24] };
const QUERIES = [12, 7, 0, 40, 13];

const unit = (v: ArrayLike<number>) => {
  const norm = Math.hypot(...Array.from(v));
  return Array.from(v, (x) => x / norm);
};
const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describeWithAssets('exported few-shot model', () => {
  const dir = mkdtempSync(join(tmpdir(), 'few-shot-export-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, basePath] of [
    ['int8', INT8_MODEL],
    ['fp32', FP32_MODEL],
  ] as const) {
    it(`${name}: 1-NN labels and softmax(${FEW_SHOT_SCALE} × nearest cosine per class) within 1e-5; labels from metadata`, async () => {
      const base = await createClassifier({ model: basePath, labels: SYNSET, precision: 'model' });
      const fewShot = createFewShotClassifier(base);
      const examples: { label: string; unit: number[] }[] = [];
      for (const [label, indices] of Object.entries(CLASSES))
        for (const i of indices) {
          const e = await base.embed(photo(i).path);
          fewShot.addEmbedding(e, label);
          examples.push({ label, unit: unit(e) });
        }
      const path = join(dir, `${name}.onnx`);
      writeFileSync(path, await exportFewShotModel(readFileSync(basePath), fewShot.toJSON(), { preprocess: base.preprocessOptions }));
      const mine = await createClassifier({ model: path, precision: 'model' });
      const labels = Object.keys(CLASSES);
      expect(mine.labels.map((l) => l.label)).toEqual(labels);
      for (const i of QUERIES) {
        const tensor = { data: await base.prepare(photo(i).path), dims: [1, 3, 224, 224] };
        const query = await base.embed(tensor);
        const nearest = labels.map((l) => Math.max(...examples.filter((e) => e.label === l).map((e) => cosine(unit(query), e.unit))));
        const exps = nearest.map((s) => Math.exp(FEW_SHOT_SCALE * (s - Math.max(...nearest))));
        const expected = exps.map((x) => x / exps.reduce((a, b) => a + b, 0));
        const got = await probabilitiesOf(mine, tensor);
        expect(maxDifference(got, expected)).toBeLessThan(1e-5);
        expect(labels[got.indexOf(Math.max(...got))]).toBe(fewShot.predictEmbedding(query, { k: 1 }).label);
      }
      await mine.dispose();
      await base.dispose();
    });
  }

  it('rejects a few-shot file of one label, and examples of another model size, naming the fix', async () => {
    const base = readFileSync(FP32_MODEL);
    const one = { format: 'onnx-mobilenet-few-shot' as const, version: 1 as const, dimensions: 2, examples: [{ label: 'a', embedding: 'AACAPwAAAAA=' }] };
    await expect(exportFewShotModel(base, one)).rejects.toMatchObject({ code: 'E_INPUT', message: expect.stringContaining('two or more labels') });
    const two = { ...one, examples: [...one.examples, { label: 'b', embedding: 'AAAAAAAAgD8=' }] };
    await expect(exportFewShotModel(base, two)).rejects.toMatchObject({ code: 'E_MODEL_SHAPE', message: expect.stringContaining('make them with this model') });
  });
});
