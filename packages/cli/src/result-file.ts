import { closeSync, constants, createReadStream, fstatSync, ftruncateSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { OnnxMobilenetError } from '@onnx-mobilenet/node';

/** An output file that lines are appended to, each with one `write` call, so a crash leaves at most one partial line. */
export interface ResultFile {
  write(line: string): void;
  close(): void;
}

/** The format of the lines in an output file: `--json` lines or the table. */
export type ResultFormat = 'json' | 'table';

/** The longest first line read to tell whether a file is this tool's output (1,000 predictions take about 100 KB). */
const MAX_FIRST_LINE = 2 ** 20;
/** How every --json result line starts (`jsonText({ file, ... })`): a cut-off line is cut only if it starts so. */
const JSON_LINE_START = '{"file":';
/** A table row: `<file>  81.3%  tench (n01440764)`. */
const TABLE_ROW = / {2}[ \d]{2}\d\.\d% {2}.* \(.*\)$/;

const REASONS: Record<string, string> = {
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'a folder in its path is a file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EFBIG: 'the file is too large',
  EIO: 'an I/O error',
};

function outputError(path: string, reason: string, cause?: unknown): OnnxMobilenetError {
  return new OnnxMobilenetError('E_INPUT', `cannot write the results to --output ${resolve(path)}: ${reason}`, cause ? { cause } : undefined);
}

function reasonOf(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  return (code && REASONS[code]) ?? (err as Error)?.message ?? String(err);
}

/** True when `line` is one this tool writes in `format`. */
function isResultLine(line: string, format: ResultFormat): boolean {
  if (format === 'table') return TABLE_ROW.test(line);
  try {
    const row = JSON.parse(line) as { file?: unknown; predictions?: unknown; error?: unknown } | null;
    return (
      typeof row === 'object' &&
      row !== null &&
      typeof row.file === 'string' &&
      (Array.isArray(row.predictions) || (typeof row.error === 'object' && row.error !== null))
    );
  } catch {
    return false;
  }
}

/**
 * Checks `--output` before anything is loaded or written: its folder must exist, it must not be a
 * directory, and a non-empty regular file must be one this tool wrote (its first line a result
 * line in `format`), else appending would damage someone's JPEG or notes. Anything refused is
 * `E_INPUT` naming the file and why, and the file is left as it was. Other files (`/dev/stdout`, a
 * FIFO) are appended to as they are. Returns the size of the regular file (0 when missing).
 */
export function checkOutput(path: string, format: ResultFormat): { size: number; regular: boolean } {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO without a writer must not block the check.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw outputError(path, reasonOf(err), err);
    try {
      if (!statSync(dirname(resolve(path))).isDirectory()) throw outputError(path, REASONS.ENOTDIR!);
    } catch (e) {
      throw e instanceof OnnxMobilenetError ? e : outputError(path, reasonOf(e), e);
    }
    return { size: 0, regular: true };
  }
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) throw outputError(path, REASONS.EISDIR!);
    if (!info.isFile() || info.size === 0) return { size: info.size, regular: info.isFile() };
    const head = Buffer.alloc(Math.min(info.size, MAX_FIRST_LINE));
    const n = readSync(fd, head, 0, head.length, 0);
    const nl = head.subarray(0, n).indexOf(0x0a);
    const first = head.subarray(0, nl < 0 ? n : nl).toString('utf8');
    const cutOff = nl < 0 && n === info.size && format === 'json' && first.startsWith(JSON_LINE_START);
    if (!cutOff && (nl < 0 || !isResultLine(first.replace(/\r$/, ''), format))) {
      throw new OnnxMobilenetError(
        'E_INPUT',
        `--output ${resolve(path)} exists and is not this tool's ${format === 'json' ? '--json' : 'table'} output (its first line is not a result line of that format): refusing to append to it; it is left as it was. Name a new file, or one an earlier run with the same format wrote.`,
      );
    }
    return { size: info.size, regular: true };
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens `path` for appending (creating it); every line is written through at once, nothing is
 * buffered. A write that fails (a full disk, `/dev/full`) is `E_INPUT` naming the file and why,
 * and what it wrote of the line is cut off again, so the file keeps whole lines only.
 */
export function openResultFile(path: string): ResultFile {
  let fd: number;
  try {
    fd = openSync(path, 'a');
  } catch (err) {
    throw outputError(path, reasonOf(err), err);
  }
  const info = fstatSync(fd);
  let size = info.size;
  return {
    write: (line) => {
      const bytes = Buffer.from(`${line}\n`);
      let off = 0;
      try {
        while (off < bytes.length) off += writeSync(fd, bytes, off);
      } catch (err) {
        if (info.isFile() && off > 0) {
          try {
            ftruncateSync(fd, size);
          } catch {
            // the write's own error is the one to report
          }
        }
        throw outputError(path, reasonOf(err), err);
      }
      size += bytes.length;
    },
    close: () => closeSync(fd),
  };
}

/**
 * Prepares `--resume` on a file {@link checkOutput} accepted: every complete line must be a --json
 * result line (else `E_INPUT`, the file untouched), a half-written last line (what a crash or
 * `kill -9` leaves, which starts as every result line does) is cut off, and the `file` of every
 * line is returned, so those photos are skipped. Returns how many bytes were cut, for the report.
 */
export async function readDoneFiles(path: string): Promise<{ done: Set<string>; repairedBytes: number }> {
  const done = new Set<string>();
  const { size, regular } = checkOutput(path, 'json');
  if (!regular) throw new OnnxMobilenetError('E_INPUT', `--resume needs --output to be a regular file; ${resolve(path)} is a device, FIFO or socket`);
  if (size === 0) return { done, repairedBytes: 0 };
  const keep = endOfLastLine(path, size);
  if (keep > 0) {
    const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8', end: keep - 1 }), crlfDelay: Infinity });
    let n = 0;
    for await (const line of lines) {
      n++;
      if (!isResultLine(line, 'json')) {
        lines.close();
        throw new OnnxMobilenetError(
          'E_INPUT',
          `--output ${resolve(path)} line ${n} is not a --json result line: --resume appends only to a file this tool wrote, and leaves this one as it was`,
        );
      }
      done.add((JSON.parse(line) as { file: string }).file);
    }
  }
  if (keep < size) {
    const fd = openSync(path, 'r+');
    try {
      const tail = Buffer.alloc(Math.min(size - keep, JSON_LINE_START.length));
      readSync(fd, tail, 0, tail.length, keep);
      if (!JSON_LINE_START.startsWith(tail.toString('latin1')) && !tail.toString('latin1').startsWith(JSON_LINE_START)) {
        throw new OnnxMobilenetError(
          'E_INPUT',
          `--output ${resolve(path)} ends in a line that is not a cut-off --json result line: --resume leaves the file as it was`,
        );
      }
      ftruncateSync(fd, keep);
    } finally {
      closeSync(fd);
    }
  }
  return { done, repairedBytes: size - keep };
}

/** The offset just after the last newline of the file's first `size` bytes (0 if none). */
function endOfLastLine(path: string, size: number): number {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const n = readSync(fd, chunk, 0, end - start, start);
      const nl = chunk.subarray(0, n).lastIndexOf(0x0a);
      if (nl >= 0) return start + nl + 1;
      end = start;
    }
    return 0;
  } finally {
    closeSync(fd);
  }
}
