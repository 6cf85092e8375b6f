import { type Dir, closeSync, mkdirSync, mkdtempSync, opendirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WalkCount, walkInputs } from './walk-inputs.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-walk-'));
  mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
  for (let i = 0; i < 2000; i++) closeSync(openSync(join(dir, `${i}.JPG`), 'w'));
  writeFileSync(join(dir, 'sub', 'a.png'), '');
  writeFileSync(join(dir, 'sub', 'deeper', 'b.webp'), '');
  writeFileSync(join(dir, 'sub', 'notes.txt'), '');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('yields the first file of a folder before reading the rest (lazy), then every image once', async () => {
  const count: WalkCount = { found: 0, done: false };
  const walk = walkInputs([dir], count);
  const first = await walk.next();
  expect(first.done).toBe(false);
  expect(count).toEqual({ found: 1, done: false });
  const rest: string[] = [];
  for await (const f of walk) rest.push(f);
  const all = [first.value as string, ...rest];
  expect(all).toHaveLength(2002);
  expect(new Set(all).size).toBe(2002);
  expect(all).toContain(join(dir, 'sub', 'deeper', 'b.webp'));
  expect(all.some((f) => f.endsWith('.txt'))).toBe(false);
  expect(count).toEqual({ found: 2002, done: true });
});

it('keeps a missing path as given, and yields a glob’s matches sorted', async () => {
  const missing = join(dir, 'missing.jpg');
  const got: string[] = [];
  for await (const f of walkInputs([missing, join(dir, 'sub', '**', '*.{png,webp}')])) got.push(f);
  expect(got).toEqual([missing, join(dir, 'sub', 'a.png'), join(dir, 'sub', 'deeper', 'b.webp')]);
});

// Found by the argv fuzz: the argument `/` walked into /proc, where this folder opens but its
// entries are EACCES even for root, and the walk threw an untyped error ("unexpected error").
const unreadable = '/proc/1/map_files';
function entriesRefused(path: string): boolean {
  let d: Dir | undefined;
  try {
    d = opendirSync(path);
    d.readSync();
    return false;
  } catch {
    return d !== undefined; // opened, then refused
  } finally {
    d?.closeSync();
  }
}
it.skipIf(!entriesRefused(unreadable))(`skips a folder that opens but refuses its entries (${unreadable}), given or met in a walk`, async () => {
  const walked: string[] = [];
  for await (const f of walkInputs([unreadable, '/proc/1', join(dir, 'sub')])) walked.push(f);
  expect(walked.sort()).toEqual([join(dir, 'sub', 'a.png'), join(dir, 'sub', 'deeper', 'b.webp')]);
});
