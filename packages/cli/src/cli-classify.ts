import { didYouMean, orList } from '@onnx-mobilenet/core/adapter';
import { RESIZE_MODES } from '@onnx-mobilenet/core/preprocess';
import { DEFAULTS, MODELS, createClassifier, isOnnxMobilenetError } from '@onnx-mobilenet/node';
import {
  ALLOW_PRIVATE_NETWORK_HELP,
  DOWNLOAD_FLAGS,
  UsageError,
  choiceOption,
  quote,
  downloadOptions,
  failureLine,
  intOption,
  parseCommandLine,
  type CliIO,
} from './cli-args.js';
import { type ClassifierPool, createClassifierPool, defaultWorkers } from './classifier-pool.js';
import { classifyStream } from './classify-stream.js';
import { downloadReporter } from './cli-progress.js';
import { cliVersion } from './cli-version.js';
import { EXIT_HELP } from './exit-codes.js';
import { QUEUE_COMMANDS } from './cli-queue.js';
import { checkOutput, openResultFile, readDoneFiles, type ResultFile } from './result-file.js';

/** The command line's help: `classify` in full, a pointer to `eval --help`. */
export const HELP = `Usage: onnx-mobilenet classify <file|dir|glob>... [options]
       onnx-mobilenet eval <dir> [options]   (onnx-mobilenet eval --help)
       onnx-mobilenet train <dir> -o <file.onnx> [options]   (your own classes: train --help)
       onnx-mobilenet models [--json] [--cache-dir <dir>]   (the registry models: size, precision, accuracy, cached)
       onnx-mobilenet prune-binaries <node_modules> [--platform <os>] [--arch <cpu>] [--libc <libc>] [--dry-run]   (before deploying)
       onnx-mobilenet enqueue|worker|results --redis <url> [options]   (large jobs on a Redis queue: enqueue --help)

Classifies images with MobileNetV2 (ImageNet, 1000 classes), or with a model made by train
(its class names come from the file).

Options:
  --model <name|path|url>  model: ${Object.keys(MODELS).join(', ')}, a .onnx path or URL (default ${DEFAULTS.model})
  --labels <path|url>      class list (synset.txt, JSON array or one label a line; default: the model's own
                           "labels" metadata, else the zoo's ImageNet list)
  --top <k>                predictions per image (default ${DEFAULTS.topK})
  --json                   one JSON object a line instead of a table
  -o, --output <file>      append the results to <file> (one JSON line per photo with --json) as they complete;
                           a file this tool wrote or a new one (anything else is refused, left as it was)
  --resume                 skip the photos already in --output (with --json): continue an interrupted run
  --threads <n>            onnxruntime intra-op threads (1 to ${DEFAULTS.maxThreads})
  --batch <n>              images per session run (default ${DEFAULTS.batchSize})
  --workers <n>            sessions in worker threads, the cores shared out (default ${defaultWorkers()} here: the scaling model's choice for the cores)
  --mode <mode>            preprocessing: ${orList(RESIZE_MODES)} (default ${DEFAULTS.preprocess.mode})
  --mirror <url>           serve registry models and labels from this base URL (laid out like the zoo's)
  --cache-dir <dir>        where downloads are cached
  ${ALLOW_PRIVATE_NETWORK_HELP}
  -v, --version            print the version
  -h, --help               this help

Environment: ONNX_MOBILENET_MIRROR (as --mirror), ONNX_MOBILENET_CACHE (as --cache-dir);
UV_THREADPOOL_SIZE: threads decoding at once (libuv's default 4; on 8+ cores set it to the core count).
Downloads report progress on stderr; on a terminal, classify shows a progress bar there.

Folders are walked as a stream (first results at once, in the file system's order); results are
printed as they complete. On a terminal or with --output, a summary (photos, errors by code,
photos/s) ends on stderr. Control and bidi characters in names and labels are shown escaped
(\\x1b, \\n, \\u202e); --json keeps them exact.
SIGINT/SIGTERM stop cleanly: photos in flight are dropped whole, the output is flushed.

Offline: pass local files, --model <file.onnx> --labels <synset.txt>, or a --mirror of your own.

${EXIT_HELP}`;

/** The commands, in the order the help lists them. */
export const COMMANDS = ['classify', 'eval', 'train', 'models', 'prune-binaries', ...QUEUE_COMMANDS] as const;

