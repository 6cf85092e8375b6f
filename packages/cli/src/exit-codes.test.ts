// Each exit status the CLI guide's table documents is the one the CLI returns: the table, the
// help and EXIT_CODES agree, and a run of each kind ends with its status (the signals with the
// built bin, killed for real).
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INT8_MODEL, SYNSET, describeWithAssets, photo } from '../../../test/assets.js';
import { assertFreshDist } from '../../../test/fresh-dist.js';
import { HELP } from './cli-classify.js';
import { runCli } from './cli-main.js';
import { EXIT_CODES } from './exit-codes.js';

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(here, '../dist/cli.js');
const skipBin = !existsSync(bin) && process.env.CI !== 'true';
const GUIDE = readFileSync(resolve(here, '../../../docs/guides/cli.md'), 'utf8');

/** The guide's exit status table: `| 0 | meaning |` rows under "## Exit status". */
function documented(): Map<number, string> {
  const section = GUIDE.slice(GUIDE.indexOf('## Exit status'));
  const rows = [...section.matchAll(/^\| (\d+) \| (.+) \|$/gm)];
  return new Map(rows.map((r) => [Number(r[1]), r[2]!]));
}

const silent = { stdout: () => undefined, stderr: () => undefined };
const modelArgs = ['--model', INT8_MODEL, '--labels', SYNSET, '--workers', '1'];

describe('exit status', () => {
  it('the guide, the help and EXIT_CODES list the same statuses', () => {
    const codes = Object.values(EXIT_CODES);
    expect(documented()).toEqual(new Map(codes.map((c) => [c.code, c.meaning])));
    for (const { code, meaning } of codes) expect(HELP).toContain(`  ${String(code).padEnd(4)} ${meaning}`);
  });

  it('2: a usage error', async () => {
    expect(await runCli(['classify', 'x.jpg', '--modle', 'x'], silent, false, {})).toBe(EXIT_CODES.usage.code);
    expect(await runCli(['clasify'], silent, false, {})).toBe(2);
  });
});

describeWithAssets('exit status of runs', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-exit-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('0: every image classified; 1: one image failed, or the model did not load', async () => {
    expect(await runCli(['classify', photo(0).path, ...modelArgs], silent, false, {})).toBe(EXIT_CODES.ok.code);
    expect(await runCli(['classify', photo(0).path, join(dir, 'missing.jpg'), ...modelArgs], silent, false, {})).toBe(EXIT_CODES.failed.code);
    expect(await runCli(['classify', photo(0).path, '--model', join(dir, 'none.onnx'), '--workers', '1'], silent, false, {})).toBe(1);
  });

  it.skipIf(skipBin)('130 after SIGINT, 143 after SIGTERM (the built bin)', async () => {
    if (!skipBin) assertFreshDist('cli');
    const photos = join(dir, 'photos');
    mkdirSync(photos);
    // enough photos, one at a time, that the signal lands part way even on a busy machine
    for (let i = 0; i < 100; i++) copyFileSync(photo(0).path, join(photos, `${i}.jpg`));
    for (const [signal, code] of [
      ['SIGINT', EXIT_CODES.sigint.code],
      ['SIGTERM', EXIT_CODES.sigterm.code],
    ] as const) {
      const out = join(dir, `${signal}.jsonl`);
      const child = spawn(process.execPath, [bin, 'classify', photos, ...modelArgs, '--batch', '1', '--threads', '1', '--json', '-o', out], {
        stdio: 'ignore',
      });
      const exit = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      await untilFirstLine(out, child);
      child.kill(signal);
      expect(await exit).toBe(code);
    }
  });
});

/** Resolves once `path` holds a complete line (polling; a liveness bound only), rejects if the child ends first. */
function untilFirstLine(path: string, child: ChildProcess): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const timer = setInterval(() => {
      if (existsSync(path) && readFileSync(path, 'utf8').includes('\n')) {
        clearInterval(timer);
        resolvePromise();
      }
    }, 5);
    child.once('exit', (c) => {
      clearInterval(timer);
      reject(new Error(`the CLI ended (${c}) before its first result`));
    });
  });
}
