// Local model/labels files that are not regular files, hostile sha256 options, unusable cache
// directories, over-long URL names and abandoned temporaries (issue 10: items 2, 3, 4, 5, 8).
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createClassifier } from '@onnx-mobilenet/node';
import { IMAGENET_CLASSES, INT8_MODEL, SYNSET, describeWithAssets } from '../assets.js';
import { serveHostile, type HostileServer } from './hostile-server.js';

const MiB = 2 ** 20;
const posix = process.platform !== 'win32';
// Permissions do not stop root: those cases run as an ordinary user and skip as root; fs-faults.test.ts
// simulates the same errno values, so CI (root) checks the answers too.
const unprivileged = posix && process.getuid?.() !== 0;

describeWithAssets('model and labels paths that are not regular files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-files-'));
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it.runIf(posix)('refuses devices with E_INPUT instead of reading them without end', async () => {
    for (const device of ['/dev/null', '/dev/zero', '/dev/urandom']) {
      await expect(createClassifier({ model: device, labels: SYNSET, limits: { maxModelBytes: MiB } })).rejects.toMatchObject({
        code: 'E_INPUT',
        message: `model path is not a regular file (a device, FIFO or socket): ${device}`,
      });
      await expect(createClassifier({ model: INT8_MODEL, labels: pathToFileURL(device), limits: { maxLabelBytes: MiB } })).rejects.toMatchObject({
        code: 'E_INPUT',
      });
    }
  });

  it.runIf(posix)(
    'refuses a FIFO at once instead of waiting for a writer',
    async () => {
      const fifo = join(dir, 'labels.fifo');
      execFileSync('mkfifo', [fifo]);
      await expect(createClassifier({ model: INT8_MODEL, labels: fifo })).rejects.toMatchObject({ code: 'E_INPUT', message: expect.stringContaining(fifo) });
      await expect(createClassifier({ model: fifo, labels: SYNSET })).rejects.toMatchObject({ code: 'E_INPUT' });
    },
    10_000,
  );

  it('reports a labels file that cannot be read as E_LABELS, not E_MODEL_LOAD', async () => {
    const loop = join(dir, 'loop.txt');
    symlinkSync(loop, loop); // reading it fails with ELOOP
    await expect(createClassifier({ model: INT8_MODEL, labels: loop })).rejects.toMatchObject({ code: 'E_LABELS', message: expect.stringContaining(loop) });
  });

  it.runIf(unprivileged)('reports permission denied as E_MODEL_LOAD, E_LABELS or E_IMAGE_DECODE, never E_NOT_FOUND', async () => {
    const locked = join(dir, 'locked');
    writeFileSync(locked, readFileSync(SYNSET), { mode: 0o000 });
    await expect(createClassifier({ model: INT8_MODEL, labels: locked })).rejects.toMatchObject({
      code: 'E_LABELS',
      message: expect.stringContaining('permission denied'),
    });
    await expect(createClassifier({ model: locked, labels: SYNSET })).rejects.toMatchObject({
      code: 'E_MODEL_LOAD',
      message: expect.stringContaining('permission denied'),
    });
    const c = await createClassifier({ model: INT8_MODEL, labels: SYNSET });
    const closed = join(dir, 'closed');
    mkdirSync(closed);
    writeFileSync(join(closed, 'a.jpg'), 'x');
    chmodSync(closed, 0o000);
    try {
      await expect(c.classify(join(closed, 'a.jpg'))).rejects.toMatchObject({ code: 'E_IMAGE_DECODE', message: expect.stringContaining('permission denied') });
      await expect(c.classify(locked)).rejects.toMatchObject({ code: 'E_IMAGE_DECODE' });
    } finally {
      chmodSync(closed, 0o700);
      await c.dispose();
    }
  });

  it('refuses a labels file over limits.maxLabelBytes with E_LIMIT', async () => {
    await expect(createClassifier({ model: INT8_MODEL, labels: SYNSET, limits: { maxLabelBytes: 1000 } })).rejects.toMatchObject({
      code: 'E_LIMIT',
      message: expect.stringContaining('limits.maxLabelBytes'),
    });
  });
});

