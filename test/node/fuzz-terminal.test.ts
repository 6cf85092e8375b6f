// Fuzzing what the command line prints: generated file names and labels full of C0/C1 controls,
// ESC sequences (clear screen, window title, colours), CR/LF, U+2028/2029, bidi overrides and
// isolates and (in labels) lone surrogates. No raw control, separator or bidi character may reach
// a human-readable line (the table, stderr, the progress bar and summary on a "terminal"), no line
// may be forged (one line per photo and per failure), every line must read back to the exact
// name and label, and `--json` must round-trip them exactly. FUZZ_SEED replays a run; the file
// count is FUZZ_COUNT / 100 (20 by default; `pnpm fuzz` runs 200).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../packages/cli/src/cli-main.js';
import { IMAGENET_CLASSES, INT8_MODEL, describeWithAssets, photos } from '../assets.js';
import { rng } from './fuzz-inputs.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const FILES = Math.max(4, Math.ceil(Number(process.env.FUZZ_COUNT ?? 2000) / 100));

const C0 = Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).filter((c) => c !== '/'); // NUL and / cannot be in a name
const C1 = Array.from({ length: 33 }, (_, i) => String.fromCharCode(0x7f + i)); // DEL and U+0080-U+009F
const BIDI = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'];
// no / (a name cannot hold one) and no backslash (see PLAIN)
const SEQUENCES = ['\x1b[2J', '\x1b[H', '\x1b]0;pwned\x07', '\x1b]8;;https:x\x07', '\x1b[31m', '\x9b2J', '\r\n', '\n', '\r', '\u2028', '\u2029'];
// Backslash is left out, so that an escape in the output reads back one way only.
const PLAIN = ['a', 'Z', '7', ' ', '.', '-', '%', '(', ')', 'é', '東', '🐟', '  99.9%  '];
const LONE = ['\ud800', '\udbff', '\udc00', '\udfff'];

/** Characters a terminal acts on, checked code point by code point (independently of the CLI's regex). */
function unsafe(text: string): string | undefined {
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || (c >= 0xd800 && c <= 0xdfff)) return ch;
    if (BIDI.includes(ch)) return ch;
  }
  return undefined;
}

/** Reads an escaped line back (the escapes documented in README "Command line"). */
function readBack(line: string): string {
  return line.replace(/\\(x[0-9a-f]{2}|u[0-9a-f]{4}|n|r|t)/g, (_, e: string) =>
    e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : String.fromCharCode(Number.parseInt(e.slice(1), 16)),
  );
}

function hostile(random: () => number, length: number, withLone: boolean): string {
  const pools = [C0, C1, BIDI, SEQUENCES, PLAIN, PLAIN, ...(withLone ? [LONE] : [])];
  let s = '';
  for (let i = 0; i < length; i++) {
    const pool = pools[Math.floor(random() * pools.length)]!;
    s += pool[Math.floor(random() * pool.length)];
  }
  return s;
}

describeWithAssets(`fuzzing the CLI's printed names and labels (seed ${SEED}, ${FILES} files)`, () => {
  let dir: string;
  let labelsPath: string;
  const labels: string[] = [];
  const good: string[] = [];
  const broken: string[] = [];
  beforeAll(() => {
    const random = rng(SEED);
    dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-fuzz-terminal-'));
    mkdirSync(join(dir, 'in'));
    const real = photos().slice(0, 5);
    for (let i = 0; i < FILES; i++) {
      // the index keeps names apart; at most 40 characters of 4 bytes stay under NAME_MAX (255)
      const path = join(dir, 'in', `${i}-${hostile(random, 1 + Math.floor(random() * 40), false)}.jpg`);
      if (i % 2 === 0) {
        copyFileSync(real[i % real.length]!.path, path);
        good.push(path);
      } else {
        writeFileSync(path, `not an image ${i}`);
        broken.push(path);
      }
    }
    // A JSON label list: each label is the whole entry (id and label), letters at both ends so nothing is trimmed.
    for (let i = 0; i < IMAGENET_CLASSES; i++) labels.push(`L${i}${hostile(random, Math.floor(random() * 30), true)}x`);
    labelsPath = join(dir, 'labels.json');
    writeFileSync(labelsPath, JSON.stringify(labels));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function cli(args: string[], tty: boolean): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      ['classify', join(dir, 'in'), '--model', INT8_MODEL, '--labels', labelsPath, '--top', '1', ...args],
      {
        stdout: (l) => out.push(l),
        stderr: (l) => err.push(l),
      },
      tty,
    );
    return { code, out, err };
  }

  it('prints no raw control or bidi character, forges no line, and every line reads back to the exact name and label', async () => {
    const { code, out, err } = await cli([], true);
    expect(code).toBe(1); // the broken files
    for (const line of [...out, ...err.map((l) => l.replaceAll('\r\x1b[K', ''))]) {
      const bad = unsafe(line);
      expect(bad, `seed ${SEED}: U+${bad?.codePointAt(0)?.toString(16)} in ${JSON.stringify(line)}`).toBeUndefined();
    }
    // one table line per photo, each reading back as `<path>  <pct>  <label> (<label>)`
    expect(out).toHaveLength(good.length);
    const seen = out.map((line) => {
      const text = readBack(line);
      const path = good.find((p) => text.startsWith(`${p}  `));
      expect(path, `seed ${SEED}: no file starts ${JSON.stringify(line)}`).toBeDefined();
      const rest = text.slice(path!.length);
      expect(rest).toMatch(/^ {2}[ \d]{2}\d\.\d% {2}/);
      const both = rest.slice(10);
      const label = both.slice(0, (both.length - 3) / 2);
      expect(both, `seed ${SEED}: ${JSON.stringify(line)}`).toBe(`${label} (${label})`);
      expect(labels).toContain(label);
      return path;
    });
    expect(seen.sort()).toEqual([...good].sort());
    // one stderr line per broken file, then the summary (the bar's redraws end in erases, removed above)
    const lines = err.map((l) => l.replaceAll('\r\x1b[K', '')).filter((l) => l !== '' && !l.startsWith('classify '));
    const failures = lines.filter((l) => !l.startsWith('classified '));
    expect(failures).toHaveLength(broken.length);
    expect(failures.map((l) => broken.find((p) => readBack(l).startsWith(`${p}: E_IMAGE_DECODE: `))).sort()).toEqual([...broken].sort());
    expect(lines.at(-1)).toMatch(new RegExp(`^classified ${FILES} photos in .*; ${broken.length} errors: E_IMAGE_DECODE ${broken.length}$`));
  });

  it('--json round-trips every name and label exactly, as JSON a terminal shows safely', async () => {
    const { code, out } = await cli(['--json'], false);
    expect(code).toBe(1);
    expect(out).toHaveLength(FILES);
    const rows = out.map((line) => {
      expect(unsafe(line), `seed ${SEED}: ${line}`).toBeUndefined();
      return JSON.parse(line) as { file: string; predictions?: { id: string; label: string; index: number }[]; error?: { code: string } };
    });
    expect(
      rows
        .filter((r) => r.predictions)
        .map((r) => r.file)
        .sort(),
    ).toEqual([...good].sort());
    expect(
      rows
        .filter((r) => r.error)
        .map((r) => r.file)
        .sort(),
    ).toEqual([...broken].sort());
    for (const r of rows.filter((row) => row.predictions)) {
      const p = r.predictions![0]!;
      expect(p.label).toBe(labels[p.index]);
      expect(p.id).toBe(labels[p.index]);
    }
    expect(rows.filter((r) => r.error).every((r) => r.error!.code === 'E_IMAGE_DECODE')).toBe(true);
  });
});
