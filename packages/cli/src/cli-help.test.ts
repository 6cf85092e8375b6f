// Every option with a fixed set of values shows them, in its help line and in its usage error, from
// the same constant tuple the library checks them against: nothing here is spelled out by hand, so
// a value added to (or dropped from) a tuple that the help or the error missed fails this test.
import { RESIZE_MODES } from '@onnx-mobilenet/core/preprocess';
import { MODELS } from '@onnx-mobilenet/node';
import { describe, expect, it } from 'vitest';
import { usageLine } from './cli-args.js';
import { COMMANDS, HELP } from './cli-classify.js';
import { EVAL_HELP } from './cli-eval.js';
import { runCli } from './cli-main.js';
import { MODELS_HELP } from './cli-models.js';
import { PRUNE_HELP } from './cli-prune.js';
import { QUEUE_HELP } from './cli-queue.js';
import { TRAIN_HELP } from './cli-train.js';
import { PRUNE_ARCHES, PRUNE_LIBCS, PRUNE_PLATFORMS } from './prune-binaries.js';

/** The values a help line or message lists: `a, b or c` after `after`, up to a parenthesis, the end, or `got`. */
function listed(text: string, after: string): string[] {
  const start = text.indexOf(after);
  expect(start, `"${after}" in ${JSON.stringify(text)}`).toBeGreaterThanOrEqual(0);
  const list = text.slice(start + after.length).split(/ \(|, got |\n/)[0]!;
  return list.split(/, | or /).map((v) => v.trim());
}

/** The help line of a flag: `--mode <mode>  …`. */
function helpLine(help: string, flag: string): string {
  const line = help.split('\n').find((l) => l.trimStart().startsWith(`${flag} `));
  expect(line, `${flag} in the help`).toBeDefined();
  return line!;
}

async function usageError(args: string[]): Promise<string> {
  const err: string[] = [];
  expect(await runCli(args, { stdout: () => undefined, stderr: (l) => err.push(l) }, false, {})).toBe(2);
  return err.join('\n').split('\n')[0]!;
}

describe('option values in help and errors', () => {
  it.each([
    ['classify', HELP, 'preprocessing: '],
    ['eval', EVAL_HELP, '--mode <mode>'],
  ])('%s --mode lists exactly RESIZE_MODES, in its help and its error', async (command, help, after) => {
    expect(listed(helpLine(help, '--mode'), after)).toEqual([...RESIZE_MODES]);
    const args = command === 'classify' ? ['classify', 'x.jpg', '--mode', 'stretch'] : ['eval', 'dir', '--mode', 'stretch'];
    expect(listed(await usageError(args), '--mode must be ')).toEqual([...RESIZE_MODES]);
  });

  it('classify --model lists exactly the registry models', () => {
    expect(listed(helpLine(HELP, '--model'), 'model: ').slice(0, -1)).toEqual([...Object.keys(MODELS), 'a .onnx path']);
  });

  it.each([
    ['--platform', 'platform', PRUNE_PLATFORMS, '--platform <os>'],
    ['--arch', 'arch', PRUNE_ARCHES, '--arch <cpu>'],
    ['--libc', 'libc', PRUNE_LIBCS, 'Linux: '],
  ])('prune-binaries %s lists exactly its tuple, in its help and its error', async (flag, name, values, after) => {
    expect(listed(helpLine(PRUNE_HELP, flag), after)).toEqual([...values]);
    expect(listed(await usageError(['prune-binaries', 'node_modules', flag, 'nope']), `--${name} must be `)).toEqual([...values]);
  });
});

describe('help text', () => {
  it('prints no control or bidi character but its line breaks (the note on escaping once printed a raw ESC, newline and U+202E)', async () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: what a help must not hold
    const raw = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
    for (const help of [HELP, EVAL_HELP, PRUNE_HELP, MODELS_HELP, QUEUE_HELP, TRAIN_HELP]) expect(raw.test(help), help.split('\n')[0]).toBe(false);
    expect(HELP).toContain('(\\x1b, \\n, \\u202e)');
  });

  it('the top-level help lists every command, each as its own help writes its usage', () => {
    const block = HELP.split('\n\n')[0]!;
    for (const command of COMMANDS) expect(block, command).toMatch(new RegExp(`onnx-mobilenet (\\S+\\|)?${command}(\\|\\S+)? `));
    for (const [command, help] of [
      ['eval', EVAL_HELP],
      ['train', TRAIN_HELP],
      ['models', MODELS_HELP],
      ['prune-binaries', PRUNE_HELP],
    ] as const)
      expect(usageLine(HELP, command), command).toBe(usageLine(help, command));
  });
});
