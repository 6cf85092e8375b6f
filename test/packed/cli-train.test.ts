// `onnx-mobilenet train` as a user runs it: the bin of an app installed from the packed tarballs,
// on a folder of class subfolders outside the workspace, with a local base model and no labels
// (training must not download ImageNet's names); the file it writes then classifies on its own.
import { copyFileSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, inject, it } from 'vitest';
import { INT8_MODEL, describeWithAssets, photos } from '../assets.js';
import { consumerEnv, runOk } from './consumer-project.js';

describeWithAssets('onnx-mobilenet train from the packed tarballs', () => {
  it('trains on class folders with the installed bin, and classify labels the tench with its folder name', () => {
    const app = inject('npmApp');
    const dir = mkdtempSync(join(inject('packedRoot'), 'train-'));
    // fish and other animals against things, by wnid (the things start at n02669723)
    for (const p of photos()) {
      const label = p.wnid < 'n02600000' ? 'animals' : 'things';
      mkdirSync(join(dir, 'photos', label), { recursive: true });
      copyFileSync(p.path, join(dir, 'photos', label, `${p.wnid}.jpg`));
    }
    const mine = join(dir, 'mine.onnx');
    // offline: a mirror nothing listens on and an empty cache, so any download fails the test
    const env = consumerEnv({ ONNX_MOBILENET_MIRROR: 'http://127.0.0.1:9', ONNX_MOBILENET_CACHE: mkdtempSync(join(dir, 'cache-')) });
    const report = runOk(app, 'npx', ['--no-install', 'onnx-mobilenet', 'train', join(dir, 'photos'), '-o', mine, '--model', INT8_MODEL], env);
    expect(report).toMatch(/^validation accuracy \d+\.\d% \(\d+ of \d+ photos held out\)$/m);
    expect(report).toMatch(/^\s+animals\s+things$/m);
    console.log(`onnx-mobilenet train (packed), 2 classes of the 53 photos: ${report.split('\n')[0]}; ${(statSync(mine).size / 1e6).toFixed(2)} MB`);
    const tench = photos().find((p) => p.wnid === 'n01440764')!.path;
    const row = JSON.parse(runOk(app, 'npx', ['--no-install', 'onnx-mobilenet', 'classify', tench, '--model', mine, '--json'], env));
    expect(row.predictions.map((p: { label: string }) => p.label).sort()).toEqual(['animals', 'things']);
    expect(row.predictions[0].label).toBe('animals');
  });
});
