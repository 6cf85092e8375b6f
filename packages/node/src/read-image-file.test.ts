import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DEFAULTS } from '@onnx-mobilenet/core';
import { readImageFile } from './read-image-file.js';

const dir = mkdtempSync(join(tmpdir(), 'read-image-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('reads the whole file, and refuses one over limits.maxEncodedBytes without reading it', async () => {
  const path = join(dir, 'ten.bin');
  writeFileSync(path, Buffer.from('0123456789'));
  expect(Buffer.from(await readImageFile(path, DEFAULTS.limits)).toString()).toBe('0123456789');
  await expect(readImageFile(path, { ...DEFAULTS.limits, maxEncodedBytes: 9 })).rejects.toMatchObject({
    code: 'E_LIMIT',
    message: `${path} has 10 bytes, over limits.maxEncodedBytes (9)`,
  });
});

it('answers a missing file, a directory and a FIFO with typed errors, without waiting on the FIFO', async () => {
  await expect(readImageFile(join(dir, 'nope.jpg'), DEFAULTS.limits)).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  await expect(readImageFile(dir, DEFAULTS.limits)).rejects.toMatchObject({ code: 'E_INPUT', message: `not a file: ${dir}` });
  const fifo = join(dir, 'pipe.jpg');
  execFileSync('mkfifo', [fifo]);
  // no writer ever opens it: a blocking open would never return
  await expect(readImageFile(fifo, DEFAULTS.limits)).rejects.toMatchObject({ code: 'E_INPUT', message: `not a file: ${fifo}` });
});
