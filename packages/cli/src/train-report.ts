import type { EpochProgress, TrainedHead } from '@onnx-mobilenet/node';
import { StatusLine, progressBar } from './cli-progress.js';
import { terminalText } from './terminal-text.js';

/** What `train` did besides fitting: shown in its report and in `--json`. */
export interface TrainRun {
  /** The file written. */
  output: string;
  bytes: number;
  /** Photos found per class, in label order. */
  photos: number[];
  /** Photos that could not be read and were left out, with why. */
  skipped: { file: string; code: string; message: string }[];
  /** Views embedded (photos × augmented views). */
  views: number;
  embedMilliseconds: number;
  exportMilliseconds: number;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const num = (x: number | null) => (x === null ? '-' : x.toFixed(3));

/** One epoch as one line: `epoch 3/100  loss 0.512  accuracy 88.1%  validation loss 0.610  accuracy 81.8%`. */
export function epochLine(p: EpochProgress): string {
  const validation = p.validationLoss === null ? '' : `  validation loss ${num(p.validationLoss)}  accuracy ${pct(p.validationAccuracy ?? 0)}`;
  return `epoch ${p.epoch}/${p.epochs}  loss ${num(p.loss)}  accuracy ${pct(p.accuracy)}${validation}`;
}

/**
 * Progress of `train` on stderr: on a terminal one line redrawn (the photos embedded, then the
 * epoch); otherwise plain lines without escape codes: the photos embedded at every tenth of the
 * way, and one line per epoch.
 */
export function trainProgress(stderr: (line: string) => void, isTTY: boolean) {
  const status = isTTY ? new StatusLine(stderr) : undefined;
  let shownTenth = -1;
  return {
    embedded(done: number, total: number): void {
      if (status) {
        // progressBar starts with \r: the status line erases instead
        status.update(progressBar('photos embedded', done, total).slice(1));
        if (done === total) status.keep();
        return;
      }
      const tenth = Math.floor((done / total) * 10);
      if (tenth === shownTenth && done !== total) return;
      shownTenth = tenth;
      stderr(`photos embedded ${done}/${total}`);
    },
    epoch(p: EpochProgress): void {
      if (status) status.update(epochLine(p));
      else stderr(epochLine(p));
    },
    /** Ends a redrawn line, so that what follows starts on its own. */
    done(): void {
      status?.keep();
    },
    /** A warning between progress lines. */
    warn(line: string): void {
      status?.clear();
      stderr(line);
    },
  };
}

/** A table with columns padded to their widest cell: the first column left-aligned, numbers right-aligned. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => rows.reduce((w, r) => Math.max(w, r[i]!.length), 0));
  return rows.map((r) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

const seconds = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

/**
 * The validation report `train` prints on stdout: accuracies, the photos of each class (training,
 * validation, right), the confusion matrix by class name and the file written. Class names come
 * from folder names, strangers' text: every one is escaped for the terminal.
 */
export function trainReportLines(head: TrainedHead, run: TrainRun): string[] {
  const { report } = head;
  const names = head.labels.map(terminalText);
  const validation = report.confusion.map((row) => row.reduce((a, b) => a + b, 0));
  const right = report.confusion.map((row, i) => row[i] ?? 0);
  const lines: string[] = [];
  const heldOut = report.photos.validation;
  lines.push(
    report.validationAccuracy === null
      ? 'validation accuracy: none (no photos held out: --validation-split 0, or classes of one photo)'
      : `validation accuracy ${pct(report.validationAccuracy)} (${right.reduce((a, b) => a + b, 0)} of ${heldOut} photos held out)`,
  );
  lines.push(`training accuracy ${pct(report.trainingAccuracy)} on ${report.trainingViews} views of ${report.photos.training} photos`);
  lines.push(
    `epochs ${report.epochs} (kept ${report.bestEpoch}${report.stoppedEarly ? ', stopped early' : ''}); embedding ${seconds(run.embedMilliseconds)}, fitting ${seconds(report.milliseconds)}`,
  );
  if (run.skipped.length) lines.push(`skipped ${run.skipped.length} file(s): not readable as images, or outside the training folder (listed above)`);
  lines.push('');
  lines.push(
    ...table([
      ['class', 'photos', 'training', 'validation', 'right'],
      ...names.map((n, i) => [n, String(run.photos[i] ?? 0), String((run.photos[i] ?? 0) - validation[i]!), String(validation[i]), String(right[i])]),
    ]),
  );
  if (heldOut > 0) {
    lines.push('');
    lines.push('confusion (rows: true class, columns: predicted)');
    lines.push(...table([['', ...names], ...report.confusion.map((row, i) => [names[i]!, ...row.map(String)])]));
  }
  lines.push('');
  lines.push(`wrote ${terminalText(run.output)} (${(run.bytes / 1e6).toFixed(2)} MB, ${head.labels.length} classes)`);
  return lines;
}
