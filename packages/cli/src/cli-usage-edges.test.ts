// Usage errors at the edges of the command line: a command after its options, hostile argv (a huge
// short-option group, a huge unknown option), and parseArgs' own wording for a missing or an
// unexpected value. Each gets one short line and the right usage line, exit 2. No assets needed.
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
const MODELS = usage('models', '[--json] [--cache-dir <dir>]');

describe('a command after an option', () => {
  it.each([
    [['--json', 'models'], 'onnx-mobilenet models --json', MODELS],
    [['--jsno', 'models'], 'onnx-mobilenet models --jsno', MODELS],
    [['--cache-dir', 'c1', 'models'], 'onnx-mobilenet models --cache-dir c1', MODELS],
    [['--json', 'eval', 'dir'], 'onnx-mobilenet eval dir --json', usage('eval', '<dir> [options]')],
    [['--epochs', '3', 'train', 'dir'], 'onnx-mobilenet train dir --epochs 3', usage('train', '<dir> -o <file.onnx> [options]')],
    [
      ['--platform', 'linux', 'prune-binaries', 'nm'],
      'onnx-mobilenet prune-binaries nm --platform linux',
      expect.stringMatching(/^usage: onnx-mobilenet prune-binaries /),
    ],
    [['--redis', 'redis://x', 'worker'], 'onnx-mobilenet worker --redis redis://x', expect.stringMatching(/^usage: onnx-mobilenet worker .*--redis/)],
  ])('%j: says options go after the command, with its usage line', async (args, fixed, usageLine) => {
    const { code, out, err } = await cli(args);
    expect({ code, out }).toEqual({ code: 2, out: [] });
    const [message, line, ...rest] = err.join('\n').split('\n');
    expect({ message, line, rest }).toEqual({ message: `onnx-mobilenet: options go after the command: ${fixed}`, line: usageLine, rest: [] });
  });

  it('never suggests the name typed', async () => {
    // the command word is taken as the value of --top: still no "Did you mean 'models'?" for 'models'
    const { code, err } = await cli(['--top', '3', 'models']);
    expect(code).toBe(2);
    expect(err[0]).not.toContain("Did you mean 'models'");
    expect(err[0]).toContain('options go after the command: onnx-mobilenet models --top 3');
    // a command-first line keeps working
    expect((await cli(['--json', 'classify'])).err[0]).toBe(`onnx-mobilenet: classify needs at least one file, directory or glob\n${CLASSIFY}`);
  });
});

describe('hostile argv', () => {
  it('a 200,000-character short-option group is refused as too long, before parseArgs', async () => {
    const { code, out, err } = await cli([`-${'a'.repeat(200_000)}`]);
    expect({ code, out }).toEqual({ code: 2, out: [] });
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^onnx-mobilenet: option too long \(200001 characters\): '-a+…'\n/);
    expect(err[0]!.length).toBeLessThan(600);
  });

  it('the same after a command, and for a long option name', async () => {
    for (const args of [
      ['classify', 'x.jpg', `-v${'a'.repeat(200_000)}`],
      ['models', `--${'m'.repeat(200_000)}=1`],
    ]) {
      const { code, err } = await cli(args);
      expect(code).toBe(2);
      expect(err[0]).toMatch(/^onnx-mobilenet: option too long \(\d+ characters\): '-/);
      expect(err[0]!.length).toBeLessThan(600);
    }
  });

  it('long values stay allowed: --opt=<long value> and -o<long path>', async () => {
    const long = `/tmp/${'d'.repeat(5000)}`;
    for (const args of [
      ['classify', 'x.jpg', `--top=${long}`],
      ['classify', 'x.jpg', `-o${long}`, '--top', long],
    ]) {
      const { code, err } = await cli(args);
      expect(code).toBe(2);
      expect(err[0]).toMatch(/^onnx-mobilenet: --top must be a positive integer, got "/);
    }
  });

  it('every argv value a usage error quotes is clipped', async () => {
    const huge = 'a'.repeat(1_000_000);
    for (const args of [
      ['classify', 'x.jpg', `--${huge}`],
      ['classify', 'x.jpg', '--top', huge],
      ['classify', 'x.jpg', '--mode', huge],
      ['models', huge],
      [huge],
      ['--json', huge, 'models'],
      ['--json', 'models', huge],
    ]) {
      const { code, err } = await cli(args);
      expect(code, args[0]!.slice(0, 20)).toBe(2);
      expect(err.join('\n').length, args.map((a) => a.slice(0, 20)).join(' ')).toBeLessThan(1000);
    }
  });
});

describe("parseArgs' wording for option values", () => {
  it.each([
    [['classify', 'x.jpg', '--model', '--json'], '--model needs a value (--model <value>)'],
    [['classify', 'x.jpg', '--model'], '--model needs a value (--model <value>)'],
    [['classify', 'x.jpg', '--json=1'], '--json takes no value'],
    [['classify', 'x.jpg', '-o'], '-o, --output needs a value (-o, --output <value>)'],
  ])('%j', async (args, message) => {
    expect(await cli(args)).toEqual({ code: 2, out: [], err: [`onnx-mobilenet: ${message}\n${CLASSIFY}`] });
  });
});
