import { runCli } from './cli-main.js';
import { terminalText } from './terminal-text.js';

/**
 * Runs the command line as a process: arguments, stdout/stderr and `process.exitCode`. What the
 * `onnx-mobilenet` bin calls.
 *
 * @example
 * ```ts
 * import { main } from '@onnx-mobilenet/cli';
 * main(process.argv.slice(2));
 * ```
 */
export function main(argv: readonly string[]): void {
  // `onnx-mobilenet classify dir | head` closes stdout early: stop quietly, as Unix tools do.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });

  runCli(
    argv,
    {
      stdout: (line) => process.stdout.write(`${line}\n`),
      // the eval progress bar redraws its line: it sends its own \r and \n
      stderr: (line) => process.stderr.write(line.startsWith('\r') || line === '\n' ? line : `${line}\n`),
    },
    process.stderr.isTTY === true,
  ).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // a stack's lines kept, each escaped
      const text = String((err as Error)?.stack ?? err)
        .split('\n')
        .map(terminalText)
        .join('\n');
      process.stderr.write(`onnx-mobilenet: unexpected error: ${text}\n`);
      process.exitCode = 1;
    },
  );
}
