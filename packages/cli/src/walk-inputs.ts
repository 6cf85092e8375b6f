import { type Dir, opendirSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { IMAGE_EXTENSIONS } from './expand-inputs.js';

const IMAGE = new RegExp(`\\.(${IMAGE_EXTENSIONS.join('|')})$`, 'i');

/** What {@link walkInputs} has found so far; `done` once every argument is walked. */
export interface WalkCount {
  found: number;
  done: boolean;
}

/**
 * Streams CLI arguments as files, without listing a folder first: a directory yields its images as
 * it reads them (depth first, in the file system's order, not sorted), one `opendir` handle per
 * level of depth; a glob pattern yields its matches (tinyglobby lists the matches first, sorted);
 * anything else is yielded as given, so a missing file is reported for that argument.
 * `count` is updated as files are found, for a progress line's total.
 */
export async function* walkInputs(args: readonly string[], count: WalkCount = { found: 0, done: false }): AsyncGenerator<string, void, undefined> {
  for (const arg of args) {
    if (isDirectory(arg)) {
      for await (const file of walkDirectory(arg.replace(/\/+$/, '') || '/')) {
        count.found++;
        yield file;
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
 * A `root` that cannot be opened is yielded itself, so that reading it reports a typed error.
 */
async function* walkDirectory(root: string): AsyncGenerator<string, void, undefined> {
  const rootDir = tryOpen(root);
  if (!rootDir) {
    yield root;
    return;
  }
  const stack: { path: string; dir: Dir }[] = [{ path: root, dir: rootDir }];
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
      const path = join(top.path, entry.name);
      if (entry.isDirectory()) {
        const dir = tryOpen(path);
        if (dir) stack.push({ path, dir });
      } else if ((entry.isFile() || entry.isSymbolicLink()) && IMAGE.test(entry.name)) {
        yield path;
      }
    }
  } finally {
    for (const { dir } of stack) await dir.close().catch(() => undefined);
  }
}

/** A subfolder that cannot be read (permissions) is skipped, as `find` would report and go on. */
function tryOpen(path: string): Dir | undefined {
  try {
    return opendirSync(path, { bufferSize: 64 });
  } catch {
    return undefined;
  }
}
