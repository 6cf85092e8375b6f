import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { filePathFromUrl, readLocalFile, showPath } from './read-local-file.js';

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

it('reads a file whose name is not UTF-8 through a file: URL of its bytes, and names it with its bytes as \\xHH', async () => {
  const bytes = Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9, 0xff]), Buffer.from('.jpg')]);
  writeFileSync(bytes, Buffer.from('latin-1 name'));
  const url = `file://${dir}/caf%E9%FF.jpg`;
  const path = filePathFromUrl(url, 'image');
  expect(path).toEqual(bytes);
  expect(showPath(path as Buffer)).toBe(`${dir}/caf\\xe9\\xff.jpg`);
  expect(Buffer.from(await readLocalFile(path, image)).toString()).toBe('latin-1 name');
  await expect(readLocalFile(filePathFromUrl(`file://${dir}/caf%E9%FE.jpg`, 'image'), image)).rejects.toMatchObject({
    code: 'E_NOT_FOUND',
    message: `image file not found: ${dir}/caf\\xe9\\xfe.jpg`,
  });
  // the checks before decoding stay: another host, an encoded slash
  expect(() => filePathFromUrl('file://elsewhere/x%FF.jpg', 'image')).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  expect(() => filePathFromUrl('file:///a%2Fb%FF.jpg', 'image')).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
});
