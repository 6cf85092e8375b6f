import { orList } from '@onnx-mobilenet/core/adapter';
import { RESIZE_MODES } from '@onnx-mobilenet/core/preprocess';
import {
  DEFAULTS,
  MODELS,
  OnnxMobilenetError,
  createClassifier,
  createTrainer,
  isOnnxMobilenetError,
  type NodeClassifier,
  type NodeImageSource,
  type Trainer,
} from '@onnx-mobilenet/node';
import {
  ALLOW_PRIVATE_NETWORK_HELP,
  DOWNLOAD_FLAGS,
  UsageError,
  choiceOption,
  describeFailure,
  downloadOptions,
  failureLine,
  intOption,
  parseCommandLine,
  quote,
  type CliIO,
} from './cli-args.js';
import { type ClassFolder, readClassFolders } from './class-folders.js';
import { downloadReporter } from './cli-progress.js';
import { checkModelOutput, writeFileAtomic } from './model-file.js';
import { MAX_TRAIN_VIEWS, checkViewBudget } from './train-limits.js';
import { jsonText, terminalText } from './terminal-text.js';
import { trainProgress, trainReportLines, type TrainRun } from './train-report.js';

const T = DEFAULTS.train;

/** Class weights `--class-weights` takes (a weight per label is the library's only). */
export const CLASS_WEIGHT_MODES = ['balanced', 'equal'] as const;

/** Errors of one photo (E_INPUT: not a regular file, such as a FIFO named .jpg) that leave it out of training, with a warning, instead of ending the run. */
const SKIPPED_CODES: readonly string[] = ['E_IMAGE_DECODE', 'E_INPUT', 'E_LIMIT', 'E_NOT_FOUND'];

/**
 * Stand-in names for the base model's 1000 ImageNet classes: training reads embeddings only, so
 * the base's own class names would be downloaded for nothing (and offline, fail the run). A base
 * of another class count is loaded with its own labels instead.
 */
const BASE_CLASSES = Array.from({ length: 1000 }, (_, i) => `class ${i}`);

export const TRAIN_HELP = `Usage: onnx-mobilenet train <dir> -o <file.onnx> [options]

Trains a classifier for your own classes and writes it as one ONNX file: the base model up to its
embedding, then a softmax head; the class names are in its metadata, so
\`onnx-mobilenet classify photo.jpg --model <file.onnx>\` and createClassifier({ model }) need no labels.

<dir> holds one subfolder per class, named after the class (hidden folders skipped); the images
under each subfolder, at any depth, are its examples. A file that cannot be read as an image is
left out with a warning (counted in the report); a class left with no photo ends the run.
Nothing outside <dir> is read: a class folder or photo that is a symbolic link leading out of it is
left out with a warning (class folders and photos linked within <dir> are used), and -o must be
outside <dir>. A run embeds at most ${MAX_TRAIN_VIEWS.toLocaleString('en-US')} views (photos × (1 + --crops), ×2 with --flip;
about 1 GB of embeddings, twice that while fitting) and refuses more before it starts.

Options:
  -o, --output <file>        the model to write (required); written whole or not at all, never the base model
  --model <name|path|url>    base model: ${Object.keys(MODELS).join(', ')}, a .onnx path or URL (default ${DEFAULTS.model})
  --labels <path|url>        the base model's class list, only for a base of other than 1000 classes without labels metadata
  --epochs <n>               most epochs (default ${T.epochs}; early stopping usually ends sooner)
  --patience <n>             epochs without a lower validation loss before stopping (default ${T.patience})
  --learning-rate <x>        Adam's step size (default ${T.learningRate})
  --batch-size <n>           views per step (default ${T.batchSize})
  --l2 <x>                   L2 penalty on the weights (default ${T.l2}; 0 for none)
  --validation-split <x>     share of each class's photos held out to validate, 0 to 0.9 (default ${T.validationSplit})
  --class-weights <mode>     ${orList(CLASS_WEIGHT_MODES)}: each class or each view weighs the same (default ${T.classWeights})
  --flip                     also embed each photo mirrored left to right
  --crops <n>                extra random crops embedded per photo (default ${T.crops})
  --seed <n>                 seed of the crops, the split and the shuffles (default ${T.seed}): same photos, same seed, same file
  --mode <mode>              preprocessing: ${orList(RESIZE_MODES)} (default ${DEFAULTS.preprocess.mode}; kept in the file)
  --threads <n>              onnxruntime intra-op threads
  --json                     print the report as JSON (stdout) instead of a table
  --mirror <url>             serve registry models from this base URL (or ONNX_MOBILENET_MIRROR)
  --cache-dir <dir>          where downloads are cached (or ONNX_MOBILENET_CACHE)
  ${ALLOW_PRIVATE_NETWORK_HELP}

Progress goes to stderr (photos embedded, then one line per epoch; redrawn in place on a terminal);
the report (validation accuracy, photos per class, confusion matrix) to stdout.
Exit status: 0 when the model is written, 1 on an error, 2 on a usage error.`;

