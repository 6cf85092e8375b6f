// `onnx-mobilenet train` end to end, as the checks call it: the built bin trains on a
// folder of class subfolders made from the real photos, the file it writes labels photos with the
// subfolder names through `classify --model mine.onnx`, and its mistakes are one typed line.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { INT8_MODEL, describeWithAssets, photos } from '../../../test/assets.js';
import { assertFreshDist } from '../../../test/fresh-dist.js';
import { DEFAULTS } from '@onnx-mobilenet/node';
import { runCli } from './cli-main.js';

const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/cli.js');
const skipBin = !existsSync(bin) && process.env.CI !== 'true';

// Offline: a mirror nothing listens on and an empty cache, so any download fails the test.
const offline = { ONNX_MOBILENET_MIRROR: 'http://127.0.0.1:9', ONNX_MOBILENET_CACHE: mkdtempSync(join(tmpdir(), 'onnx-mobilenet-no-cache-')) };
const spawnEnv = { ...process.env, ...offline };

async function cli(args: string[], stderrIsTTY = false): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) }, stderrIsTTY, offline);
  return { code, out, err };
}

/** The task: ImageNet's dog breeds (n02085… to n02112…), the other animals, and things, by wnid. */
function classOf(wnid: string): string {
  const n = Number(wnid.slice(1));
  if (n >= 2_085_000 && n < 2_113_000) return 'dogs';
  return n < 2_600_000 ? 'animals' : 'things';
}

// A folder name that clears the screen and forges a report line.
const HOSTILE = 'evil\x1b[2J\nvalidation accuracy 100.0%';
const HOSTILE_SHOWN = 'evil\\x1b[2J\\nvalidation accuracy 100.0%';

