// The examples are part of the product: run them as a user would.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { augment } from './augment.js';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { parseLabels } from '@onnx-mobilenet/core';
import { INT8_MODEL, SYNSET, describeWithAssets, photos } from './assets.js';
import { assertFreshDist } from './fresh-dist.js';
import { redisReason, startRedis } from './redis-server.js';
import { expectCut, makeClip, skipWithoutFfmpeg } from './video-clip.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

describeWithAssets('examples/node-basic', () => {
  beforeAll(() => assertFreshDist('node')); // the example imports the built package, as users do
  it('classifies photos and reports a missing one', () => {
    const set = photos().slice(0, 3);
    const r = spawnSync(process.execPath, ['classify.mjs', '--model', INT8_MODEL, '--labels', SYNSET, ...set.map((p) => p.path), 'missing.jpg'], {
      cwd: join(root, 'examples/node-basic'),
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    lines.forEach((line, i) => {
      expect(line.startsWith(`${set[i]?.path}: `)).toBe(true);
    });
    expect(lines[0]).toMatch(/: tench \d+\.\d%/);
    expect(r.stderr).toMatch(/missing\.jpg: E_NOT_FOUND: image file not found/);
  });
});

describeWithAssets('examples/few-shot-node', () => {
  beforeAll(() => assertFreshDist('node')); // the example imports the built package, as users do
  it('teaches classes from folders, saves them, and labels new views from the saved file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-few-shot-'));
    try {
      const set = photos().slice(10, 14);
      for (const p of set) {
        mkdirSync(join(dir, 'teach', p.name), { recursive: true });
        const bytes = readFileSync(p.path);
        writeFileSync(join(dir, 'teach', p.name, 'a.jpg'), await augment(bytes, 'shot1'));
        writeFileSync(join(dir, 'teach', p.name, 'b.jpg'), await augment(bytes, 'shot2'));
        writeFileSync(join(dir, `${p.name}-query.jpg`), await augment(bytes, 'query'));
      }
      const cwd = join(root, 'examples/few-shot-node');
      const queries = set.map((p) => join(dir, `${p.name}-query.jpg`));
      const model = ['--model', INT8_MODEL, '--labels', SYNSET];
      const taught = spawnSync(process.execPath, ['few-shot.mjs', '--teach', join(dir, 'teach'), '--save', join(dir, 'classes.json'), ...model, ...queries], {
        cwd,
        encoding: 'utf8',
      });
      expect(taught.status, taught.stderr).toBe(0);
      const loaded = spawnSync(process.execPath, ['few-shot.mjs', '--load', join(dir, 'classes.json'), ...model, ...queries], { cwd, encoding: 'utf8' });
      expect(loaded.status, loaded.stderr).toBe(0);
      expect(loaded.stdout).toBe(taught.stdout);
      const labels = loaded.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(': ')[1]?.split(' (')[0]);
      expect(labels.filter((l, i) => l === set[i]?.name).length).toBeGreaterThanOrEqual(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeWithAssets('examples/large-job', () => {
  beforeAll(() => assertFreshDist('node')); // the example imports the built package, as users do
  it('labels a folder into JSON lines, repairs a half line, and skips what is done when run again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-large-job-'));
    try {
      const set = photos().slice(0, 5);
      mkdirSync(join(dir, 'photos', 'sub'), { recursive: true });
      for (const [i, p] of set.entries()) writeFileSync(join(dir, 'photos', i % 2 ? 'sub' : '', `${p.wnid}.jpg`), readFileSync(p.path));
      writeFileSync(join(dir, 'photos', 'broken.jpg'), 'not a photo');
      const out = join(dir, 'labels.jsonl');
      const run = () =>
        spawnSync(process.execPath, ['label-folder.mjs', join(dir, 'photos'), out, '--model', INT8_MODEL, '--labels', SYNSET], {
          cwd: join(root, 'examples/large-job'),
          encoding: 'utf8',
        });
      const first = run();
      expect(first.status).toBe(0);
      expect(first.stderr).toContain('6 photos labelled this run, 0 skipped');
      const rows = () =>
        readFileSync(out, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { file: string; id?: string; error?: string });
      expect(rows()).toHaveLength(6);
      expect(rows().find((r) => r.file.endsWith('broken.jpg'))?.error).toBe('E_IMAGE_DECODE');
      const right = rows().filter((r) => r.id && r.file.endsWith(`${r.id}.jpg`)).length;
      expect(right).toBeGreaterThanOrEqual(4);
      writeFileSync(out, `${readFileSync(out, 'utf8')}{"file":"half a li`);
      const again = run();
      expect(again.status).toBe(0);
      expect(again.stderr).toContain('0 photos labelled this run, 6 skipped');
      expect(rows()).toHaveLength(6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeWithAssets('examples/queue', () => {
  beforeAll(() => assertFreshDist('queue')); // the example imports the built package, as users do
  it.skipIf(Boolean(redisReason))(
    'classifies a folder through Redis, and enqueues nothing when run again',
    async () => {
      const redis = await startRedis();
      const dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-queue-example-'));
      try {
        const set = photos().slice(0, 5);
        for (const p of set) writeFileSync(join(dir, `${p.wnid}.jpg`), readFileSync(p.path));
        const run = () =>
          spawnSync(process.execPath, ['queue.mjs', dir, redis.url, INT8_MODEL, SYNSET], {
            cwd: join(root, 'examples/queue'),
            encoding: 'utf8',
            timeout: 120_000,
          });
        const first = run();
        expect(first.status, first.stderr).toBe(0);
        expect(first.stderr).toContain('enqueued 5, 0 already done');
        const lines = first.stdout.trim().split('\n');
        expect(lines).toHaveLength(5);
        // `path<TAB>label probability`; the photos are named by their true class
        const labelOf = new Map(parseLabels(readFileSync(SYNSET, 'utf8')).map((l) => [l.id, l.label]));
        const right = lines.filter((line) => {
          const [path = '', rest = ''] = line.split('\t');
          return rest.startsWith(`${labelOf.get(basename(path).slice(0, 9))} `);
        }).length;
        expect(right).toBeGreaterThanOrEqual(4);
        const again = run();
        expect(again.status, again.stderr).toBe(0);
        expect(again.stderr).toContain('enqueued 0, 5 already done');
        expect(again.stdout.trim().split('\n').sort()).toEqual([...lines].sort());
      } finally {
        await redis.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    180_000,
  );
});

describeWithAssets('examples/video-file', () => {
  beforeAll(() => assertFreshDist('node')); // the example imports the built package, as users do
  it.skipIf(skipWithoutFfmpeg)("prints each frame's label in order: the first photo's class, then the second's from the cut at 3 s", () => {
    const dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-video-file-'));
    try {
      const [first, second] = ['tench', 'zebra'].map((name) => photos().find((p) => p.name === name)!);
      const clip = makeClip(dir, [first!.path, second!.path], 3);
      const labelOf = new Map(parseLabels(readFileSync(SYNSET, 'utf8')).map((l) => [l.id, l.label]));
      const run = (video: string) =>
        spawnSync(process.execPath, ['label-video.mjs', video, '--fps', '4', '--model', INT8_MODEL, '--labels', SYNSET], {
          cwd: join(root, 'examples/video-file'),
          encoding: 'utf8',
          timeout: 120_000,
        });
      const r = run(clip);
      expect(r.status, r.stderr).toBe(0);
      // `<seconds>s<TAB><label><TAB><percent>%`, one line a frame
      const rows = r.stdout
        .trim()
        .split('\n')
        .map((line) => line.split('\t'));
      expect(rows).toHaveLength(24);
      const times = rows.map(([t]) => Math.round(Number.parseFloat(t!) * 1000));
      expectCut(
        times,
        rows.map(([, label]) => label),
        { first: labelOf.get(first!.wnid)!, second: labelOf.get(second!.wnid)!, cutMs: 3000, periodMs: 250 },
      );
      console.log(`examples/video-file: ${r.stderr.trim().split('\n').at(-1)}`);
      const missing = run(join(dir, 'missing.mp4'));
      expect(missing.status).toBe(1);
      expect(missing.stderr).toContain(`E_NOT_FOUND: video file not found: ${join(dir, 'missing.mp4')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
