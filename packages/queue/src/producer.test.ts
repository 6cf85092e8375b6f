import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listInputs } from './producer.js';

const dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-list-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(target: string): Promise<string[]> {
  const out: string[] = [];
  for await (const x of listInputs(target)) out.push(x);
  return out.sort();
}

describe('listInputs', () => {
  it('walks a folder recursively: images and links to images, nothing else, links to folders not followed', async () => {
    mkdirSync(join(dir, 'photos/sub'), { recursive: true });
    writeFileSync(join(dir, 'photos/a.jpg'), 'x');
    writeFileSync(join(dir, 'photos/sub/b.PNG'), 'x');
    writeFileSync(join(dir, 'photos/notes.txt'), 'x');
    symlinkSync(join(dir, 'photos/a.jpg'), join(dir, 'photos/link.jpg'));
    symlinkSync(join(dir, 'photos'), join(dir, 'photos/sub/loop.jpg'));
    expect(await collect(join(dir, 'photos'))).toEqual([join(dir, 'photos/a.jpg'), join(dir, 'photos/link.jpg'), join(dir, 'photos/sub/b.PNG')]);
  });

  it('reads a list file: URLs as given, paths made absolute, blank lines and comments skipped', async () => {
    const list = join(dir, 'urls.txt');
    writeFileSync(list, '# photos\nhttp://127.0.0.1:9/a.jpg\n\n  https://127.0.0.1:9/b.jpg  \r\nrel/c.jpg\n');
    expect(await collect(list)).toEqual(['http://127.0.0.1:9/a.jpg', 'https://127.0.0.1:9/b.jpg', join(process.cwd(), 'rel/c.jpg')].sort());
  });

  it('expands a glob, and keeps a single image or URL as it is', async () => {
    expect(await collect(join(dir, 'photos/*.jpg'))).toEqual([join(dir, 'photos/a.jpg'), join(dir, 'photos/link.jpg')]);
    expect(await collect('http://127.0.0.1:9/x.jpg')).toEqual(['http://127.0.0.1:9/x.jpg']);
  });
});
