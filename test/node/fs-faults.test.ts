// File-system faults that a test cannot cause for real when it runs as root (permission denied,
// a full or read-only disk): node:fs/promises is wrapped so that any path containing
// `FAULT-<CODE>` fails with that errno, and the library's answer is checked end to end.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createClassifier, type NodeClassifier } from '@onnx-mobilenet/node';
import { INT8_MODEL, SYNSET, describeWithAssets, photo } from '../assets.js';
import { serveFiles, type FileServer } from '../serve-files.js';

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const faulty = <F extends (...args: never[]) => unknown>(fn: F) =>
    ((...args: Parameters<F>) => {
      const code = /FAULT-([A-Z]+)/.exec(String(args[0]))?.[1];
      if (!code) return fn(...args);
      return Promise.reject(Object.assign(new Error(`${code}: simulated, ${String(args[0])}`), { code }));
    }) as F;
  const wrapped = { ...real };
  for (const name of ['open', 'mkdir', 'rename', 'readdir', 'stat', 'unlink'] as const)
    (wrapped as Record<string, unknown>)[name] = faulty(real[name] as never);
  return { ...wrapped, default: wrapped };
});

describeWithAssets('file-system faults, simulated', () => {
  let dir: string;
  let server: FileServer;
  let classifier: NodeClassifier;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-faults-'));
    server = await serveFiles({ '/synset.txt': { file: readFileSync(SYNSET), type: 'text/plain' } });
    classifier = await createClassifier({ model: INT8_MODEL, labels: SYNSET, embeddings: false });
  });
  afterAll(async () => {
    await classifier?.dispose();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports permission denied on a model, labels or image file with its own code, never E_NOT_FOUND', async () => {
    await expect(createClassifier({ model: join(dir, 'FAULT-EACCES.onnx'), labels: SYNSET })).rejects.toMatchObject({
      code: 'E_MODEL_LOAD',
      message: expect.stringContaining('permission denied'),
    });
    await expect(createClassifier({ model: INT8_MODEL, labels: join(dir, 'FAULT-EACCES.txt') })).rejects.toMatchObject({
      code: 'E_LABELS',
      message: expect.stringContaining('permission denied'),
    });
    await expect(classifier.classify(join(dir, 'FAULT-EPERM.jpg'))).rejects.toMatchObject({
      code: 'E_IMAGE_DECODE',
      message: expect.stringContaining('permission denied'),
    });
    await expect(classifier.classify(join(dir, 'FAULT-EIO.jpg'))).rejects.toMatchObject({ code: 'E_IMAGE_DECODE', message: expect.stringContaining('EIO') });
    // the real photo still classifies: only the marked paths fail
    expect((await classifier.classify(photo(0).path))[0]?.id).toBe(photo(0).wnid);
  });

  it.each([
    ['ENOSPC', 'the disk is full'],
    ['EROFS', 'the file system is read-only'],
    ['EACCES', 'permission denied'],
  ])('reports a cache that cannot be written (%s) as E_CACHE naming the fix', async (code, reason) => {
    await expect(
      createClassifier({ allowPrivateNetwork: true, model: INT8_MODEL, labels: server.url('/synset.txt'), cacheDir: join(dir, `FAULT-${code}`) }),
    ).rejects.toMatchObject({
      code: 'E_CACHE',
      message: expect.stringMatching(new RegExp(`${reason}.*Set cacheDir`)),
    });
  });
});
