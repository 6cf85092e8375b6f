import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { expandInputs } from './expand-inputs.js';

// A folder of 150,000 files once crashed the CLI: spreading that many arguments into push()
// overflows V8's stack ("Maximum call stack size exceeded"). The walk is stubbed with that many
// names, so the test needs no 150,000 real files (slow to create on a busy machine).
const COUNT = 150_000;
const names = Array.from({ length: COUNT }, (_, i) => `a/${String(i).padStart(6, '0')}.jpg`).reverse();
vi.mock('tinyglobby', async (importOriginal) => ({
  ...(await importOriginal<typeof import('tinyglobby')>()),
  glob: async () => [...names],
}));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-many-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it(`expands a folder of ${COUNT.toLocaleString('en')} images and a glob matching them all, sorted`, async () => {
  const files = await expandInputs([dir]);
  expect(files).toHaveLength(COUNT);
  expect(files[0]).toBe(`${dir}/a/000000.jpg`);
  expect(files[COUNT - 1]).toBe(`${dir}/a/${COUNT - 1}.jpg`);
  const globbed = await expandInputs([`${dir}/a/*.jpg`]);
  expect(globbed).toHaveLength(COUNT);
  expect(globbed[0]).toBe('a/000000.jpg');
});
