// Argument mistakes are reported one way by every command: `onnx-mobilenet: <what>`, the command's
// help where it helps, exit status 2, and nothing loaded (no model, no files). No assets needed.
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-main.js';

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) }, false, {});
  return { code, out, err };
}

describe('usage errors', () => {
  it.each([
    [['classify', 'x.jpg', '--frobnicate'], "Unknown option '--frobnicate'", 'Usage: onnx-mobilenet classify'],
    [['eval', 'dir', '--frobnicate'], "Unknown option '--frobnicate'", 'Usage: onnx-mobilenet eval'],
    [['classify', 'x.jpg', '--model'], "Option '--model <value>' argument missing", 'Usage: onnx-mobilenet classify'],
    [['eval', 'a', 'b'], 'eval needs one dataset folder', 'Usage: onnx-mobilenet eval'],
    [['eval', 'dir', '--mode', 'stretch'], '--mode must be shorter-side-crop or squash, got "stretch"', 'Usage: onnx-mobilenet eval'],
    [['frobnicate'], 'unknown command "frobnicate"', 'Usage: onnx-mobilenet classify'],
    [[], 'no command given', 'Usage: onnx-mobilenet classify'],
  ])('%j: the message and the help on stderr, exit 2', async (args, message, help) => {
    const { code, out, err } = await cli(args);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(new RegExp(`^onnx-mobilenet: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(err[0]).toContain(`\n\n${help}`);
  });

  it.each([
    [['classify', 'x.jpg', '--top', '0'], '--top must be a positive integer, got "0"'],
    [['classify', 'x.jpg', '--threads', '1000000'], '--threads must be an integer from 1 to 1024, got "1000000"'],
    [['classify', 'x.jpg', '--batch', '2.5'], '--batch must be a positive integer, got "2.5"'],
    [['classify', 'x.jpg', '--mode', 'stretch'], '--mode must be shorter-side-crop or squash, got "stretch"'],
    // eval checks --threads the same way (it used to pass NaN on to the classifier)
    [['eval', 'dir', '--threads', 'abc'], '--threads must be a positive integer, got "abc"'],
  ])('%j: a bad value is named, exit 2', async (args, message) => {
    expect(await cli(args)).toEqual({ code: 2, out: [], err: [`onnx-mobilenet: ${message}`] });
  });
});
