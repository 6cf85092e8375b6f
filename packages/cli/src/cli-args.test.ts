// Argument mistakes are reported one way by every command: `onnx-mobilenet: <what>` (with the
// closest command or option when one is close), then one usage line pointing to the command's
// --help, exit status 2, and nothing loaded (no model, no files). No assets needed.
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-main.js';

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) }, false, {});
  return { code, out, err };
}

const usage = (command: string, line: string) => `usage: onnx-mobilenet ${command} ${line}  (onnx-mobilenet ${command} --help for all options)`;
const CLASSIFY = usage('classify', '<file|dir|glob>... [options]');
const EVAL = usage('eval', '<dir> [options]');
const GENERAL =
  'usage: onnx-mobilenet <command> [options], commands: classify, eval, train, models, prune-binaries, enqueue, worker, results  (onnx-mobilenet --help for all options)';

describe('usage errors', () => {
  it.each([
    [['classify', 'x.jpg', '--modle', 'x.onnx'], "unknown option '--modle'. Did you mean '--model'?", CLASSIFY],
    [['classify', 'x.jpg', '--modle=x.onnx'], "unknown option '--modle'. Did you mean '--model'?", CLASSIFY],
    [['classify', 'x.jpg', '-model', 'x.onnx'], "unknown option '-model'. Did you mean '--model'?", CLASSIFY],
    [['classify', 'x.jpg', '--lables', 's.txt'], "unknown option '--lables'. Did you mean '--labels'?", CLASSIFY],
    [['classify', 'x.jpg', '--top-k', '3'], "unknown option '--top-k'. Did you mean '--top'?", CLASSIFY],
    [['classify', 'x.jpg', '--jsno'], "unknown option '--jsno'. Did you mean '--json'?", CLASSIFY],
    [['eval', 'dir', '--precison', 'fp32'], "unknown option '--precison'. Did you mean '--precision'?", EVAL],
    [['train', 'dir', '-o', 'm.onnx', '--epoch', '3'], "unknown option '--epoch'. Did you mean '--epochs'?", usage('train', '<dir> -o <file.onnx> [options]')],
    [['models', '--jsn'], "unknown option '--jsn'. Did you mean '--json'?", usage('models', '[--json] [--cache-dir <dir>]')],
    // nothing close: no suggestion
    [['classify', 'x.jpg', '--frobnicate'], "unknown option '--frobnicate'.", CLASSIFY],
    [['eval', 'dir', '--frobnicate'], "unknown option '--frobnicate'.", EVAL],
    [['classify', 'x.jpg', '-q'], "unknown option '-q'.", CLASSIFY],
    [['classify', 'x.jpg', '--model'], '--model needs a value (--model <value>)', CLASSIFY],
    [['eval', 'a', 'b'], 'eval needs one dataset folder', EVAL],
    [['eval', 'dir', '--mode', 'stretch'], '--mode must be shorter-side-crop or squash, got "stretch"', EVAL],
    [['clasify', 'x.jpg'], "unknown command 'clasify'. Did you mean 'classify'?", GENERAL],
    [['modles'], "unknown command 'modles'. Did you mean 'models'?", GENERAL],
    [['evl', 'dir', '--model', 'x'], "unknown command 'evl'. Did you mean 'eval'?", GENERAL],
    [['prune', 'node_modules'], "unknown command 'prune'.", GENERAL],
    [['frobnicate'], "unknown command 'frobnicate'.", GENERAL],
    [['photo.jpg', '--top', '3'], "unknown command 'photo.jpg'. Did you mean 'classify photo.jpg'?", GENERAL],
    [['--json', 'frobnicate'], "unknown command 'frobnicate'.", GENERAL],
    [[], 'no command given', GENERAL],
    [['classify'], 'classify needs at least one file, directory or glob', CLASSIFY],
    [['classify', 'x.jpg', '--top', 'abc'], '--top must be a positive integer, got "abc"', CLASSIFY],
    [['classify', 'x.jpg', '--top', '0'], '--top must be a positive integer, got "0"', CLASSIFY],
    [['classify', 'x.jpg', '--threads', '1000000'], '--threads must be an integer from 1 to 1024, got "1000000"', CLASSIFY],
    [['classify', 'x.jpg', '--batch', '2.5'], '--batch must be a positive integer, got "2.5"', CLASSIFY],
    [['classify', 'x.jpg', '--mode', 'stretch'], '--mode must be shorter-side-crop or squash, got "stretch"', CLASSIFY],
    // eval checks --threads the same way (it used to pass NaN on to the classifier)
    [['eval', 'dir', '--threads', 'abc'], '--threads must be a positive integer, got "abc"', EVAL],
  ])('%j: the message and one usage line on stderr, exit 2', async (args, message, usageLine) => {
    expect(await cli(args)).toEqual({ code: 2, out: [], err: [`onnx-mobilenet: ${message}\n${usageLine}`] });
  });

  it.each([
    [['worker', '--redis', 'redis://x', '--concurency', '2'], "unknown option '--concurency'. Did you mean '--concurrency'?", 'worker'],
    [['enqueue', 'dir', '--redis', 'redis://x', '--atempts', '2'], "unknown option '--atempts'. Did you mean '--attempts'?", 'enqueue'],
  ])('%j: a queue command repeats its own usage line', async (args, message, command) => {
    const { code, err } = await cli(args);
    expect(code).toBe(2);
    const [first, second, ...rest] = err.join('\n').split('\n');
    expect({ first, rest }).toEqual({ first: `onnx-mobilenet: ${message}`, rest: [] });
    expect(second).toMatch(new RegExp(`^usage: onnx-mobilenet ${command} .*--redis <url> .*  \\(onnx-mobilenet ${command} --help for all options\\)$`));
  });

  it("never prints parseArgs' advice nor the whole help", async () => {
    for (const args of [
      ['classify', 'x.jpg', '--modle'],
      ['eval', 'd', '--x'],
      ['classify', 'x.jpg', '--json=yes'],
      ['classify', 'x', '--model', '--json'],
    ]) {
      const { code, err } = await cli(args);
      expect(code).toBe(2);
      const text = err.join('\n');
      expect(text).not.toMatch(/To specify|positional argument starting with|Options:|Exit status/);
      expect(text.split('\n'), text).toHaveLength(2);
    }
  });

  it('escapes what a typo echoes from argv, and suggests nothing for a huge one', async () => {
    const { err } = await cli(['classify', 'x.jpg', '--mod\x1b]0;pwned\x07le\u202e']);
    expect(err).toEqual([`onnx-mobilenet: unknown option '--mod\\x1b]0;pwned\\x07le\\u202e'.\n${CLASSIFY}`]);
    const command = await cli(['cl\x1b[2Jassify\nfoo', 'x.jpg']);
    expect(command.err[0]).toBe(`onnx-mobilenet: unknown command 'cl\\x1b[2Jassify\\nfoo'.\n${GENERAL}`);
    const huge = await cli(['classify', 'x.jpg', `--${'m'.repeat(100_000)}`]);
    expect(huge.code).toBe(2);
    expect(huge.err[0]).not.toContain('Did you mean');
  });
});
