import { isUtf8 } from 'node:buffer';
import { type Dir, opendirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { showPath } from '@onnx-mobilenet/node/adapter';
import { glob, isDynamicPattern } from 'tinyglobby';
import { IMAGE_EXTENSIONS } from './expand-inputs.js';

const SLASH = Buffer.from('/');
/** Names as bytes (the Dirent's `name` is then a Buffer at run time; @types/node types the option as a text encoding only). */
const AS_BYTES = { bufferSize: 64, encoding: 'buffer' as BufferEncoding };

const IMAGE = new RegExp(`\\.(${IMAGE_EXTENSIONS.join('|')})$`, 'i');

/** What {@link walkInputs} has found so far; `done` once every argument is walked. */
export interface WalkCount {
  found: number;
  done: boolean;
  /** Files whose names are not UTF-8, walked as `file:` URLs: each URL's name to show ({@link showPath}). */
  shown?: Map<string, string>;
}

/**
 * Streams CLI arguments as files, without listing a folder first: a directory yields its images as
 * it reads them (depth first, in the file system's order, not sorted), one `opendir` handle per
 * level of depth; a glob pattern yields its matches (tinyglobby lists the matches first, sorted);
 * anything else is yielded as given, so a missing file is reported for that argument. A walked file
 * whose path is not UTF-8 (Linux allows any bytes) is yielded as a `file:` URL of its bytes, which
 * the classifier opens as they are, and `count.shown` maps that URL to the name to print.
 * `count` is updated as files are found, for a progress line's total.
 */
export async function* walkInputs(args: readonly string[], count: WalkCount = { found: 0, done: false }): AsyncGenerator<string, void, undefined> {
  for (const arg of args) {
    if (isDirectory(arg)) {
      for await (const path of walkDirectory(arg.replace(/\/+$/, '') || '/')) {
        count.found++;
        if (typeof path === 'string') {
          yield path;
          continue;
        }
        const url = fileUrlOf(path);
        count.shown ??= new Map();
        count.shown.set(url, showPath(path));
        yield url;
      }
    } else if (isDynamicPattern(arg)) {
      const files = await glob(arg, { onlyFiles: true, absolute: isAbsolute(arg) });
      if (files.length === 0) files.push(arg);
      files.sort();
      for (const f of files) {
        count.found++;
        yield f;
      }
    } else {
      count.found++;
      yield arg;
    }
  }
  count.done = true;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Images under `root`, read one directory entry at a time; subfolders are entered as they are met.
 * Names are read as bytes: a path that is not UTF-8 comes out as a Buffer (a string could not name it).
 * A `root` that cannot be opened is yielded itself, so that reading it reports a typed error.
 */
async function* walkDirectory(root: string): AsyncGenerator<string | Buffer, void, undefined> {
  const rootDir = tryOpen(root);
  if (!rootDir) {
    yield root;
    return;
  }
  const stack: { path: string | Buffer; dir: Dir }[] = [{ path: root, dir: rootDir }];
  try {
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      // a folder may open and still refuse its entries (EACCES on /proc/<pid>/map_files): skipped
      const entry = await top.dir.read().catch(() => null);
      if (entry === null) {
        stack.pop();
        await top.dir.close().catch(() => undefined);
        continue;
      }
      const name = entry.name as unknown as Buffer; // encoding: 'buffer'
      const path = typeof top.path === 'string' && isUtf8(name) ? join(top.path, name.toString()) : joinBytes(top.path, name);
      if (entry.isDirectory()) {
        const dir = tryOpen(path);
        if (dir) stack.push({ path, dir });
      } else if ((entry.isFile() || entry.isSymbolicLink()) && IMAGE.test(name.toString('latin1'))) {
        yield path;
      }
    }
  } finally {
    for (const { dir } of stack) await dir.close().catch(() => undefined);
  }
}

/** A subfolder that cannot be read (permissions) is skipped, as `find` would report and go on. */
function tryOpen(path: string | Buffer): Dir | undefined {
  try {
    return opendirSync(path, AS_BYTES);
  } catch {
    return undefined;
  }
}

/** A `file:` URL naming `path`'s bytes exactly: every byte but unreserved ASCII and `/` percent-encoded. */
function fileUrlOf(path: Buffer): string {
  const absolute = path[0] === 0x2f ? path : Buffer.concat([Buffer.from(resolve('.')), SLASH, path]);
  let url = 'file://';
  for (const byte of absolute) {
    const c = String.fromCharCode(byte);
    url += /[A-Za-z0-9\-._~/]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return url;
}

/** `join(dir, name)` for a name that is bytes: the folder normalised as `join` does (`./a` is `a`), the name kept byte for byte. */
function joinBytes(dir: string | Buffer, name: Buffer): Buffer {
  if (typeof dir !== 'string') return Buffer.concat([dir, SLASH, name]);
  const prefix = Buffer.from(join(dir, '\0')); // NUL, which no name holds, stands in for the name
  return Buffer.concat([prefix.subarray(0, -1), name]);
}
