import { closeSync, createReadStream, existsSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** An output file that lines are appended to, each with one `write` call, so a crash leaves at most one partial line. */
export interface ResultFile {
  write(line: string): void;
  close(): void;
}

/** Opens `path` for appending (creating it); every line is written through at once, nothing is buffered. */
export function openResultFile(path: string): ResultFile {
  const fd = openSync(path, 'a');
  return {
    write: (line) => {
      const bytes = Buffer.from(`${line}\n`);
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off);
    },
    close: () => closeSync(fd),
  };
}

/**
 * Prepares `--resume`: cuts a half-written last line off `path` (what a crash or `kill -9` leaves),
 * then returns the `file` of every JSON line in it, so those photos are skipped. A missing file is an
 * empty one. Returns how many bytes were cut, for the report.
 */
export async function readDoneFiles(path: string): Promise<{ done: Set<string>; repairedBytes: number }> {
  const done = new Set<string>();
  if (!existsSync(path)) return { done, repairedBytes: 0 };
  const repairedBytes = truncatePartialLine(path);
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    try {
      const row = JSON.parse(line) as { file?: unknown };
      if (typeof row.file === 'string') done.add(row.file);
    } catch {
      // not a result line (the file was not written by --json): nothing to skip for it
    }
  }
  return { done, repairedBytes };
}

/** Truncates the file after its last newline; returns the bytes removed. */
function truncatePartialLine(path: string): number {
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    const chunk = Buffer.alloc(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const n = readSync(fd, chunk, 0, end - start, start);
      const nl = chunk.subarray(0, n).lastIndexOf(0x0a);
      if (nl >= 0) {
        const keep = start + nl + 1;
        if (keep < size) ftruncateSync(fd, keep);
        return size - keep;
      }
      end = start;
    }
    if (size > 0) ftruncateSync(fd, 0); // one partial line and nothing else
    return size;
  } finally {
    closeSync(fd);
  }
}
