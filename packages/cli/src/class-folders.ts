import { type Dirent, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OnnxMobilenetError } from '@onnx-mobilenet/node';
import { IMAGE_EXTENSIONS } from './expand-inputs.js';
import { isInside } from './train-limits.js';
import { walkInputs } from './walk-inputs.js';

/** One class of a training folder: its subfolder's name is the label, the images under it its photos. */
export interface ClassFolder {
  label: string;
  /** Image files under the subfolder, at any depth, sorted (so the same folder trains the same head). */
  photos: string[];
}

/** What {@link readClassFolders} found. */
export interface ClassFolders {
  classes: ClassFolder[];
  /** Files directly in the training folder: not in a class, so not used. */
  loose: number;
  /** Class folders and photos left out because their real path is outside the training folder. */
  outside: { file: string; code: 'E_INPUT'; message: string }[];
}

/** `path`'s real path (a `file:` URL string as the walker yields for non-UTF-8 names too), or undefined when it has none. */
function realPath(path: string): string | undefined {
  try {
    return realpathSync(path.startsWith('file:') ? new URL(path) : path);
  } catch {
    return undefined; // missing or a loop: reading it reports that
  }
}

const REASONS: Record<string, string> = {
  ENOENT: 'it does not exist',
  ENOTDIR: 'it is not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

function folderError(dir: string, err: unknown): OnnxMobilenetError {
  const code = (err as NodeJS.ErrnoException)?.code ?? '';
  const reason = REASONS[code] ?? (err as Error)?.message ?? String(err);
  return new OnnxMobilenetError(code === 'ENOENT' ? 'E_NOT_FOUND' : 'E_INPUT', `cannot read the training folder ${resolve(dir)}: ${reason}`, {
    cause: err,
  });
}

/** A subfolder entry, a symbolic link to one included. */
function isFolder(dir: string, entry: Dirent): boolean {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(join(dir, entry.name)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The classes of a training folder: one per subfolder (hidden ones, `.git`, skipped), named after
 * it, sorted by name; each subfolder's images (by extension, at any depth, so `ripe/2024/*.jpg`
 * counts) are its photos. A class folder or photo whose real path is outside the training folder
 * (a symbolic link out of it) is left out and listed in `outside`. Fewer than two classes, or a class without images, is `E_INPUT` naming
 * the folder; a training folder that cannot be read is `E_NOT_FOUND` or `E_INPUT`.
 */
export async function readClassFolders(dir: string): Promise<ClassFolders> {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw folderError(dir, err);
  }
  const root = realpathSync(dir);
  // Nothing outside the folder given is read, whatever a symbolic link in it points to.
  const outside: ClassFolders['outside'] = [];
  const within = (path: string): boolean => {
    const real = realPath(path);
    if (real === undefined || isInside(root, real)) return true;
    outside.push({ file: path, code: 'E_INPUT', message: `${path} leads to ${real}, outside the training folder ${root}: left out` });
    return false;
  };
  // A class folder that is the training folder itself (a link to "."), and a photo reached twice
  // (through links between class folders), would train one photo under two labels.
  const leaveOut = (file: string, why: string) => {
    outside.push({ file, code: 'E_INPUT', message: `${file} ${why}: left out` });
    return false;
  };
  const notRoot = (path: string): boolean => realPath(path) !== root || leaveOut(path, `is the training folder ${root} itself`);
  const names = entries
    .filter((e) => !e.name.startsWith('.') && isFolder(dir, e) && within(join(dir, e.name)) && notRoot(join(dir, e.name)))
    .map((e) => e.name)
    .sort();
  const loose = entries.filter((e) => e.isFile()).length;
  if (names.length < 2) {
    const found = names.length === 0 ? 'none' : `only "${names[0]}"`;
    throw new OnnxMobilenetError(
      'E_INPUT',
      `the training folder ${resolve(dir)} needs one subfolder per class, two or more, named after the classes (ripe/*.jpg, unripe/*.jpg); it has ${found}`,
    );
  }
  const classes: ClassFolder[] = [];
  const seen = new Map<string, string>();
  const once = (path: string): boolean => {
    const real = realPath(path) ?? path;
    const first = seen.get(real);
    if (first !== undefined) return leaveOut(path, `is the same file as ${first}`);
    seen.set(real, path);
    return true;
  };
  for (const label of names) {
    const photos: string[] = [];
    for await (const path of walkInputs([join(dir, label)])) photos.push(path);
    // the walker yields a folder it cannot open as itself
    const readable = photos
      .filter((p) => p !== join(dir, label) && within(p))
      .sort()
      .filter(once);
    if (readable.length === 0) {
      throw new OnnxMobilenetError(
        'E_INPUT',
        `the class folder ${resolve(dir, label)} holds no images (${IMAGE_EXTENSIONS.join(', ')}): add photos of "${label}" or remove the folder`,
      );
    }
    classes.push({ label, photos: readable });
  }
  return { classes, loose, outside };
}
