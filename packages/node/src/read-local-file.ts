import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OnnxMobilenetError, type ErrorCode } from '@onnx-mobilenet/core';
import { describeError } from '@onnx-mobilenet/core/adapter';
import { type LocalRoots, openUnderRoots } from './local-roots.js';

/** How {@link readLocalFile} reads and reports. */
export interface ReadLocalFileOptions {
  /** What the file is (`'model'`, `'labels'`, `'cached model'`), for messages. */
  what: string;
  /** A larger file is `E_LIMIT`; no more than this (plus one byte) is ever read. */
  maxBytes: number;
  /** The code of a file that exists but cannot be read (permission denied, I/O error). */
  failCode: ErrorCode;
  /**
   * Folders the file must lie under (see `openUnderRoots`): outside them, or missing, or unreadable,
   * it is one `E_FORBIDDEN` that does not tell which. Unset: any path.
   */
  roots?: LocalRoots | undefined;
}

// O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting forever, so the
// fstat below can refuse it. (Windows has no such flag and no FIFOs at a path.)
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Reads a local file with every read bounded: the handle is opened without blocking and checked
 * with fstat (so the file checked is the file read), anything but a regular file (`/dev/zero`, a
 * FIFO, a directory) is `E_INPUT`, and at most `maxBytes + 1` bytes are read (`E_LIMIT` beyond,
 * even for a file that grows). A missing file is `E_NOT_FOUND` naming the absolute path; one that
 * cannot be read (permission denied) is `failCode`. With `roots`, a path outside them, missing or
 * unreadable is `E_FORBIDDEN` instead, the same for all three.
 *
 * @example
 * ```ts
 * await readLocalFile('model.onnx', { what: 'model', maxBytes: 256 * 2 ** 20, failCode: 'E_MODEL_LOAD' });
 * ```
 */
export async function readLocalFile(path: string, { what, maxBytes, failCode, roots }: ReadLocalFileOptions): Promise<Uint8Array> {
  const absolute = resolve(path);
  let handle: FileHandle;
  if (roots) handle = await openUnderRoots(path, roots, OPEN_FLAGS);
  else {
    try {
      handle = await open(path, OPEN_FLAGS);
    } catch (err) {
      throw openError(err, absolute, what, failCode);
    }
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new OnnxMobilenetError('E_INPUT', `${what} path is a directory, not a file: ${absolute}`);
    if (!info.isFile()) throw new OnnxMobilenetError('E_INPUT', `${what} path is not a regular file (a device, FIFO or socket): ${absolute}`);
    const tooBig = (n: number) => new OnnxMobilenetError('E_LIMIT', `${what} file ${absolute} has ${n} bytes or more, over the limit of ${maxBytes}`);
    if (info.size > maxBytes) throw tooBig(info.size);
    let buffer = Buffer.allocUnsafe(info.size + 1);
    let filled = 0;
    for (;;) {
      if (filled === buffer.length) {
        if (filled > maxBytes) throw tooBig(filled); // it grew while we read
        const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1));
        buffer.copy(grown, 0, 0, filled);
        buffer = grown;
      }
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } catch (err) {
    if (err instanceof OnnxMobilenetError) throw err;
    throw new OnnxMobilenetError(failCode, `cannot read ${what} file ${absolute}: ${describeError(err)}`, { cause: err });
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function openError(err: unknown, absolute: string, what: string, failCode: ErrorCode): OnnxMobilenetError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new OnnxMobilenetError('E_NOT_FOUND', `${what} file not found: ${absolute}`, { cause: err });
  if (code === 'EISDIR') return new OnnxMobilenetError('E_INPUT', `${what} path is a directory, not a file: ${absolute}`);
  const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : describeError(err);
  return new OnnxMobilenetError(failCode, `cannot read ${what} file ${absolute}: ${reason}`, { cause: err });
}

/**
 * The local path of a `file:` URL; one naming another host or an encoded `/` in the path
 * (`file:///a%2Fb.jpg`), which Node cannot map to a path, is `E_INPUT`.
 *
 * @example
 * ```ts
 * filePathFromUrl(new URL('file:///tmp/a.jpg'), 'image'); // '/tmp/a.jpg'
 * ```
 */
export function filePathFromUrl(url: URL | string, what: string): string {
  try {
    return fileURLToPath(url);
  } catch (err) {
    throw new OnnxMobilenetError(
      'E_INPUT',
      `cannot read ${what} from ${String(url).slice(0, 200)}: ${describeError(err)}. Use a file: URL of this machine, or a path.`,
      {
        cause: err,
      },
    );
  }
}
