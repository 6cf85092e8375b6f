// The ```console blocks of the user docs show CLI sessions: `$ onnx-mobilenet …` and what it
// printed. Each command is run here with the built bin, in a folder shown as /cwd holding the
// tench as photo.jpg, with HOME at /home/me and the int8 model in its cache (as the guide's
// `models` listing says), and must print exactly the lines the block shows. A block that cannot be
// run here says why in the comment before it: `<!-- console: not run: <reason> -->`.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { MODELS } from '@onnx-mobilenet/node';
import { registryCachePath } from '@onnx-mobilenet/node/adapter';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { IMAGES_DIR, INT8_MODEL, describeWithAssets } from './assets.js';
import { REPO_ROOT } from './assets-dir.mjs';
import { codeBlocks, docFiles, read } from './docs-code-blocks.js';

const run = promisify(execFile);
const BIN = join(REPO_ROOT, 'packages/cli/dist/cli.js');
const NOT_RUN = /<!--\s*console:\s*not run:\s*(.+?)\s*-->/;

interface Session {
  where: string;
  notRun?: string | undefined;
  commands: { line: string; args: string[]; expected: string[] }[];
}

/** The console blocks of the docs, split into commands and the lines each printed. */
function sessions(): Session[] {
  const found: Session[] = [];
  for (const file of docFiles(REPO_ROOT)) {
    const lines = read(REPO_ROOT, file).split('\n');
    for (const block of codeBlocks(file, lines.join('\n')).filter((b) => b.lang === 'console')) {
      const fence = Number(block.where.split(':').pop()) - 1;
      let before = fence - 1;
      while (before >= 0 && lines[before]?.trim() === '') before--;
      const session: Session = { where: block.where, notRun: NOT_RUN.exec(lines[before] ?? '')?.[1], commands: [] };
      for (const line of block.code.split('\n')) {
        if (line.startsWith('$ ')) session.commands.push({ line, args: line.slice(2).trim().split(/\s+/), expected: [] });
        else if (line.trim() !== '') session.commands.at(-1)?.expected.push(line.trimEnd());
      }
      found.push(session);
    }
  }
  return found;
}

let root: string;

async function printed(args: string[]): Promise<string[]> {
  // the documented HOME, and nothing of this machine's settings that would change the output
  const env = { PATH: process.env.PATH, HOME: join(root, 'home/me'), ONNXRUNTIME_NODE_INSTALL: 'skip' };
  const out = await run(process.execPath, [BIN, ...args], { cwd: join(root, 'cwd'), env, timeout: 120_000 }).then(
    (r) => r.stdout + r.stderr,
    (e: { stdout?: string; stderr?: string }) => (e.stdout ?? '') + (e.stderr ?? ''),
  );
  return out
    .replaceAll(root, '')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '');
}

/** What is wrong with one documented command, or undefined when it prints what the block shows. */
async function mismatch(where: string, c: Session['commands'][number]): Promise<string | undefined> {
  const got = await printed(c.args.slice(1));
  if (got.join('\n') === c.expected.join('\n')) return undefined;
  return `${where}: ${c.line}\n  shows:  ${c.expected.join('\n          ')}\n  prints: ${got.join('\n          ')}`;
}

describeWithAssets('console blocks of the docs', () => {
  beforeAll(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'onnx-mobilenet-console-')));
    mkdirSync(join(root, 'cwd'));
    copyFileSync(join(IMAGES_DIR, 'n01440764_tench.JPEG'), join(root, 'cwd/photo.jpg'));
    const cached = registryCachePath(MODELS['mobilenetv2-12-int8']!, join(root, 'home/me/.cache/onnx-mobilenet'));
    mkdirSync(dirname(cached), { recursive: true });
    copyFileSync(INT8_MODEL, cached);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds the CLI sessions of the docs, each run or saying why not', () => {
    const all = sessions();
    expect(all.filter((s) => !s.notRun).length).toBeGreaterThanOrEqual(3);
    for (const s of all) {
      expect(s.commands.length, `${s.where}: a console block shows $ commands`).toBeGreaterThan(0);
      for (const c of s.commands) expect(c.args[0], `${s.where}: ${c.line}`).toBe('onnx-mobilenet');
    }
    for (const s of all.filter((x) => x.notRun)) console.log(`not run: ${s.where}: ${s.notRun}`);
  });

  it('prints exactly what each block shows', async () => {
    const wrong: string[] = [];
    for (const s of sessions().filter((x) => !x.notRun)) {
      for (const c of s.commands) {
        const problem = await mismatch(s.where, c);
        if (problem) wrong.push(problem);
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  it('reports a block that differs from what the CLI prints', async () => {
    const args = ['onnx-mobilenet', 'clasify', 'photo.jpg'];
    const wrongSuggestion = ["onnx-mobilenet: unknown command 'clasify'. Did you mean 'classifier'?"];
    expect(await mismatch('sample', { line: '$ onnx-mobilenet clasify photo.jpg', args, expected: wrongSuggestion })).toContain('prints:');
  });
});
