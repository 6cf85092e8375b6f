// examples/train-head run as its README says: arrange the test photos into class folders, train,
// write mine.onnx, and classify with that file alone (its class names from the model's metadata).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClassifier } from '@onnx-mobilenet/node';
import { IMAGES_DIR, INT8_MODEL, SYNSET, describeWithAssets, photos } from './assets.js';
import { assertFreshDist } from './fresh-dist.js';

const cwd = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'examples/train-head');

describeWithAssets('examples/train-head', () => {
  let dir: string;
  beforeAll(() => {
    assertFreshDist('node'); // the example imports the built package, as users do
    dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-train-head-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('arranges the photos into class folders, trains, writes mine.onnx and classifies with it alone', async () => {
    const arranged = spawnSync(process.execPath, ['arrange.mjs', IMAGES_DIR, join(dir, 'photos')], { cwd, encoding: 'utf8' });
    expect(arranged.status, arranged.stderr).toBe(0);
    expect(readdirSync(join(dir, 'photos')).sort()).toEqual(['animals', 'dogs', 'things']);
    const total = ['animals', 'dogs', 'things'].reduce((n, c) => n + readdirSync(join(dir, 'photos', c)).length, 0);
    expect(total).toBe(photos().length);

    const mine = join(dir, 'mine.onnx');
    const tench = photos().find((p) => p.name === 'tench')!.path;
    const schooner = photos().find((p) => p.name === 'schooner')!.path;
    const r = spawnSync(
      process.execPath,
      ['train.mjs', join(dir, 'photos'), '-o', mine, '--model', INT8_MODEL, '--labels', SYNSET, '--flip', tench, schooner],
      { cwd, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^embedded \{"animals":\d+,"dogs":\d+,"things":\d+\} in \d+ ms$/m);
    expect(r.stdout).toMatch(/^validation accuracy \d+\.\d% on \d+ photos$/m);
    expect(r.stdout).toMatch(/^confusion \(rows: true, columns: predicted, order animals, dogs, things\): \[\[/m);
    expect(existsSync(mine)).toBe(true);
    // a fish and a ship, held out or not: clear cases of their classes
    expect(r.stdout).toContain(`${tench}: animals `);
    expect(r.stdout).toContain(`${schooner}: things `);
    // the file needs nothing else: the class names come from its metadata
    const again = await createClassifier({ model: mine });
    expect(again.labels.map((l) => l.label)).toEqual(['animals', 'dogs', 'things']);
    await again.dispose();
  });
});