describeWithAssets('the download cache under hostile options and file systems', () => {
  let server: HostileServer;
  let root: string;
  let cacheDir: string;
  const synset = readFileSync(SYNSET);
  const longName = `${'a'.repeat(400)}.txt`;

  beforeAll(async () => {
    server = await serveHostile({
      '/labels.txt': { kind: 'file', body: synset, type: 'text/plain' },
      [`/${longName}`]: { kind: 'file', body: synset, type: 'text/plain' },
      '/model.onnx': { kind: 'file', body: readFileSync(INT8_MODEL) },
    });
  });
  afterAll(() => server?.close());
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-cache-'));
    cacheDir = join(root, 'cache');
    return () => rmSync(root, { recursive: true, force: true });
  });

  it('refuses a sha256 that is not 64 hex digits before touching the disk', async () => {
    for (const sha256 of ['../../x', 'abc', `${'0'.repeat(63)}g`]) {
      await expect(createClassifier({ allowPrivateNetwork: true, model: server.url('/model.onnx'), sha256, labels: SYNSET, cacheDir })).rejects.toMatchObject({
        code: 'E_INPUT',
        message: expect.stringContaining('sha256 must be 64 hex digits'),
      });
    }
    expect(readdirSync(root)).toEqual([]);
    expect(server.hits.get('/model.onnx')).toBeUndefined();
  });

  it('reports a cache directory that is a file as E_CACHE naming the fix', async () => {
    writeFileSync(cacheDir, 'not a directory');
    await expect(createClassifier({ allowPrivateNetwork: true, model: INT8_MODEL, labels: server.url('/labels.txt'), cacheDir })).rejects.toMatchObject({
      code: 'E_CACHE',
      message: expect.stringContaining('Set cacheDir'),
    });
  });

  it.runIf(unprivileged)('reports a read-only cache directory as E_CACHE', async () => {
    mkdirSync(cacheDir, { mode: 0o500 });
    await expect(createClassifier({ allowPrivateNetwork: true, model: INT8_MODEL, labels: server.url('/labels.txt'), cacheDir })).rejects.toMatchObject({
      code: 'E_CACHE',
      message: expect.stringContaining('permission denied'),
    });
  });

  it('caches a URL whose file name is too long for the file system under a bounded name', async () => {
    const c = await createClassifier({ allowPrivateNetwork: true, model: INT8_MODEL, labels: server.url(`/${longName}`), cacheDir });
    expect(c.labels).toHaveLength(IMAGENET_CLASSES);
    await c.dispose();
    const names = readdirSync(join(cacheDir, 'labels'));
    expect(names).toHaveLength(2); // the file and its recorded hash
    expect(names.every((n) => n.length < 120)).toBe(true);
  });

  it.runIf(posix)('removes temporaries that a killed download left behind, keeps live and fresh ones', async () => {
    const labels = join(cacheDir, 'labels');
    mkdirSync(labels, { recursive: true });
    // A pid that cannot be alive: above the kernel's pid_max.
    const orphan = join(labels, `.url-0123456789abcdef-labels.txt.99999999.0123456789ab.part`);
    const live = join(labels, `.url-0123456789abcdef-labels.txt.${process.pid}.ba9876543210.part`);
    const fresh = join(labels, `.url-0123456789abcdef-labels.txt.99999999.0000000000ff.part`);
    writeFileSync(orphan, 'half a download');
    writeFileSync(live, 'a download in progress');
    writeFileSync(fresh, 'maybe written from another pid namespace');
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    utimesSync(orphan, twoMinutesAgo, twoMinutesAgo);
    utimesSync(live, twoMinutesAgo, twoMinutesAgo);
    await (await createClassifier({ allowPrivateNetwork: true, model: INT8_MODEL, labels: server.url('/labels.txt'), cacheDir })).dispose();
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(fresh)).toBe(true);
  });
});
