import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { readLocalFile } from './read-local-file.js';

const image = { what: 'image', maxBytes: 1000, failCode: 'E_IMAGE_DECODE' } as const;

const dir = mkdtempSync(join(tmpdir(), 'read-local-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('reads the whole file, and refuses one over maxBytes without reading it', async () => {
  const path = join(dir, 'ten.bin');
  writeFileSync(path, Buffer.from('0123456789'));
  expect(Buffer.from(await readLocalFile(path, image)).toString()).toBe('0123456789');
  await expect(readLocalFile(path, { ...image, maxBytes: 9 })).rejects.toMatchObject({
    code: 'E_LIMIT',
    message: `image file ${path} has 10 bytes or more, over the limit (9)`,
  });
});

it('answers a missing file, a directory and a FIFO with typed errors, without waiting on the FIFO', async () => {
  await expect(readLocalFile(join(dir, 'nope.jpg'), image)).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  await expect(readLocalFile(dir, image)).rejects.toMatchObject({ code: 'E_INPUT', message: `image path is a directory, not a file: ${dir}` });
  const fifo = join(dir, 'pipe.jpg');
  execFileSync('mkfifo', [fifo]);
  // no writer ever opens it: a blocking open would never return
  await expect(readLocalFile(fifo, image)).rejects.toMatchObject({
    code: 'E_INPUT',
    message: `image path is not a regular file (a device, FIFO or socket): ${fifo}`,
  });
  await expect(readLocalFile('/dev/zero', image)).rejects.toMatchObject({ code: 'E_INPUT' });
});
