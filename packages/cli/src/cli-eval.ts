import { orList, PRECISIONS } from '@onnx-mobilenet/core/adapter';
import { RESIZE_MODES } from '@onnx-mobilenet/core/preprocess';
import { createClassifier, DEFAULTS, evaluate, type EvalResult, type Precision, type ResizeMode } from '@onnx-mobilenet/node';
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
  type CliIO,
} from './cli-args.js';
import { jsonText, terminalText } from './terminal-text.js';
import { loadImageNetSamples } from './imagenet-samples.js';
import { downloadReporter, progressBar } from './cli-progress.js';

export const EVAL_HELP = `Usage: onnx-mobilenet eval <dir> [options]

Top-1 and top-5 accuracy over labelled images: <dir>/<wnid>/*.JPEG, <dir>/<wnid>_*.JPEG, or a
ground-truth file. Repeat --model, --mode or --precision to compare them side by side.

Options:
  --model <name|path|url>     (repeatable; default ${DEFAULTS.model})
  --labels <path|url>         class list
  --mode <mode>               ${orList(RESIZE_MODES)} (repeatable; default ${DEFAULTS.preprocess.mode})
  --precision <p>             ${orList(PRECISIONS)} (repeatable; default ${DEFAULTS.precision})
  --ground-truth <file>       "file label" lines (label: index or wnid) or a JSON object
  --json                      print the full results (per-photo top-5, per-class hits, timing) as JSON
  --threads <n>               onnxruntime intra-op threads
  --mirror <url>              serve registry models and labels from this base URL (or ONNX_MOBILENET_MIRROR)
  --cache-dir <dir>           where downloads are cached (or ONNX_MOBILENET_CACHE)
  ${ALLOW_PRIVATE_NETWORK_HELP}`;

interface Run {
  model: string;
  mode: ResizeMode;
  precision: Precision;
  backend?: string;
  dequantized?: boolean;
  result?: EvalResult;
  error?: string;
}

/** `onnx-mobilenet eval`: returns the exit code; argument mistakes are thrown as {@link UsageError}s. */
export async function runEval(argv: readonly string[], io: CliIO, stderrIsTTY = false, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      model: { type: 'string', multiple: true },
      labels: { type: 'string' },
      mode: { type: 'string', multiple: true },
      precision: { type: 'string', multiple: true },
      'ground-truth': { type: 'string' },
      json: { type: 'boolean', default: false },
      threads: { type: 'string' },
      ...DOWNLOAD_FLAGS,
    },
    EVAL_HELP,
  );
  const [dataset] = positionals;
  if (positionals.length !== 1 || dataset === undefined) throw new UsageError('eval needs one dataset folder', EVAL_HELP);
  const modes = (values.mode ?? [DEFAULTS.preprocess.mode]).map((m) => choiceOption('mode', m, RESIZE_MODES, EVAL_HELP) as ResizeMode);
  const precisions = (values.precision ?? [DEFAULTS.precision]).map((p) => choiceOption('precision', p, PRECISIONS, EVAL_HELP) as Precision);
  const threads = intOption('threads', values.threads);
  let samples: Awaited<ReturnType<typeof loadImageNetSamples>>;
  try {
    samples = await loadImageNetSamples(dataset, { groundTruth: values['ground-truth'] });
  } catch (err) {
    io.stderr(`onnx-mobilenet: ${failureLine(err)}`);
    return 1;
  }

  const runs: Run[] = [];
  for (const model of values.model ?? [undefined as unknown as string]) {
    for (const mode of modes) {
      for (const precision of precisions) {
        const run: Run = { model: model ?? DEFAULTS.model, mode, precision };
        runs.push(run);
        try {
          const downloads = downloadReporter(io.stderr, stderrIsTTY);
          const classifier = await createClassifier({
            model,
            labels: values.labels,
            preprocess: { mode },
            precision,
            threads,
            ...downloadOptions(values, env),
            onProgress: downloads.onProgress,
          });
          downloads.finish();
          run.backend = classifier.model.backend;
          run.dequantized = classifier.model.dequantized;
          const label = `${run.model.split('/').pop()} ${mode} ${precision}`;
          run.result = await evaluate(classifier, samples, {
            onProgress: stderrIsTTY && !values.json ? (d, t) => io.stderr(progressBar(label, d, t)) : undefined,
          });
          if (stderrIsTTY && !values.json) io.stderr('\n');
          await classifier.dispose();
        } catch (err) {
          run.error = describeFailure(err, { model, labels: values.labels, ...downloadOptions(values, env) });
          io.stderr(`onnx-mobilenet: ${terminalText(run.model)}: ${terminalText(run.error)}`);
        }
      }
    }
  }

  if (values.json) {
    io.stdout(jsonText({ dataset: positionals[0], samples: samples.length, runs }, 2));
  } else {
    const pct = (n: number, of: number) => `${n}/${of} ${((n / of) * 100).toFixed(1)}%`;
    const rows = runs.map((r) =>
      [
        r.model.split('/').pop()!,
        r.backend ?? '-',
        r.mode,
        `${r.precision}${r.dequantized ? ' (float)' : ''}`,
        r.result ? pct(r.result.top1, r.result.samples) : (r.error ?? ''),
        r.result ? pct(r.result.top5, r.result.samples) : '',
        r.result ? r.result.timing.msPerSample.toFixed(1) : '',
      ].map(terminalText),
    );
    const header = ['model', 'backend', 'mode', 'precision', 'top-1', 'top-5', 'ms/photo'];
    const widths = header.map((h, i) => rows.reduce((w, r) => Math.max(w, r[i]?.length ?? 0), h.length));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
    io.stdout(line(header));
    io.stdout(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of rows) io.stdout(line(r));
    const errors = runs.reduce((a, r) => a + (r.result?.errors ?? 0), 0);
    if (errors) io.stdout(`${errors} image(s) could not be classified; see --json for which`);
  }
  return runs.some((r) => r.error) ? 1 : 0;
}
