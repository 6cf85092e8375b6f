// The few-shot classifier exported as one ONNX file (exportFewShotModel): run by onnxruntime-node,
// its top class is the 1-nearest neighbour's and its probabilities are softmax(scale × the nearest
// cosine per class) computed by hand from the base's embeddings; int8 and fp32 bases.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { createClassifier, createFewShotClassifier } from '@onnx-mobilenet/node';
import { exportFewShotModel } from '@onnx-mobilenet/core/graph';
import { FEW_SHOT_SCALE } from '../../packages/core/src/tasks/few-shot-export.js';
import { FP32_MODEL, INT8_MODEL, SYNSET, describeWithAssets, photo } from '../assets.js';
import { maxDifference, probabilitiesOf } from '../head-probabilities.js';
import { PYTHON, describeWithPython } from '../python-env.js';

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

describeWithAssets('exported few-shot model in Python', () => {
  describeWithPython('onnxruntime (Python) against onnxruntime-node', () => {
    it('int8: the same probabilities (within 1e-5) and labels from metadata', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'few-shot-python-'));
      const base = await createClassifier({ model: INT8_MODEL, labels: SYNSET, precision: 'model' });
      const fewShot = createFewShotClassifier(base);
      for (const [label, indices] of Object.entries(CLASSES)) for (const i of indices) await fewShot.add(photo(i).path, label);
      const path = join(dir, 'few-shot.onnx');
      writeFileSync(path, await exportFewShotModel(readFileSync(INT8_MODEL), fewShot.toJSON()));
      const data = await base.prepare(photo(QUERIES[0]!).path);
      writeFileSync(join(dir, 'input.f32'), new Uint8Array(new Float32Array(data).buffer)); // little-endian on x86-64 and arm64
      const script = fileURLToPath(new URL('../python/probabilities.py', import.meta.url));
      const run = spawnSync(PYTHON, [script, path, join(dir, 'input.f32'), '1,3,224,224'], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      const python = JSON.parse(run.stdout) as { probabilities: number[][]; labels: string[] };
      expect(python.labels).toEqual(Object.keys(CLASSES));
      const mine = await createClassifier({ model: path, precision: 'model' });
      expect(maxDifference(python.probabilities[0]!, await probabilitiesOf(mine, { data, dims: [1, 3, 224, 224] }))).toBeLessThan(1e-5);
      await mine.dispose();
      await base.dispose();
      rmSync(dir, { recursive: true, force: true });
    });
  });
});
