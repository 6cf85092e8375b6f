// Fuzzing the CLI's usage errors (issue 27): misspelt options and commands, with control, bidi and
// quote characters mixed in, run in-process. Each must end with status 2 and exactly two lines on
// stderr (what is wrong, one usage line), nothing on stdout, no raw control or bidi character, no
// text of node's parseArgs, and a "Did you mean" naming only a real option or command.
// FUZZ_SEED replays a run; FUZZ_COUNT scales it (default 2000 cases).
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../packages/cli/src/cli-classify.js';
import { runCli } from '../../packages/cli/src/cli-main.js';
import { rng } from './fuzz-inputs.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261205);
const COUNT = Number(process.env.FUZZ_COUNT ?? 2000);
const OPTIONS = ['model', 'labels', 'top', 'json', 'output', 'resume', 'threads', 'batch', 'workers', 'mode', 'mirror', 'cache-dir', 'allow-private-network'];
const ODD = ['\x1b[2J', '\x1b]0;t\x07', '\n', '\r', '\t', '\x7f', '\x9b', '\u202e', '\u2028', '\u2066', "'", '"', '=', '😀', '\ud800'];
// biome-ignore lint/suspicious/noControlCharactersInRegex: what must never reach the terminal
const RAW = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** A word changed by a few random edits (swap, drop, insert, replace; sometimes an odd character). */
function misspell(word: string, random: () => number): string {
  let w = word;
  const edits = 1 + Math.floor(random() * 3);
  for (let e = 0; e < edits; e++) {
    const i = Math.floor(random() * w.length);
    const c = random() < 0.3 ? ODD[Math.floor(random() * ODD.length)]! : String.fromCharCode(97 + Math.floor(random() * 26));
    const op = Math.floor(random() * 4);
    if (op === 0 && i + 1 < w.length) w = w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
    else if (op === 1) w = w.slice(0, i) + w.slice(i + 1);
    else if (op === 2) w = w.slice(0, i) + c + w.slice(i);
    else w = w.slice(0, i) + c + w.slice(i + 1);
  }
  return w;
}

describe('fuzzing usage errors', () => {
  it(`${COUNT} misspelt options and commands (seed ${SEED})`, async () => {
    const random = rng(SEED);
    for (let n = 0; n < COUNT; n++) {
      const option = n % 2 === 0;
      const word = misspell(option ? OPTIONS[n % OPTIONS.length]! : COMMANDS[n % COMMANDS.length]!, random);
      // a misspelling that is still a real name, or not an option at all, is no mistake to test
      if (option ? OPTIONS.includes(word) || word === '' : (COMMANDS as readonly string[]).includes(word) || word === '' || word.startsWith('-')) continue;
      const args = option ? ['classify', 'photo.jpg', `--${word}`, 'x'] : [word, 'photo.jpg'];
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(args, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) }, false, {});
      const lines = err.join('\n').split('\n');
      const context = JSON.stringify({ args, err });
      expect({ code, out, lines: lines.length }, context).toEqual({ code: 2, out: [], lines: 2 });
      expect(
        lines.some((l) => RAW.test(l)),
        context,
      ).toBe(false);
      expect(lines[0], context).not.toMatch(/To specify|positional argument/);
      expect(lines[1], context).toMatch(/^usage: onnx-mobilenet /);
      const meant = /Did you mean '(?:--)?([^']+)'\?$/.exec(lines[0]!)?.[1];
      if (meant !== undefined) expect([...OPTIONS, ...COMMANDS, 'classify photo.jpg'], context).toContain(meant);
    }
  });
});
