import type { DownloadProgress } from '@onnx-mobilenet/node';
import { terminalText } from './terminal-text.js';

/** Erases the current terminal line (carriage return + ANSI "erase to end of line"). */
const ERASE = '\r\x1b[K';

/** A bar redrawn in place on one terminal line: `\r<label> [######......] 3/53`. */
export function progressBar(label: string, done: number, total: number): string {
  const width = 30;
  const filled = total > 0 ? Math.round((done / total) * width) : 0;
  return `\r${terminalText(label)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}

function megabytes(bytes: number): string {
  return bytes < 1e6 ? `${Math.ceil(bytes / 1e3)} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * A status line on stderr that other output can pass: `print` erases the line, writes, and the
 * next `update` draws it again. Only for terminals: callers create none when stderr is piped.
 */
export class StatusLine {
  private shown = false;

  constructor(private readonly stderr: (text: string) => void) {}

  /** Draws (or redraws) the status line. */
  update(text: string): void {
    this.stderr(`${ERASE}${text}`);
    this.shown = true;
  }

  /** Leaves the status line as it is and moves to the next line. */
  keep(): void {
    if (this.shown) this.stderr('\n');
    this.shown = false;
  }

  /** Erases the status line so that ordinary lines can be printed. */
  clear(): void {
    if (this.shown) this.stderr(ERASE);
    this.shown = false;
  }
}

/**
 * Reports model and label downloads on stderr: on a terminal one line per file redrawn with the
 * bytes received; otherwise one line when a download starts and one when it ends.
 */
export function downloadReporter(stderr: (line: string) => void, isTTY: boolean): { onProgress: (p: DownloadProgress) => void; finish: () => void } {
  const status = isTTY ? new StatusLine(stderr) : undefined;
  let current: string | undefined;
  const finish = (): void => {
    if (current !== undefined) status?.clear();
    current = undefined;
  };
  const onProgress = ({ url, loaded, total }: DownloadProgress): void => {
    const name = url.split('/').pop() ?? url;
    if (url !== current) {
      finish();
      current = url;
      if (!status) stderr(`downloading ${terminalText(url)}${total ? ` (${megabytes(total)})` : ''}`);
    }
    const complete = total !== undefined && loaded >= total;
    if (status)
      status.update(`downloading ${terminalText(name)} ${megabytes(loaded)}${total ? ` of ${megabytes(total)} ${Math.floor((loaded / total) * 100)}%` : ''}`);
    if (complete) {
      if (status) status.keep();
      else stderr(`downloaded ${terminalText(name)} (${megabytes(loaded)})`);
      current = undefined;
    }
  };
  return { onProgress, finish };
}