/**
 * An unknown command, with the one it is closest to; a file or folder given without a command was
 * meant for classify. A real command found after options (`--json models`, given `argv`) is
 * {@link optionsFirst}.
 */
export function unknownCommand(command: string, argv?: readonly string[]): UsageError {
  if (argv && COMMANDS.some((c) => c === command)) return optionsFirst(command, argv);
  const close = didYouMean(command, COMMANDS) ?? (/[./\\]/.test(command) ? `classify ${command}` : undefined);
  return new UsageError(`unknown command '${quote(command)}'.${close && close !== command ? ` Did you mean '${quote(close)}'?` : ''}`);
}

/** Options before the command (`--json models`): the command line with the command first, and the command's usage line. */
export function optionsFirst(command: string, argv: readonly string[]): UsageError {
  const i = argv.indexOf(command);
  const fixed = [command, ...argv.slice(i + 1), ...argv.slice(0, i)].map(quote).join(' ');
  return new UsageError(`options go after the command: onnx-mobilenet ${fixed}`, undefined, command);
}

/** `onnx-mobilenet classify` (and the bare command's --help/--version): returns the exit code, throws {@link UsageError}s. */
export async function runClassify(argv: readonly string[], io: CliIO, stderrIsTTY: boolean, env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      model: { type: 'string' },
      labels: { type: 'string' },
      top: { type: 'string' },
      json: { type: 'boolean', default: false },
      output: { type: 'string', short: 'o' },
      resume: { type: 'boolean', default: false },
      threads: { type: 'string' },
      batch: { type: 'string' },
      workers: { type: 'string' },
      mode: { type: 'string' },
      ...DOWNLOAD_FLAGS,
      version: { type: 'boolean', short: 'v', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    HELP,
  );
  const [command, ...targets] = positionals;
  if (values.version) {
    io.stdout(cliVersion());
    return 0;
  }
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (command === undefined) throw new UsageError('no command given', HELP);
  if (command !== 'classify') throw unknownCommand(command, argv);
  if (targets.length === 0) throw new UsageError('classify needs at least one file, directory or glob', HELP);
  const topK = intOption('top', values.top);
  const threads = intOption('threads', values.threads, DEFAULTS.maxThreads);
  const batchSize = intOption('batch', values.batch);
  const workers = intOption('workers', values.workers, 256) ?? defaultWorkers();
  const mode = choiceOption('mode', values.mode, RESIZE_MODES);

  if (values.resume && (!values.output || !values.json))
    throw new UsageError('--resume needs --output <file> and --json (it reads the JSON lines already written)', HELP);
  let resume: Awaited<ReturnType<typeof readDoneFiles>> | undefined;
  try {
    // Before the model loads: a wrong --output fails at once, and is left as it was.
    if (values.resume && values.output) resume = await readDoneFiles(values.output);
    else if (values.output) checkOutput(values.output, values.json ? 'json' : 'table');
  } catch (err) {
    return printFailure(err, io);
  }

  let classifier: Awaited<ReturnType<typeof createClassifier>> | ClassifierPool;
  const downloads = downloadReporter(io.stderr, stderrIsTTY);
  const options = {
    model: values.model,
    labels: values.labels,
    threads,
    batchSize,
    preprocess: mode ? { mode } : undefined,
    ...downloadOptions(values, env),
  };
  try {
    // One worker runs in this thread: a pool of one only adds the thread hops.
    classifier = workers > 1 ? await createClassifierPool({ ...options, workers }) : await createClassifier({ ...options, onProgress: downloads.onProgress });
  } catch (err) {
    downloads.finish();
    io.stderr(`onnx-mobilenet: ${failureLine(err, options)}`);
    return 1;
  }
  downloads.finish();

  let output: ResultFile | undefined;
  try {
    output = values.output ? openResultFile(values.output) : undefined;
    return await classifyStream(classifier, targets, { json: values.json, topK, output, done: resume?.done, io, stderrIsTTY });
  } catch (err) {
    return printFailure(err, io); // --output could not be written (a full disk)
  } finally {
    output?.close();
    await ('dispose' in classifier ? classifier.dispose() : classifier.destroy());
  }
}

/** A typed failure of the run as a whole: one line on stderr, exit status 1. Anything else is a bug, thrown on. */
function printFailure(err: unknown, io: CliIO): number {
  if (!isOnnxMobilenetError(err)) throw err;
  io.stderr(`onnx-mobilenet: ${failureLine(err)}`);
  return 1;
}
