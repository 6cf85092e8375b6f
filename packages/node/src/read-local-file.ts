import { Buffer, isUtf8 } from 'node:buffer';
import { constants, type Stats } from 'node:fs';
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { OnnxMobilenetError, type ErrorCode } from '@onnx-mobilenet/core';
import { byteLimitError, clipText, describeError } from '@onnx-mobilenet/core/adapter';
import { forbiddenPath, type LocalRoots, openUnderRoots } from './local-roots.js';

/** How {@link readLocalFile} reads and reports. */
export interface ReadLocalFileOptions {
  /** What the file is (`'model'`, `'labels'`, `'cached model'`), for messages. */
  what: string;
  /** A larger file is `E_LIMIT`; no more than this (plus one byte) is ever read. */
  maxBytes: number;
  /** The code of a file that exists but cannot be read (permission denied, I/O error). */
  failCode: ErrorCode;
  /** The option that sets `maxBytes` (`'limits.maxLabelBytes'`), named in the `E_LIMIT` message. */
  limitName?: string | undefined;
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
 * Where a `bun build --compile` executable keeps the files it embeds (`import … with { type: 'file' }`):
 * they can be `stat`ed and read whole, not opened.
 */
const BUN_EMBEDDED = /^(?:\/\$bunfs\/|[A-Za-z]:[\\/]~BUN[\\/])/;

/**
 * Reads a local file with every read bounded: the handle is opened without blocking and checked
 * with fstat (so the file checked is the file read), anything but a regular file (`/dev/zero`, a
 * FIFO, a directory) is `E_INPUT`, and at most `maxBytes + 1` bytes are read (`E_LIMIT` beyond,
 * even for a file that grows). A missing file is `E_NOT_FOUND` naming the absolute path; one that
 * cannot be read (permission denied) is `failCode`. A `Buffer` path names a file whose name is not
 * UTF-8 (any bytes but `/` and NUL on Linux); messages show it with {@link showPath}. With `roots`,
 * a path outside them, missing or unreadable is `E_FORBIDDEN` instead, the same for all three (a
 * `Buffer` path too: roots are checked on text paths). A file embedded in a Bun executable
 * (`/$bunfs/…`) is read by its path, where no roots are set.
 *
 * @example
 * ```ts
 * await readLocalFile('model.onnx', { what: 'model', maxBytes: 256 * 2 ** 20, failCode: 'E_MODEL_LOAD' });
 * ```
 */
export async function readLocalFile(path: string | Buffer, { what, maxBytes, failCode, limitName, roots }: ReadLocalFileOptions): Promise<Uint8Array> {
  // for messages only: a path is quoted cut short
  const absolute = clipText(typeof path === 'string' ? resolve(path) : showPath(path));
  const tooBig = (n: number) => byteLimitError(`${what} file ${absolute}`, n, limitName ?? 'the limit', maxBytes, true);
  const check = (info: Stats) => {
    if (info.isDirectory()) throw new OnnxMobilenetError('E_INPUT', `${what} path is a directory, not a file: ${absolute}`);
    if (!info.isFile()) throw new OnnxMobilenetError('E_INPUT', `${what} path is not a regular file (a device, FIFO or socket): ${absolute}`);
    if (info.size > maxBytes) throw tooBig(info.size);
  };
  // Only inside Bun, where nothing else can be at these paths; elsewhere they are ordinary paths,
  // read as any other (opened without blocking, fstat on the handle, bounded).
  if (!roots && process.versions.bun !== undefined && typeof path === 'string' && BUN_EMBEDDED.test(path)) {
    try {
      check(await stat(path));
      const bytes = await readFile(path);
      if (bytes.length > maxBytes) throw tooBig(bytes.length);
      return bytes;
    } catch (err) {
      throw err instanceof OnnxMobilenetError ? err : openError(err, absolute, what, failCode);
    }
  }
  let handle: FileHandle;
  if (roots) {
    if (typeof path !== 'string') throw forbiddenPath(showPath(path), roots);
    handle = await openUnderRoots(path, roots, OPEN_FLAGS);
  } else {
    try {
      handle = await open(path, OPEN_FLAGS);
    } catch (err) {
      throw openError(err, absolute, what, failCode);
    }
  }
  try {
    const info = await handle.stat();
    check(info);
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
 * (`file:///a%2Fb.jpg`), which Node cannot map to a path, is `E_INPUT`. A path whose
 * percent-encoded bytes are not UTF-8 (`file:///tmp/x%FF.jpg`, a name Linux allows) comes back as
 * the path's bytes in a `Buffer`, which `fs` opens as they are.
 *
 * @example
 * ```ts
 * filePathFromUrl(new URL('file:///tmp/a.jpg'), 'image'); // '/tmp/a.jpg'
 * filePathFromUrl('file:///tmp/x%FF.jpg', 'image'); // <Buffer 2f 74 6d 70 2f 78 ff 2e 6a 70 67>
 * ```
 */
export function filePathFromUrl(url: URL | string, what: string): string | Buffer {
  try {
    return fileURLToPath(url);
  } catch (err) {
    // fileURLToPath checks the host and encoded slashes first; a URIError is only the decoding.
    if (err instanceof URIError && process.platform !== 'win32') return percentDecode(new URL(url).pathname);
    throw new OnnxMobilenetError(
      'E_INPUT',
      `cannot read ${what} from ${clipText(String(url))}: ${describeError(err)}. Use a file: URL of this machine, or a path.`,
      {
        cause: err,
      },
    );
  }
}

/** The bytes of a URL path: `%HH` as the byte, anything else as its UTF-8. */
function percentDecode(pathname: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < pathname.length; i++) {
    const hex = pathname[i] === '%' ? pathname.slice(i + 1, i + 3) : '';
    if (/^[0-9a-f]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(pathname[i]!));
    }
  }
  return Buffer.from(bytes);
}

/**
 * A path's bytes as text to print: UTF-8 where they are UTF-8, each other byte as `\xHH`
 * (`/tmp/x\xff.jpg`).
 *
 * @example
 * ```ts
 * showPath(Buffer.from([0x2f, 0x78, 0xff])); // '/x\\xff'
 * ```
 */
export function showPath(path: Buffer): string {
  let out = '';
  let i = 0;
  while (i < path.length) {
    // the shortest valid UTF-8 sequence starting here (1 to 4 bytes), if any
    let n = 1;
    while (n <= 4 && !isUtf8(path.subarray(i, i + n))) n++;
    if (n <= 4 && i + n <= path.length) {
      out += path.toString('utf8', i, i + n);
      i += n;
    } else {
      out += `\\x${path[i]!.toString(16).padStart(2, '0')}`;
      i++;
    }
  }
  return out;
}
