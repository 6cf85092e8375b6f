import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { clipText } from '@onnx-mobilenet/core/adapter';
import { localImagePath } from './decode-image.js';
import { resolveLocalRoots } from './local-roots.js';
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

describe('roots: a path outside them, missing or unreadable is one E_FORBIDDEN that tells nothing', () => {
  const base = mkdtempSync(join(tmpdir(), 'read-local-file-roots-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));
  mkdirSync(join(base, 'photos/sub'), { recursive: true });
  mkdirSync(join(base, 'photos-private'));
  writeFileSync(join(base, 'photos/sub/a.jpg'), 'inside');
  writeFileSync(join(base, 'photos-private/b.jpg'), 'private');
  writeFileSync(join(base, 'secret.txt'), 'root:x:0:0');
  symlinkSync(join(base, 'secret.txt'), join(base, 'photos/link-out.jpg'));
  symlinkSync(join(base, 'photos/sub/a.jpg'), join(base, 'photos/link-in.jpg'));
  symlinkSync(base, join(base, 'photos/up'));
  const roots = resolveLocalRoots([join(base, 'photos')], 'roots');
  const refusal = (path: string) => ({
    code: 'E_FORBIDDEN',
    message: `path not allowed: ${JSON.stringify(clipText(path))}; only files under the configured folders are read (option roots)`,
  });

  it('reads a file under a root, also through a link that stays inside', async () => {
    expect(Buffer.from(await readLocalFile(join(base, 'photos/sub/a.jpg'), { ...image, roots })).toString()).toBe('inside');
    expect(Buffer.from(await readLocalFile(join(base, 'photos/link-in.jpg'), { ...image, roots })).toString()).toBe('inside');
    expect(Buffer.from(await readLocalFile(join(base, 'photos/up/photos/sub/a.jpg'), { ...image, roots })).toString()).toBe('inside');
  });

  it.each([
    ['a file outside', () => join(base, 'secret.txt')],
    ['/etc/passwd', () => '/etc/passwd'],
    ['a link out of the root', () => join(base, 'photos/link-out.jpg')],
    ['a folder link out of the root', () => join(base, 'photos/up/secret.txt')],
    ['.. out of the root', () => join(base, 'photos/../secret.txt')],
    ['a sibling folder sharing the prefix', () => join(base, 'photos-private/b.jpg')],
    ['a missing file inside', () => join(base, 'photos/nope.jpg')],
    ['a missing file outside', () => join(base, 'nope/nope.jpg')],
    ['a name too long', () => join(base, 'photos', 'x'.repeat(5000))],
  ])('%s', async (_, path) => {
    await expect(readLocalFile(path(), { ...image, roots })).rejects.toMatchObject(refusal(path()));
  });

  // root reads every file whatever its mode
  it.skipIf(process.getuid?.() === 0)('refuses a file that exists but cannot be read with the same refusal', async () => {
    const locked = join(base, 'photos/locked.jpg');
    writeFileSync(locked, 'x', { mode: 0o000 });
    await expect(readLocalFile(locked, { ...image, roots })).rejects.toMatchObject(refusal(locked));
  });

  it('with no roots reads nothing; roots that are not folders are E_INPUT', async () => {
    const none = resolveLocalRoots([], 'roots');
    await expect(readLocalFile(join(base, 'photos/sub/a.jpg'), { ...image, roots: none })).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
      message: `path not allowed: ${JSON.stringify(join(base, 'photos/sub/a.jpg'))}; no local file is read (none are configured) (option roots)`,
    });
    expect(() => resolveLocalRoots([join(base, 'secret.txt')], 'roots')).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
    expect(() => resolveLocalRoots([join(base, 'missing')], 'roots')).toThrow(/roots\[0\]/);
    expect(() => resolveLocalRoots('/tmp', 'roots')).toThrow(expect.objectContaining({ code: 'E_INPUT' }));
  });

  it('reads file: URLs and paths the same way (localImagePath)', async () => {
    expect(localImagePath(pathToFileURL(join(base, 'secret.txt')).href)).toBe(join(base, 'secret.txt'));
    expect(localImagePath('https://127.0.0.1/x.jpg')).toBeUndefined();
    expect(localImagePath('HTTP://127.0.0.1/x.jpg')).toBeUndefined();
    expect(localImagePath('photos/a.jpg')).toBe('photos/a.jpg');
  });
});
