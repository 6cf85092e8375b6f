import { USAGE_EXIT, UsageError, type CliIO, usageLine } from './cli-args.js';
import { COMMANDS, HELP, optionsFirst, runClassify, unknownCommand } from './cli-classify.js';
import { EVAL_HELP, runEval } from './cli-eval.js';
import { MODELS_HELP, runModels } from './cli-models.js';
import { PRUNE_HELP, runPrune } from './cli-prune.js';
import { TRAIN_HELP, runTrain } from './cli-train.js';
import { QUEUE_COMMANDS, QUEUE_HELP, runQueueCommand } from './cli-queue.js';
import { terminalText } from './terminal-text.js';

type Command = (typeof COMMANDS)[number];

/** Each command's help, whose "Usage:" line a usage error of the command repeats. */
const HELPS: Record<Command, string> = {
  classify: HELP,
  eval: EVAL_HELP,
  train: TRAIN_HELP,
  models: MODELS_HELP,
  'prune-binaries': PRUNE_HELP,
  enqueue: QUEUE_HELP,
  worker: QUEUE_HELP,
  results: QUEUE_HELP,
};

/** The usage line of an error before any command is known. */
const GENERAL_USAGE = `usage: onnx-mobilenet <command> [options], commands: ${COMMANDS.join(', ')}  (onnx-mobilenet --help for all options)`;

/**
 * Runs the `onnx-mobilenet` command line. Returns the exit code instead of exiting, so it can be
 * tested and embedded. `stderrIsTTY` turns on the redrawn progress lines; `env` supplies
 * `ONNX_MOBILENET_MIRROR` and `ONNX_MOBILENET_CACHE`. A usage error prints one line saying what is
 * wrong (with the closest command or option: "Did you mean '--model'?") and one usage line, and
 * returns 2.
 *
 * @example
 * ```ts
 * const code = await runCli(['classify', 'photos/', '--json'], { stdout: console.log, stderr: console.error });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIO, stderrIsTTY = false, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // the command: the first word, or (`--json classify x`) the first one not an option
  const first = argv.find((a) => !a.startsWith('-'));
  const command = COMMANDS.find((c) => c === first);
  try {
    // `--json models`: every command but classify reads its options after its name
    const named = argv[0]?.startsWith('-') ? argv.find((a) => COMMANDS.some((c) => c === a)) : undefined;
    if (named !== undefined && named !== 'classify') throw optionsFirst(named, argv);
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
    if (argv[0] === 'models') return runModels(argv.slice(1), io, env);
    if (argv[0] === 'prune-binaries') return runPrune(argv.slice(1), io);
    const queueCommand = QUEUE_COMMANDS.find((c) => c === argv[0]);
    if (queueCommand) return await runQueueCommand(queueCommand, argv.slice(1), io, env);
    // a misspelt command is named before its options are read (they may belong to another command)
    if (argv[0] !== undefined && !argv[0].startsWith('-') && command === undefined) throw unknownCommand(argv[0]);
    return await runClassify(argv, io, stderrIsTTY, env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const about = COMMANDS.find((c) => c === (err.command ?? command));
    const usage = about ? usageLine(HELPS[about], about) : GENERAL_USAGE;
    io.stderr(`onnx-mobilenet: ${terminalText(err.message)}\n${usage}`);
    return USAGE_EXIT;
  }
}
