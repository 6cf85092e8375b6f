// Python's onnxruntime runs the exported file (a head trained on real photos, int8 and fp32
// bases) to the same probabilities as ours for the same input tensors, within 1e-5, and reads the
// class names from its metadata. The Python side is test/python/probabilities.py.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClassifier, createTrainer, headProbabilities, type NodeClassifier, type TrainedHead } from '@onnx-mobilenet/node';
import { FP32_MODEL, INT8_MODEL, SYNSET, describeWithAssets, photo } from '../assets.js';
import { maxDifference, probabilitiesOf } from '../head-probabilities.js';
import { PYTHON, describeWithPython } from '../python-env.js';

const SCRIPT = fileURLToPath(new URL('../python/probabilities.py', import.meta.url));
const GUIDE = fileURLToPath(new URL('../../docs/guides/own-classes.md', import.meta.url));

/** The guide's Python example (the ```python block of its "In Python" section). */
function guideScript(): string {
  const section = readFileSync(GUIDE, 'utf8')
    .split(/^## /m)
    .find((s) => s.startsWith('In Python'));
  const code = section?.match(/```python\n([\s\S]*?)```/)?.[1];
  if (!code) throw new Error(`${GUIDE} has no python example under "## In Python"`);
  return code;
}
// Photos by index in the assets folder (sorted by wnid): three classes to train, four other photos to compare on.
const CLASSES = { dog: [8, 9, 10, 11], bird: [1, 4, 5], instrument: [22, 24] };
const COMPARED = [12, 7, 0, 40]; // Sussex spaniel, sandpiper, tench, power drill

/** The tensors as one little-endian float32 file, for numpy's `fromfile(dtype='<f4')`. */
function rawFile(path: string, tensors: Float32Array[]): void {
  const bytes = new DataView(new ArrayBuffer(tensors.reduce((n, t) => n + t.length * 4, 0)));
  let at = 0;
  for (const t of tensors) for (const v of t) bytes.setFloat32(at++ * 4, v, true);
  writeFileSync(path, new Uint8Array(bytes.buffer));
}

describeWithAssets('exported head model in Python', () => {
  describeWithPython('onnxruntime (Python) against onnxruntime-node', () => {
    const dir = mkdtempSync(join(tmpdir(), 'python-parity-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    for (const [name, basePath] of [
      ['int8', INT8_MODEL],
      ['fp32', FP32_MODEL],
    ] as const) {
      let base: NodeClassifier;
      let head: TrainedHead;
      let path: string;
      beforeAll(async () => {
        base = await createClassifier({ model: basePath, labels: SYNSET, precision: 'model' });
        const trainer = createTrainer(base, { augment: { flip: true } });
        for (const [label, indices] of Object.entries(CLASSES)) for (const i of indices) await trainer.add(photo(i).path, label);
        head = await trainer.train({ validationSplit: 0, epochs: 30, seed: 7 });
        path = join(dir, `${name}.onnx`);
        writeFileSync(path, await trainer.exportModel(head));
      });
      afterAll(() => base?.dispose());

      it(`${name}: same probabilities as ours and as headProbabilities (within 1e-5); labels from metadata`, async () => {
        const tensors = await Promise.all(COMPARED.map((i) => base.prepare(photo(i).path)));
        const raw = join(dir, `${name}.f32`);
        rawFile(raw, tensors);
        const run = spawnSync(PYTHON, [SCRIPT, path, raw, `${tensors.length},3,224,224`], { encoding: 'utf8', maxBuffer: 1 << 24 });
        expect(run.stderr).toBe('');
        expect(run.status).toBe(0);
        const python = JSON.parse(run.stdout) as { probabilities: number[][]; labels: string[]; output: string };
        expect(python.labels).toEqual(Object.keys(CLASSES));
        expect(python.labels).toEqual(head.labels);
        expect(python.output).toBe('probabilities');
        expect(python.probabilities).toHaveLength(tensors.length);

        const mine = await createClassifier({ model: path, precision: 'model' });
        expect(mine.labels.map((l) => l.label)).toEqual(head.labels);
        for (const [k, data] of tensors.entries()) {
          const tensor = { data, dims: [1, 3, 224, 224] };
          const ours = await probabilitiesOf(mine, tensor);
          expect(maxDifference(python.probabilities[k]!, ours)).toBeLessThan(1e-5);
          expect(maxDifference(headProbabilities(head, await base.embed(tensor)), ours)).toBeLessThan(1e-5);
        }
        // the dog and the bird that were not trained on come out as dog and bird
        const top = (p: number[]) => head.labels[p.indexOf(Math.max(...p))];
        expect([top(python.probabilities[0]!), top(python.probabilities[1]!)]).toEqual(['dog', 'bird']);
        await mine.dispose();
      });

      it(`${name}: the guide's Python example (Pillow preprocessing) labels photos as we do`, async () => {
        const script = join(dir, 'classify.py');
        writeFileSync(script, guideScript());
        const mine = await createClassifier({ model: path, precision: 'model' });
        for (const i of [COMPARED[0]!, COMPARED[1]!]) {
          const run = spawnSync(PYTHON, [script, path, photo(i).path], { encoding: 'utf8' });
          expect(run.stderr).toBe('');
          const lines = run.stdout
            .trim()
            .split('\n')
            .map((l) => l.split('\t'));
          expect(lines).toHaveLength(3);
          const [best] = await mine.classify(photo(i).path, { topK: 1 });
          expect(lines[0]![0]).toBe(best!.label);
          // Pillow's resize rounds to 8 bits in other places than ours: ~0.01 apart on the int8 base
          expect(Math.abs(Number(lines[0]![1]) - best!.probability)).toBeLessThan(0.05);
        }
        await mine.dispose();
      });
    }
  });
});
