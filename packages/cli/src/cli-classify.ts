import { parseArgs } from 'node:util';
import { DEFAULTS, MODELS, createClassifier, type Prediction } from '@onnx-mobilenet/node';
import { UsageError, describeFailure, downloadOptions, intOption, parseCommandLine, type CliIO } from './cli-args.js';
import { StatusLine, downloadReporter, progressBar } from './cli-progress.js';
import { cliVersion } from './cli-version.js';
import { expandInputs } from './expand-inputs.js';

/** The command line's help: `classify` in full, a pointer to `eval --help`. */
export const HELP = `Usage: onnx-mobilenet classify <file|dir|glob>... [options]
       onnx-mobilenet eval <dir> [options]   (onnx-mobilenet eval --help)

Classifies images with MobileNetV2 (ImageNet, 1000 classes).

Options:
  --model <name|path|url>  model: ${Object.keys(MODELS).join(', ')}, a .onnx path or URL (default ${DEFAULTS.model})
  --labels <path|url>      class list (synset.txt, JSON array or one label a line; default: the zoo's ImageNet list)
  --top <k>                predictions per image (default ${DEFAULTS.topK})
  --json                   one JSON object a line instead of a table
  --threads <n>            onnxruntime intra-op threads (1 to ${DEFAULTS.maxThreads})
  --batch <n>              images per session run (default ${DEFAULTS.batchSize})
  --mode <mode>            preprocessing: shorter-side-crop (default) or squash
  --mirror <url>           serve registry models and labels from this base URL (laid out like the zoo's)
  --cache-dir <dir>        where downloads are cached
  -v, --version            print the version
  -h, --help               this help

Environment: ONNX_MOBILENET_MIRROR (as --mirror), ONNX_MOBILENET_CACHE (as --cache-dir).
Downloads report progress on stderr; on a terminal, classify shows a progress bar there.

Exit status: 0 if every image was classified, 1 if any failed, 2 on a usage error.`;

/** How many images are decoded ahead of inference at once. */
const IN_FLIGHT = 16;

function pct(p: number): string {
  return `${(p * 100).toFixed(1).padStart(5)}%`;
}

/** `onnx-mobilenet classify` (and the bare command's --help/--version): returns the exit code, throws {@link UsageError}s. */
export async function runClassify(argv: readonly string[], io: CliIO, stderrIsTTY: boolean, env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseCommandLine(
    () =>
      parseArgs({
        args: [...argv],
        allowPositionals: true,
        options: {
          model: { type: 'string' },
          labels: { type: 'string' },
          top: { type: 'string' },
          json: { type: 'boolean', default: false },
          threads: { type: 'string' },
          batch: { type: 'string' },
          mode: { type: 'string' },
          mirror: { type: 'string' },
          'cache-dir': { type: 'string' },
          version: { type: 'boolean', short: 'v', default: false },
          help: { type: 'boolean', short: 'h', default: false },
        },
      }),
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
  if (command !== 'classify') throw new UsageError(`unknown command "${command}"`, HELP);
  if (targets.length === 0) throw new UsageError('classify needs at least one file, directory or glob', HELP);
  const topK = intOption('top', values.top);
  const threads = intOption('threads', values.threads, DEFAULTS.maxThreads);
  const batchSize = intOption('batch', values.batch);
  if (values.mode !== undefined && values.mode !== 'shorter-side-crop' && values.mode !== 'squash') {
    throw new UsageError(`--mode must be shorter-side-crop or squash, got "${values.mode}"`);
  }

  const files = await expandInputs(targets);
  if (files.length === 0) {
    io.stderr('onnx-mobilenet: no images found');
    return 1;
  }

  let classifier: Awaited<ReturnType<typeof createClassifier>>;
  const downloads = downloadReporter(io.stderr, stderrIsTTY);
  try {
    classifier = await createClassifier({
      model: values.model,
      labels: values.labels,
      threads,
      batchSize,
      preprocess: values.mode ? { mode: values.mode as 'squash' | 'shorter-side-crop' } : undefined,
      ...downloadOptions(values, env),
      onProgress: downloads.onProgress,
    });
  } catch (err) {
    downloads.finish();
    io.stderr(`onnx-mobilenet: ${describeFailure(err)}`);
    return 1;
  }
  downloads.finish();

  // A bar on a terminal's stderr only: never when stderr is piped, never with --json.
  const bar = stderrIsTTY && !values.json ? new StatusLine(io.stderr) : undefined;
  const stdout = (line: string): void => {
    bar?.clear();
    io.stdout(line);
  };
  const stderr = (line: string): void => {
    bar?.clear();
    io.stderr(line);
  };
  let failures = 0;
  const width = files.reduce((w, f) => Math.max(w, f.length), 0); // no spread: folders may hold 100,000s of files
  const print = (file: string, result: { predictions?: Prediction[]; error?: unknown }): void => {
    if (result.error !== undefined) {
      failures++;
      const e = result.error as { code?: string; message?: string };
      if (values.json) stdout(JSON.stringify({ file, error: { code: e.code ?? 'E_UNKNOWN', message: e.message ?? String(e) } }));
      stderr(`${file}: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(e)}`);
      return;
    }
    const preds = result.predictions ?? [];
    if (values.json) {
      stdout(JSON.stringify({ file, predictions: preds }));
      return;
    }
    preds.forEach((p, i) => {
      const head = i === 0 ? file.padEnd(width) : ' '.repeat(width);
      stdout(`${head}  ${pct(p.probability)}  ${p.label} (${p.id})`);
    });
  };

  try {
    // Keep up to IN_FLIGHT images decoding while the classifier batches what is ready; print in order.
    const pending: Promise<{ predictions?: Prediction[]; error?: unknown }>[] = [];
    let next = 0;
    const launch = (): void => {
      const file = files[next++]!; // next < files.length, checked by the callers
      pending.push(
        classifier.classify(file, { topK }).then(
          (predictions) => ({ predictions }),
          (error: unknown) => ({ error }),
        ),
      );
    };
    while (next < files.length && pending.length < IN_FLIGHT) launch();
    for (let i = 0; i < files.length; i++) {
      const result = await pending[i]!;
      if (next < files.length) launch();
      print(files[i]!, result);
      delete pending[i];
      bar?.update(progressBar('classify', i + 1, files.length).slice(1));
    }
    bar?.clear();
  } finally {
    await classifier.dispose();
  }
  return failures > 0 ? 1 : 0;
}