/** A number option within [min, max], or undefined when absent; anything else is a {@link UsageError}. */
function numberOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, got "${quote(value)}"`, TRAIN_HELP);
  return n;
}

/** `onnx-mobilenet train`: returns the exit code; argument mistakes are thrown as {@link UsageError}s. */
export async function runTrain(argv: readonly string[], io: CliIO, stderrIsTTY: boolean, env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      output: { type: 'string', short: 'o' },
      model: { type: 'string' },
      labels: { type: 'string' },
      epochs: { type: 'string' },
      patience: { type: 'string' },
      'learning-rate': { type: 'string' },
      'batch-size': { type: 'string' },
      l2: { type: 'string' },
      'validation-split': { type: 'string' },
      'class-weights': { type: 'string' },
      flip: { type: 'boolean', default: false },
      crops: { type: 'string' },
      seed: { type: 'string' },
      mode: { type: 'string' },
      threads: { type: 'string' },
      json: { type: 'boolean', default: false },
      ...DOWNLOAD_FLAGS,
    },
    TRAIN_HELP,
  );
  const [dir] = positionals;
  if (positionals.length !== 1 || dir === undefined) throw new UsageError('train needs one folder, with one subfolder per class', TRAIN_HELP);
  if (!values.output) throw new UsageError('train needs -o <file.onnx>: where to write the trained model', TRAIN_HELP);
  const train = {
    epochs: intOption('epochs', values.epochs, 1_000_000),
    patience: intOption('patience', values.patience, 1_000_000),
    batchSize: intOption('batch-size', values['batch-size'], 1_000_000),
    learningRate: numberOption('learning-rate', values['learning-rate'], 1e-9, 10),
    l2: numberOption('l2', values.l2, 0, 1000),
    validationSplit: numberOption('validation-split', values['validation-split'], 0, 0.9),
    classWeights: choiceOption('class-weights', values['class-weights'], CLASS_WEIGHT_MODES, TRAIN_HELP),
    seed: numberOption('seed', values.seed, 0, 2 ** 32 - 1),
  };
  if (train.seed !== undefined && !Number.isInteger(train.seed))
    throw new UsageError(`--seed must be an integer, got "${quote(String(values.seed))}"`, TRAIN_HELP);
  const crops = intOption('crops', values.crops, 100, 0);
  const threads = intOption('threads', values.threads, DEFAULTS.maxThreads);
  const mode = choiceOption('mode', values.mode, RESIZE_MODES, TRAIN_HELP);
  const output = values.output;

  let folders: Awaited<ReturnType<typeof readClassFolders>>;
  try {
    // Before the model loads: a wrong folder or -o fails at once.
    checkModelOutput(output, values.model, dir);
    folders = await readClassFolders(dir);
    checkViewBudget(
      folders.classes.reduce((n, c) => n + c.photos.length, 0),
      crops ?? T.crops,
      values.flip,
    );
  } catch (err) {
    return printFailure(err, io);
  }
  if (folders.loose > 0) io.stderr(`onnx-mobilenet: ${folders.loose} file(s) directly in ${terminalText(dir)} belong to no class: left out`);
  for (const { code, message } of folders.outside) io.stderr(`onnx-mobilenet: skipped ${terminalText(`${code}: ${message}`)}`);

  const downloads = downloadReporter(io.stderr, stderrIsTTY);
  let classifier: NodeClassifier;
  const load = (labels: string | string[] | undefined) =>
    createClassifier({
      model: values.model,
      labels,
      threads,
      preprocess: mode ? { mode } : undefined,
      ...downloadOptions(values, env),
      onProgress: downloads.onProgress,
    });
  try {
    try {
      classifier = await load(values.labels ?? BASE_CLASSES);
    } catch (err) {
      // A base of other than 1000 classes (a model made by train): its own labels, from its metadata.
      if (values.labels || !isOnnxMobilenetError(err, 'E_LABELS')) throw err;
      classifier = await load(undefined);
    }
  } catch (err) {
    downloads.finish();
    return printFailure(err, io);
  }
  downloads.finish();

  const progress = trainProgress(io.stderr, stderrIsTTY);
  try {
    const trainer = createTrainer(classifier, { augment: { flip: values.flip, crops }, seed: train.seed });
    const run: TrainRun = { output, bytes: 0, photos: [], skipped: [...folders.outside], views: 0, embedMilliseconds: 0, exportMilliseconds: 0 };
    let started = performance.now();
    await addPhotos(trainer, folders.classes, run, progress);
    run.views = run.photos.reduce((a, b) => a + b, 0) * (1 + (crops ?? T.crops)) * (values.flip ? 2 : 1);
    run.embedMilliseconds = performance.now() - started;
    const head = await trainer.train({ ...train, onEpoch: (p) => progress.epoch(p) });
    progress.done();
    started = performance.now();
    const bytes = await trainer.exportModel(head);
    writeFileAtomic(output, bytes);
    run.exportMilliseconds = performance.now() - started;
    run.bytes = bytes.byteLength;
    if (values.json) {
      const { weights: _w, bias: _b, ...rest } = head;
      io.stdout(jsonText({ ...run, labels: head.labels, report: rest.report }, 2));
    } else for (const line of trainReportLines(head, run)) io.stdout(line);
    return 0;
  } catch (err) {
    progress.done();
    return printFailure(err, io);
  } finally {
    await classifier.dispose();
  }
}

/** Photos being embedded at once: enough to decode one batch while the last one runs. */
const ADD_CONCURRENCY = 8;

/**
 * Adds every class's photos to the trainer, {@link ADD_CONCURRENCY} at a time, called in sorted
 * order: the trainer keeps photos (and draws their crops) in the order of the calls, so the same
 * folder and seed give the same file. A photo that cannot be read as an image is skipped with a
 * warning and recorded in `run.skipped`; a class left with none is `E_INPUT`. `run.photos` gets the
 * photos added per class.
 */
async function addPhotos(
  trainer: Trainer<NodeImageSource>,
  classes: readonly ClassFolder[],
  run: TrainRun,
  progress: ReturnType<typeof trainProgress>,
): Promise<void> {
  const jobs = classes.flatMap(({ label, photos }, index) => photos.map((photo) => ({ photo, label, index })));
  const added = classes.map(() => 0);
  // why a class's first photo was left out: a class left with none names it (a label the trainer
  // refuses fails every photo of its class the same way)
  const firstFailure: (OnnxMobilenetError | undefined)[] = classes.map(() => undefined);
  let next = 0;
  let done = 0;
  let failed = false;
  const addInTurn = async () => {
    while (next < jobs.length && !failed) {
      const { photo, label, index } = jobs[next++]!;
      try {
        await trainer.add(photo, label);
        added[index]!++;
      } catch (err) {
        if (!isOnnxMobilenetError(err) || !SKIPPED_CODES.includes(err.code)) {
          failed = true;
          throw err;
        }
        run.skipped.push({ file: photo, code: err.code, message: err.message });
        firstFailure[index] ??= err;
        progress.warn(`onnx-mobilenet: skipped ${failureLine(err)}`);
      }
      progress.embedded(++done, jobs.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(ADD_CONCURRENCY, jobs.length) }, addInTurn));
  run.skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  classes.forEach(({ label, photos }, index) => {
    if (added[index] === 0)
      throw new OnnxMobilenetError(
        'E_INPUT',
        `no photo of class "${label}" could be read as an image (${photos.length} skipped; the first: ${describeFailure(firstFailure[index])}): add readable photos or remove its folder`,
      );
  });
  run.photos.push(...added);
}

/** A typed failure of the run: one line on stderr, exit status 1. Anything else is a bug, thrown on. */
function printFailure(err: unknown, io: CliIO): number {
  if (!isOnnxMobilenetError(err)) throw err;
  io.stderr(`onnx-mobilenet: ${failureLine(err)}`);
  return 1;
}
