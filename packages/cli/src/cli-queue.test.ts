import { describe, expect, it } from 'vitest';
import { runCli } from './cli-main.js';

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) }, false, {});
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('queue commands: arguments', () => {
  it('--help prints the queue help', async () => {
    const r = await cli(['worker', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/onnx-mobilenet enqueue .*--redis <url>/);
  });

  it.each([
    [['enqueue', 'photos/'], /--redis <url> is required/],
    [['worker', '--redis', 'http://127.0.0.1:6379'], /--redis must be a redis:\/\/ or rediss:\/\/ URL/],
    [['results', 'extra', '--redis', 'redis://127.0.0.1:6379'], /results takes no arguments, got "extra"/],
    [['enqueue', '--redis', 'redis://127.0.0.1:6379'], /enqueue needs a folder, glob, list file or image/],
    [['enqueue', 'x', '--redis', 'redis://127.0.0.1:6379', '--attempts', '0'], /--attempts must be an integer from 1 to 100/],
    [['enqueue', 'x', '--redis', 'redis://127.0.0.1:6379', '--root', '/tmp'], /--root is an option of worker/],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});
