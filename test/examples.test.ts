// The examples are part of the product: run them as a user would.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { INT8_MODEL, SYNSET, describeWithAssets, photos } from './assets.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

describeWithAssets('examples/node-basic', () => {
  it('classifies photos and reports a missing one', () => {
    const set = photos().slice(0, 3);
    const r = spawnSync(
      process.execPath,
      ['classify.mjs', '--model', INT8_MODEL, '--labels', SYNSET, ...set.map((p) => p.path), 'missing.jpg'],
      { cwd: join(root, 'examples/node-basic'), encoding: 'utf8' },
    );
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    lines.forEach((line, i) => expect(line.startsWith(`${set[i].path}: `)).toBe(true));
    expect(lines[0]).toMatch(/: tench \d+\.\d%/);
    expect(r.stderr).toMatch(/missing\.jpg: E_NOT_FOUND: image file not found/);
  });
});
