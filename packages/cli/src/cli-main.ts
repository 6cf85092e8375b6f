import { USAGE_EXIT, UsageError, type CliIO } from './cli-args.js';
import { runClassify } from './cli-classify.js';
import { EVAL_HELP, runEval } from './cli-eval.js';
import { runPrune } from './cli-prune.js';
import { TRAIN_HELP, runTrain } from './cli-train.js';
import { QUEUE_COMMANDS, runQueueCommand } from './cli-queue.js';
import { terminalText } from './terminal-text.js';

/**
 * Runs the `onnx-mobilenet` command line. Returns the exit code instead of exiting, so it can be
 * tested and embedded. `stderrIsTTY` turns on the redrawn progress lines; `env` supplies
 * `ONNX_MOBILENET_MIRROR` and `ONNX_MOBILENET_CACHE`.
 *
 * @example
 * ```ts
 * const code = await runCli(['classify', 'photos/', '--json'], { stdout: console.log, stderr: console.error });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIO, stderrIsTTY = false, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    if (argv[0] === 'eval') {
      if (argv.includes('--help') || argv.includes('-h')) {
        io.stdout(EVAL_HELP);
        return 0;
      }
      return await runEval(argv.slice(1), io, stderrIsTTY, env);
    }
    if (argv[0] === 'train') {
      if (argv.includes('--help') || argv.includes('-h')) {
        io.stdout(TRAIN_HELP);
        return 0;
      }
      return await runTrain(argv.slice(1), io, stderrIsTTY, env);
    }
    if (argv[0] === 'prune-binaries') return runPrune(argv.slice(1), io);
    const queueCommand = QUEUE_COMMANDS.find((c) => c === argv[0]);
    if (queueCommand) return await runQueueCommand(queueCommand, argv.slice(1), io, env);
    return await runClassify(argv, io, stderrIsTTY, env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr(`onnx-mobilenet: ${terminalText(err.message)}${err.help ? `\n\n${err.help}` : ''}`);
    return USAGE_EXIT;
  }
}
