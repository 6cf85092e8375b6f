// What `onnx-mobilenet train` may touch: nothing outside the folder given (symbolic links out of it
// are left out), no -o inside it or in a folder that takes no file, and no run beyond its view
// limit; each refused before the model loads, or left out with a warning and counted.
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { INT8_MODEL, describeWithAssets, photos } from '../../../test/assets.js';
import { runCli } from './cli-main.js';
import { MAX_TRAIN_VIEWS, checkViewBudget } from './train-limits.js';

const offline = { ONNX_MOBILENET_MIRROR: 'http://127.0.0.1:9', ONNX_MOBILENET_CACHE: join(tmpdir(), 'onnx-mobilenet-no-cache-bounds') };

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) }, false, offline);
  return { code, out, err };
}

describeWithAssets('onnx-mobilenet train stays within its folder', () => {
  let dir: string;
  const data = () => join(dir, 'data');
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-train-bounds-'));
    for (const [label, picks] of [
      ['a', [0, 1]],
      ['b', [40, 41]],
      ['../elsewhere', [2, 3]],
    ] as const) {
      mkdirSync(join(data(), label), { recursive: true });
      for (const i of picks) copyFileSync(photos()[i]!.path, join(data(), label, `${i}.jpg`));
    }
    symlinkSync(join(dir, 'elsewhere'), join(data(), 'c')); // a class folder leading out
    symlinkSync(join(dir, 'elsewhere', '2.jpg'), join(data(), 'a', 'out.jpg')); // a photo leading out
    mkdirSync(join(data(), '.stash'));
    copyFileSync(photos()[42]!.path, join(data(), '.stash', 'kept.jpg'));
    symlinkSync(join(data(), '.stash', 'kept.jpg'), join(data(), 'b', 'in.jpg')); // a link within: followed
    symlinkSync(join(data(), 'a', '0.jpg'), join(data(), 'b', 'twice.jpg')); // a's photo again: one label only
    symlinkSync(data(), join(data(), 'all')); // the training folder itself as a class: every photo twice
    symlinkSync(join(data(), 'a'), join(data(), 'b', 'folder.jpg')); // no regular file: E_INPUT, left out
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves out class folders and photos leading out of <dir>, and a photo that is no regular file', async () => {
    const r = await cli(['train', data(), '-o', join(dir, 'mine.onnx'), '--model', INT8_MODEL, '--json', '--epochs', '2']);
    expect(r.code, r.err.join('\n')).toBe(0);
    const run = JSON.parse(r.out.join('\n'));
    expect(run.labels).toEqual(['a', 'b']);
    expect(run.photos).toEqual([2, 3]);
    expect(run.skipped.map((s: { file: string; code: string }) => [s.file, s.code])).toEqual([
      [join(data(), 'a', 'out.jpg'), 'E_INPUT'],
      [join(data(), 'all'), 'E_INPUT'],
      [join(data(), 'b', 'folder.jpg'), 'E_INPUT'],
      [join(data(), 'b', 'twice.jpg'), 'E_INPUT'],
      [join(data(), 'c'), 'E_INPUT'],
    ]);
    expect(r.err.join('\n')).toMatch(/b\/twice\.jpg is the same file as .*a\/0\.jpg: left out/);
    expect(r.err.join('\n')).toMatch(/skipped E_INPUT: .*data\/c leads to .*elsewhere, outside the training folder/);
    // an E_INPUT of the class, not of one photo: every photo fails alike, and the run ends naming why
    const padded = join(dir, 'padded');
    for (const label of ['a', 'b ']) {
      mkdirSync(join(padded, label), { recursive: true });
      copyFileSync(photos()[0]!.path, join(padded, label, '0.jpg'));
    }
    const bad = await cli(['train', padded, '-o', join(dir, 'x.onnx'), '--model', INT8_MODEL]);
    expect(bad.code).toBe(1);
    expect(bad.err.at(-1)).toMatch(/no photo of class "b " could be read as an image \(1 skipped; the first: E_INPUT: the label "b " would read back as "b"/);
  });

  it('refuses an -o inside <dir> (by any spelling) and an -o folder that takes no file, before loading', async () => {
    const photo = join(data(), 'a', '0.jpg');
    const before = readFileSync(photo);
    symlinkSync(data(), join(dir, 'link'));
    for (const o of [photo, join(data(), 'mine.onnx'), join(dir, 'link', 'b', 'x.onnx')]) {
      const r = await cli(['train', data(), '-o', o, '--model', join(dir, 'no-such-base.onnx')]);
      expect(r).toMatchObject({ code: 1, err: [expect.stringMatching(/E_INPUT: cannot write the model to -o .*: it is inside the training folder/)] });
    }
    expect(readFileSync(photo).equals(before)).toBe(true);
    const proc = await cli(['train', data(), '-o', '/proc/x.onnx', '--model', join(dir, 'no-such-base.onnx')]);
    expect(proc).toMatchObject({ code: 1, err: ['onnx-mobilenet: E_INPUT: cannot write the model to -o /proc/x.onnx: its folder does not take new files'] });
  });

  it('refuses more views than its limit before embedding, and takes --crops 00', async () => {
    expect(() => checkViewBudget(MAX_TRAIN_VIEWS / 20, 9, true)).not.toThrow();
    expect(() => checkViewBudget(MAX_TRAIN_VIEWS / 20 + 1, 9, true)).toThrow(
      /^10,001 photos × 20 views each \(1 \+ --crops 9, ×2 for --flip\) = 200,020 views, over the limit of 200,000 .*lower --crops, leave out --flip/,
    );
    // 1,000 links to one photo (within the folder, so followed) × 202 views: refused before the base is looked for
    const many = join(dir, 'many');
    for (const label of ['a', 'b']) mkdirSync(join(many, label), { recursive: true });
    copyFileSync(photos()[0]!.path, join(many, 'photo.jpg'));
    for (let i = 0; i < 1000; i++) linkSync(join(many, 'photo.jpg'), join(many, i % 2 ? 'a' : 'b', `${i}.jpg`)); // hard links: 1,000 files, one photo's bytes
    const big = await cli(['train', many, '-o', join(dir, 'x.onnx'), '--model', join(dir, 'no-such-base.onnx'), '--crops', '100', '--flip']);
    expect(big).toMatchObject({ code: 1, err: [expect.stringMatching(/E_LIMIT: 1,000 photos × 202 views each .* = 202,000 views, over the limit/)] });
    const zero = await cli(['train', join(dir, 'nowhere'), '-o', join(dir, 'x.onnx'), '--crops', '00']);
    expect(zero).toMatchObject({ code: 1, err: [expect.stringMatching(/E_NOT_FOUND: cannot read the training folder/)] });
    expect((await cli(['train', data(), '-o', join(dir, 'x.onnx'), '--crops', '101'])).err[0]).toMatch(/--crops must be an integer from 0 to 100/);
  });
});
