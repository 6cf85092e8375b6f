import type { ClassifyAllOptions, ClassifyAllResult, Prediction } from '@onnx-mobilenet/node';
import type { CliIO } from './cli-args.js';
import { EXIT_CODES } from './exit-codes.js';
import { StatusLine } from './cli-progress.js';
import type { ResultFile } from './result-file.js';
import { RunStats } from './run-stats.js';
import { jsonText, terminalText } from './terminal-text.js';
import { type WalkCount, walkInputs } from './walk-inputs.js';

/** Exit statuses after a signal, as shells report them (128 + the signal's number). */
const SIGNAL_EXIT = { SIGINT: EXIT_CODES.sigint.code, SIGTERM: EXIT_CODES.sigterm.code } as const;

export interface StreamOptions {
  json: boolean;
  topK: number | undefined;
  /** Where results go instead of stdout. */
  output: ResultFile | undefined;
  /** Files already in the output (`--resume`): not classified again. */
  done: Set<string> | undefined;
  io: CliIO;
  stderrIsTTY: boolean;
}

function pct(p: number): string {
  return `${(p * 100).toFixed(1).padStart(5)}%`;
}

/** A classifier or a pool: what classifyStream needs of either. */
export interface ClassifiesAll {
  classifyAll(inputs: AsyncIterable<string>, options: ClassifyAllOptions): AsyncIterable<ClassifyAllResult<string>>;
}

/**
 * Classifies the files of `targets` as they are walked, through `classifier.classifyAll`, and
 * prints (or appends) each result as it completes. SIGINT/SIGTERM abort the run: photos in flight
 * are dropped whole (every printed line is complete) and the exit status is 130/143.
 */
export async function classifyStream(classifier: ClassifiesAll, targets: readonly string[], o: StreamOptions): Promise<number> {
  const { io } = o;
  const stats = new RunStats();
  const walked: WalkCount = { found: 0, done: false };
  // A bar on a terminal's stderr only, and not while JSON lines go to the terminal.
  const bar = o.stderrIsTTY && (!o.json || o.output) ? new StatusLine(io.stderr) : undefined;
  const emit = (line: string): void => {
    if (o.output) {
      o.output.write(line);
      return;
    }
    bar?.clear();
    io.stdout(line);
  };
  const stderr = (line: string): void => {
    bar?.clear();
    io.stderr(line);
  };

  const controller = new AbortController();
  let stoppedBy: keyof typeof SIGNAL_EXIT | undefined;
  const onSignal = (name: keyof typeof SIGNAL_EXIT) => () => {
    stoppedBy ??= name;
    controller.abort();
  };
  const handlers = { SIGINT: onSignal('SIGINT'), SIGTERM: onSignal('SIGTERM') };
  process.on('SIGINT', handlers.SIGINT);
  process.on('SIGTERM', handlers.SIGTERM);

  async function* pending(): AsyncGenerator<string> {
    for await (const file of walkInputs(targets, walked)) {
      if (o.done?.has(walked.shown?.get(file) ?? file)) {
        walked.shown?.delete(file);
        stats.skipped++;
      } else yield file;
    }
  }

  try {
    for await (const r of classifier.classifyAll(pending(), { topK: o.topK, signal: controller.signal })) {
      // a name that is not UTF-8 was walked as a file: URL; shown as its path, the bytes as \xHH
      const shown = walked.shown?.get(r.input);
      walked.shown?.delete(r.input);
      print(shown ?? r.input, r, emit, stderr, o.json, stats);
      bar?.update(stats.progress(walked.done ? walked.found - stats.skipped : undefined));
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  } finally {
    process.off('SIGINT', handlers.SIGINT);
    process.off('SIGTERM', handlers.SIGTERM);
    bar?.clear();
  }
  if (stats.photos === 0 && stats.skipped === 0 && !stoppedBy) {
    io.stderr('onnx-mobilenet: no images found');
    return 1;
  }
  // The summary on stderr where someone reads it: on a terminal, with --output, or after a signal.
  // Piped runs without --output stay quiet on stderr but for failures, as scripts expect.
  if (o.output || stoppedBy || o.stderrIsTTY) io.stderr(stats.summary(stoppedBy));
  if (stoppedBy) return SIGNAL_EXIT[stoppedBy];
  return stats.failures > 0 ? 1 : 0;
}

function print(
  file: string,
  result: { predictions?: Prediction[] | undefined; error?: unknown },
  emit: (line: string) => void,
  stderr: (line: string) => void,
  json: boolean,
  stats: RunStats,
): void {
  if (result.error !== undefined) {
    const e = result.error as { code?: string; message?: string };
    // An error without a code is not the library's (a bug): reported as such, with no invented code.
    stats.record(e.code ?? 'untyped');
    if (json) emit(jsonText({ file, error: { ...(e.code ? { code: e.code } : {}), message: e.message ?? String(e) } }));
    stderr(terminalText(`${file}: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(e)}`));
    return;
  }
  stats.record();
  const preds = result.predictions ?? [];
  if (json) {
    emit(jsonText({ file, predictions: preds }));
    return;
  }
  const shown = terminalText(file);
  preds.forEach((p, i) => {
    emit(`${i === 0 ? shown : ' '.repeat(shown.length)}  ${pct(p.probability)}  ${terminalText(p.label)} (${terminalText(p.id)})`);
  });
}