describeWithAssets('onnx-mobilenet train', () => {
  let dir: string;
  const data = () => join(dir, 'data');
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-train-'));
    for (const p of photos()) {
      mkdirSync(join(data(), classOf(p.wnid)), { recursive: true });
      copyFileSync(p.path, join(data(), classOf(p.wnid), `${p.wnid}.jpg`));
    }
    // a photo in a subfolder of its class counts; a file that is no image is left out and counted
    mkdirSync(join(data(), 'things', 'more'));
    copyFileSync(join(data(), 'things', 'n04562935.jpg'), join(data(), 'things', 'more', 'water-tower.jpg'));
    writeFileSync(join(data(), 'dogs', 'notes.jpg'), 'not a photo');
  });
  afterAll(() => {
    for (const d of [dir, offline.ONNX_MOBILENET_CACHE]) rmSync(d, { recursive: true, force: true });
  });

  it.skipIf(skipBin)(
    `the built bin trains, reports and writes a model that classify reads with the folder names${skipBin ? ' [skipped: run pnpm build]' : ''}`,
    async () => {
      assertFreshDist('cli');
      const mine = join(dir, 'mine.onnx');
      const r = spawnSync(process.execPath, [bin, 'train', data(), '-o', mine, '--model', INT8_MODEL], { encoding: 'utf8', env: spawnEnv });
      expect(r.status, r.stderr).toBe(0);
      // progress on stderr, plain lines when it is not a terminal
      expect(r.stderr).not.toContain('\x1b');
      expect(r.stderr).not.toContain('\r');
      const total = photos().length + 2;
      expect(r.stderr).toContain(`photos embedded ${total}/${total}\n`);
      expect(r.stderr).toMatch(new RegExp(`^epoch 1/${DEFAULTS.train.epochs} {2}loss \\d+\\.\\d{3} {2}accuracy \\d+\\.\\d%`, 'm'));
      expect(r.stderr).toMatch(/^onnx-mobilenet: skipped E_IMAGE_DECODE: cannot decode image .*notes\.jpg/m);
      // the report on stdout
      expect(r.stdout).toMatch(/^validation accuracy \d+\.\d% \(\d+ of \d+ photos held out\)$/m);
      expect(r.stdout).toMatch(/^skipped 1 file/m);
      expect(r.stdout).toMatch(/^class\s+photos\s+training\s+validation\s+right$/m);
      const count = (c: string) => photos().filter((p) => classOf(p.wnid) === c).length;
      expect(r.stdout).toMatch(new RegExp(`^animals\\s+${count('animals')}\\s`, 'm'));
      expect(r.stdout).toMatch(new RegExp(`^things\\s+${count('things') + 1}\\s`, 'm'));
      expect(r.stdout).toMatch(/^\s+animals\s+dogs\s+things$/m); // the confusion matrix's header
      expect(r.stdout).toContain(`wrote ${mine}`);
      expect(readdirSync(dir).sort()).toEqual(['data', 'mine.onnx']); // no temporary file left

      // the same folder and seed, in-process with --json: the same bytes, and the report to check against
      const again = join(dir, 'again.onnx');
      const json = await cli(['train', data(), '-o', again, '--model', INT8_MODEL, '--json']);
      expect(json.code, json.err.join('\n')).toBe(0);
      expect(readFileSync(again).equals(readFileSync(mine))).toBe(true);
      const run = JSON.parse(json.out.join('\n'));
      expect(run).toMatchObject({ labels: ['animals', 'dogs', 'things'], photos: [count('animals'), count('dogs'), count('things') + 1] });
      expect(run.views).toBe(photos().length + 1); // no augmented views: one a photo
      expect(run.skipped).toEqual([expect.objectContaining({ code: 'E_IMAGE_DECODE', file: join(data(), 'dogs', 'notes.jpg') })]);

      // classify with the file alone: the subfolder names, and as many right as the report counted
      const c = spawnSync(process.execPath, [bin, 'classify', data(), '--model', mine, '--json', '--top', '1'], { encoding: 'utf8', env: spawnEnv });
      const rows = c.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { file: string; predictions?: { label: string }[] });
      const classified = rows.filter((row) => row.predictions);
      expect(classified).toHaveLength(photos().length + 1);
      expect(new Set(classified.map((row) => row.predictions![0]!.label))).toEqual(new Set(['animals', 'dogs', 'things']));
      const right = classified.filter((row) => row.predictions![0]!.label === row.file.slice(data().length + 1).split('/')[0]).length;
      const { report } = run;
      const validationRight = report.confusion.reduce((a: number, row: number[], i: number) => a + row[i]!, 0);
      expect(right).toBe(Math.round(report.trainingAccuracy * report.photos.training) + validationRight);

      // a trained file as the base (3 classes, not 1000): loaded with its own labels, cut at its embedding
      const retrained = await cli(['train', data(), '-o', join(dir, 'retrained.onnx'), '--model', mine, '--json', '--epochs', '5']);
      expect(retrained.code, retrained.err.join('\n')).toBe(0);
      expect(JSON.parse(retrained.out.join('\n')).labels).toEqual(['animals', 'dogs', 'things']);

      // --labels still overrides the file's names, in the worker pool too
      writeFileSync(join(dir, 'names.txt'), 'fauna\nhounds\nobjects\n');
      const renamed = spawnSync(
        process.execPath,
        [bin, 'classify', join(data(), 'dogs', 'n0*.jpg'), '--model', mine, '--labels', join(dir, 'names.txt'), '--json', '--workers', '2'],
        { encoding: 'utf8', env: spawnEnv },
      );
      expect(renamed.status, renamed.stderr).toBe(0);
      const named = renamed.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .filter((row) => row.predictions);
      expect(named).toHaveLength(count('dogs'));
      expect(new Set(named.flatMap((row) => row.predictions.map((p: { label: string }) => p.label)))).toEqual(new Set(['fauna', 'hounds', 'objects']));
    },
  );

  it('refuses a folder of one class, a class without photos, a missing -o and the base model as -o', async () => {
    const single = join(dir, 'single');
    mkdirSync(join(single, 'tench'), { recursive: true });
    copyFileSync(photos()[0]!.path, join(single, 'tench', 'tench.jpg'));
    const one = await cli(['train', single, '-o', join(dir, 'x.onnx'), '--model', INT8_MODEL]);
    expect(one.code).toBe(1);
    expect(one.err.join('\n')).toMatch(/E_INPUT: the training folder .*single needs one subfolder per class, two or more, .*; it has only "tench"/);
    const empty = join(dir, 'empty');
    mkdirSync(join(empty, 'a'), { recursive: true });
    mkdirSync(join(empty, 'b'));
    copyFileSync(photos()[0]!.path, join(empty, 'a', 'tench.jpg'));
    writeFileSync(join(empty, 'b', 'readme.txt'), 'no photos here');
    const noPhotos = await cli(['train', empty, '-o', join(dir, 'x.onnx'), '--model', INT8_MODEL]);
    expect(noPhotos.code).toBe(1);
    expect(noPhotos.err.join('\n')).toMatch(/E_INPUT: the class folder .*empty\/b holds no images \(jpg, jpeg/);
    const missingOutput = await cli(['train', data(), '--model', INT8_MODEL]);
    expect(missingOutput.code).toBe(2);
    expect(missingOutput.err[0]).toMatch(/^onnx-mobilenet: train needs -o <file\.onnx>/);
    const base = await cli(['train', data(), '-o', INT8_MODEL, '--model', INT8_MODEL]);
    expect(base.code).toBe(1);
    expect(base.err.join('\n')).toMatch(/E_INPUT: cannot write the model to -o .*: it is the base model/);
    const missing = await cli(['train', join(dir, 'nowhere'), '-o', join(dir, 'x.onnx')]);
    expect(missing).toMatchObject({ code: 1, err: [expect.stringMatching(/E_NOT_FOUND: cannot read the training folder .*nowhere: it does not exist/)] });
    expect((await cli(['train', data(), '-o', join(dir, 'x.onnx'), '--validation-split', '1'])).code).toBe(2);
    expect(existsSync(join(dir, 'x.onnx'))).toBe(false);
  });

  it('prints a hostile folder name escaped, in progress, report and errors; --json keeps it exact', async () => {
    const hostile = join(dir, 'hostile');
    for (const [label, picks] of [
      [HOSTILE, [0, 1]],
      ['plain', [40, 41]],
    ] as const) {
      mkdirSync(join(hostile, label), { recursive: true });
      for (const i of picks) copyFileSync(photos()[i]!.path, join(hostile, label, `${i}.jpg`));
    }
    const args = ['train', hostile, '-o', join(dir, 'hostile.onnx'), '--model', INT8_MODEL, '--validation-split', '0.5', '--epochs', '5'];
    const text = await cli(args, true);
    expect(text.code, text.err.join('\n')).toBe(0);
    expect(text.err.some((l) => l.startsWith('\r\x1b[Kphotos embedded'))).toBe(true); // redrawn on a terminal
    expect(text.out.join('\n')).not.toContain('\x1b');
    expect(text.out.filter((l) => l.includes(HOSTILE_SHOWN))).toHaveLength(3); // the class row and the confusion row and header
    expect(text.out.some((l) => l.includes('\n'))).toBe(false);
    const json = await cli([...args, '--json']);
    expect(JSON.parse(json.out.join('\n')).labels).toEqual([HOSTILE, 'plain'].sort());
    // an error naming the folder: a class whose only file is no image
    writeFileSync(join(hostile, HOSTILE, 'broken.jpg'), 'x');
    for (const i of [0, 1]) rmSync(join(hostile, HOSTILE, `${i}.jpg`));
    const failed = await cli(args);
    expect(failed.code).toBe(1);
    expect(failed.err.at(-1)).toContain(`no photo of class "${HOSTILE_SHOWN}" could be read`);
    expect(failed.err.join('\n')).not.toContain('\x1b');
  });
});
