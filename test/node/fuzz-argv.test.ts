// Fuzzing the command line with long and odd argument lists (issue 20): the CLI is spawned with a
// generated list (thousands of short paths, a few arguments near Linux's 128 KiB per-argument
// limit, control and bidi characters, glob characters, empty strings, real photos among them) and
// must end with status 0 or 1, never a signal: every photo classified, everything else a typed
// error line. FUZZ_SEED replays a run; FUZZ_COUNT scales it (default 2000 -> 3 lists, 20000 -> 20).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { INT8_MODEL, SYNSET, describeWithAssets } from '../assets.js';
import { REPO_ROOT } from '../assets-dir.mjs';
import { assertFreshDist } from '../fresh-dist.js';
import { photoLinks, runNode, topOneIds } from './argv/run-node.js';
import { rng } from './fuzz-inputs.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const COUNT = Math.max(3, Math.ceil(Number(process.env.FUZZ_COUNT ?? 2000) / 1000));
const CLI = join(REPO_ROOT, 'packages/cli/dist/cli.js');
// Linux refuses a single argument of 128 KiB or more (MAX_ARG_STRLEN, with its NUL) and a whole
// command line and environment beyond ARG_MAX (2 MiB here): the generator stays below both.
const MAX_ARG_BYTES = 128 * 1024 - 1;
const MAX_TOTAL_BYTES = 1536 * 1024;
const ODD = [
  '\x1b[2J',
  '\x1b]0;title\x07',
  '\n',
  '\r',
  '\t',
  '\x7f',
  '\u202e',
  '\u2028',
  '\u200b',
  '😀',
  'é',
  ' ',
  '*',
  '?',
  '[',
  ']',
  '{',
  '}',
  '\\',
  '"',
  "'",
  '$',
  '%',
  '-',
];

interface ArgvCase {
  name: string;
  args: string[];
}

// In turn, so that the default three lists include the two long kinds. Plain names in the long
// kinds: onnxruntime's telemetry crashed on a long run of characters without a line break. No `/`
// or `.` in the odd names: `/` or `..` would have the CLI walk the whole file system for images.
const KINDS = ['many-short', 'few-huge', 'odd', 'empty-and-dashes'] as const;
const PLAIN = 'abcdefghijklmnopqrstuvwxyz0123456789_-';

/** A generated argument list: filler of `kind`, with `links` (real photos) at random places. */
function makeArgvCase(kind: (typeof KINDS)[number], random: () => number, links: string[]): ArgvCase {
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
  const name = (len: number) => Array.from({ length: len }, () => PLAIN[int(0, PLAIN.length - 1)]!).join('');
  const word = (len: number) => Array.from({ length: len }, () => (random() < 0.15 ? pick(ODD) : PLAIN[int(0, PLAIN.length - 1)]!)).join('');
  const plain = (len: number) => name(len).replace(/(.{20})/g, '$1/');
  const filler: string[] = [];
  let bytes = 0;
  const push = (arg: string) => {
    const size = Buffer.byteLength(arg) + 1;
    if (bytes + size > MAX_TOTAL_BYTES || Buffer.byteLength(arg) > MAX_ARG_BYTES) return false;
    filler.push(arg);
    bytes += size;
    return true;
  };
  switch (kind) {
    case 'many-short': {
      const n = int(1_000, 40_000);
      for (let i = 0; i < n && push(`missing/${plain(int(4, 40))}.jpg`); i++);
      break;
    }
    case 'few-huge': {
      const n = int(1, 10);
      for (let i = 0; i < n; i++) push(plain(int(1_024, MAX_ARG_BYTES - 8)) + pick(['.jpg', '', '/', '.png']));
      break;
    }
    case 'odd': {
      const n = int(10, 3_000);
      for (let i = 0; i < n; i++) push(word(int(1, 60)));
      break;
    }
    default: {
      const n = int(10, 5_000);
      for (let i = 0; i < n; i++) push(pick(['', ' ', '-', '--', '---', '-x', `--${word(int(1, 8))}`, `${word(3)}=${word(3)}`]));
    }
  }
  const chosen = links.filter(() => random() < 0.1);
  for (const link of chosen) filler.splice(int(0, filler.length), 0, link);
  return { name: `${kind}: ${filler.length} arguments, ${bytes} bytes, ${chosen.length} photos`, args: filler };
}

describeWithAssets(`fuzzing the CLI with long and odd argument lists (seed ${SEED}, ${COUNT} lists)`, () => {
  let dir: string;
  let made: Map<string, string>;
  /** Top-1 of each labelled photo, computed in this process. */
  let expected: Map<string, string>;
  beforeAll(async () => {
    assertFreshDist('cli');
    dir = mkdtempSync(join(tmpdir(), 'fuzz-argv-'));
    mkdirSync(join(dir, 'missing'));
    made = photoLinks(dir, 'photo-', 53);
    expected = await topOneIds(made.values());
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ends every list in results and typed errors, never a signal', async () => {
    const random = rng(SEED);
    for (let i = 0; i < COUNT; i++) {
      const c = makeArgvCase(KINDS[i % KINDS.length]!, random, [...made.keys()]);
      const what = `case ${i} (FUZZ_SEED=${SEED}): ${c.name}`;
      // the options first, then `--`: every generated argument is a path, however it starts
      const r = await runNode([CLI, 'classify', '--model', INT8_MODEL, '--labels', SYNSET, '--top', '1', '--json', '--', ...c.args], {
        env: { HOME: dir, TMPDIR: dir },
        cwd: dir,
        timeoutMs: 600_000,
      });
      expect(r.signal, what).toBeNull();
      expect([0, 1], `${what}: status ${r.status}, stderr ${r.stderr.slice(0, 500)}`).toContain(r.status);
      expect(r.stderr, what).not.toMatch(/unexpected error|\n\s+at /);
      const lines = r.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      for (const line of lines) {
        if (line.error) expect(line.error.code, `${what}: ${line.file}`).toMatch(/^E_[A-Z_]+$/);
        else expect(line.predictions[0].id, `${what}: ${line.file}`).toBe(expected.get(made.get(resolve(dir, line.file))!));
      }
      const classified = new Set(lines.filter((l) => l.predictions).map((l) => l.file));
      for (const link of c.args.filter((a) => made.has(a))) expect(classified.has(link), `${what}: ${link} not classified`).toBe(true);
    }
  }, 3_600_000);
});
