// The Python-peer bench's own parts (bench/python-peer-bench.mjs measures, this only checks they
// do the work they claim): the second photo set is what its name says (640x480, 4:4:4 chroma,
// re-encoded), and the plain Python pipeline classifies like onnx-mobilenet on both sets.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClassifier } from '@onnx-mobilenet/node';
import { FP32_MODEL, IMAGES_DIR, INT8_MODEL, PHOTO_COUNT, SYNSET, describeWithAssets, photos } from '../assets.js';
import { PYTHON, describeWithPython } from '../python-env.js';

const bench = (path: string) => fileURLToPath(new URL(`../../bench/python/${path}`, import.meta.url));
const TENCH = 0; // n01440764, the first line of synset.txt

interface PipelineRun {
  top1: number[];
  batch8: { wall: number[]; cpu: number[] };
  single: { wall: number[]; cpu: number[] };
}

describeWithAssets('Python-peer bench', () => {
  describeWithPython('second set and plain Python pipeline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'python-peer-'));
    const second = join(dir, 'second');
    const originals = photos();
    const sets = { bench: originals.map((p) => p.path), second: originals.map((p) => join(second, p.path.split('/').at(-1) as string)) };
    beforeAll(() => {
      execFileSync(PYTHON, [bench('make-second-set.py'), IMAGES_DIR, second]);
    }, 120_000);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const pipeline = (model: string, paths: string[], passes = 0, modes = 'batch8'): PipelineRun => {
      const list = join(dir, 'list.txt');
      writeFileSync(list, paths.join('\n'));
      return JSON.parse(execFileSync(PYTHON, [bench('pipeline.py'), model, list, '--passes', String(passes), '--modes', modes], { encoding: 'utf8' }));
    };

    it('re-encodes every photo at 640x480 with 4:4:4 chroma', async () => {
      expect(readdirSync(second).sort()).toEqual(originals.map((p) => p.path.split('/').at(-1)).sort());
      expect(originals).toHaveLength(PHOTO_COUNT);
      for (const [i, path] of sets.second.entries()) {
        const meta = await sharp(path).metadata();
        expect([meta.format, meta.width, meta.height, meta.chromaSubsampling]).toEqual(['jpeg', 640, 480, '4:4:4']);
        expect(readFileSync(path).equals(readFileSync(sets.bench[i] as string))).toBe(false);
      }
    });

    it('the Python pipeline finds the tench with both models, in batches and one at a time', () => {
      const tench = [sets.bench[0], sets.second[0]] as string[];
      for (const model of [INT8_MODEL, FP32_MODEL]) {
        const run = pipeline(model, tench, 1, 'batch8,single');
        expect(run.top1).toEqual([TENCH, TENCH]);
        for (const mode of [run.batch8, run.single]) {
          expect(mode.wall).toHaveLength(1);
          expect(mode.wall[0]).toBeGreaterThan(0);
        }
      }
    }, 120_000);

    it('the Python pipeline and onnx-mobilenet agree on the top-1 of nearly every photo of both sets (fp32)', async () => {
      const ours = await createClassifier({ model: FP32_MODEL, labels: SYNSET });
      try {
        for (const paths of Object.values(sets)) {
          const python = pipeline(FP32_MODEL, paths).top1;
          const mine = (await ours.classify(paths)).map((p) => p[0]?.index);
          // 53 of 53 on both sets when written; resamplers differ (sharp and Pillow), so a photo
          // near a tie may go either way.
          expect(python.filter((x, i) => x === mine[i]).length).toBeGreaterThanOrEqual(PHOTO_COUNT - 3);
        }
      } finally {
        await ours.dispose();
      }
    }, 180_000);
  });
});
