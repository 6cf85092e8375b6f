import { constants, realpathSync, statSync } from 'node:fs';
import { type FileHandle, open, readlink, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { OnnxMobilenetError } from '@onnx-mobilenet/core';
import { clipText, describeError } from '@onnx-mobilenet/core/adapter';

/**
 * Folders that local image paths must lie under, resolved once (symbolic links followed), with the
 * option name that widens them for the refusal's message.
 */
export interface LocalRoots {
  /** Real paths of the folders. Empty: no local file is read at all. */
  readonly folders: readonly string[];
  /** The option that sets them, named in the refusal (e.g. `imageRoots`, `roots (CLI --root)`). */
  readonly option: string;
}

/**
 * Resolves configured root folders to their real paths. Each must be an existing folder: anything
 * else is `E_INPUT` naming it (the configuration is the caller's, so this reveals nothing to a
 * stranger).
 *
 * @example
 * ```ts
 * const roots = resolveLocalRoots(['/data/photos'], 'roots');
 * await checkLocalPath('/data/photos/a.jpg', roots); // '/data/photos/a.jpg', or E_FORBIDDEN
 * ```
 */
export function resolveLocalRoots(folders: unknown, option: string): LocalRoots {
  if (!Array.isArray(folders)) throw new OnnxMobilenetError('E_INPUT', `${option} must be an array of folder paths`);
  const resolved = folders.map((folder, i) => {
    if (typeof folder !== 'string' || folder === '' || folder.includes('\0')) {
      throw new OnnxMobilenetError('E_INPUT', `${option}[${i}] must be a folder path (a non-empty string)`);
    }
    try {
      const real = realpathSync(folder);
      if (!statSync(real).isDirectory()) throw new Error('not a folder');
      return real;
    } catch (err) {
      throw new OnnxMobilenetError('E_INPUT', `${option}[${i}] (${JSON.stringify(folder)}) is not an existing folder: ${describeError(err)}`);
    }
  });
  return { folders: resolved, option };
}

/** True when the real path `path` is inside one of `folders` (by whole path segments). */
function isUnder(path: string, folders: readonly string[]): boolean {
  return folders.some((root) => {
    const rel = relative(root, path);
    return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
  });
}

/**
 * The one refusal for a local path: outside the roots, missing, unreadable or swapped while being
 * opened all read the same, so the answer never tells whether a path exists.
 */
export function forbiddenPath(path: string, roots: LocalRoots): OnnxMobilenetError {
  const shown = clipText(path);
  const where = roots.folders.length === 0 ? 'no local file is read (none are configured)' : 'only files under the configured folders are read';
  return new OnnxMobilenetError('E_FORBIDDEN', `path not allowed: ${JSON.stringify(shown)}; ${where} (option ${roots.option})`);
}

/**
 * Resolves a local path (symbolic links followed) and checks it lies under the roots. Returns the
 * real path; any failure (outside, missing, permission denied, a name too long) is the same
 * `E_FORBIDDEN`, see `forbiddenPath`.
 *
 * @example
 * ```ts
 * await checkLocalPath('/etc/passwd', resolveLocalRoots(['/data/photos'], 'roots')); // throws E_FORBIDDEN
 * ```
 */
export async function checkLocalPath(path: string | Buffer, roots: LocalRoots): Promise<string> {
  // roots are checked on text paths: a name that is not UTF-8 (a Buffer) is refused like the rest
  if (typeof path !== 'string' || roots.folders.length === 0) throw forbiddenPath(String(path), roots);
  let real: string;
  try {
    real = await realpath(resolve(path));
  } catch {
    throw forbiddenPath(path, roots);
  }
  if (!isUnder(real, roots.folders)) throw forbiddenPath(path, roots);
  return real;
}

/**
 * Opens a local path for reading only when it lies under the roots, guarding against a link swapped
 * in between the check and the open: the resolved path is opened with `O_NOFOLLOW`, and the file
 * actually opened is identified afterwards (on Linux by its descriptor's path in `/proc/self/fd`,
 * elsewhere by resolving the path again and comparing device and inode with the open handle).
 *
 * @example
 * ```ts
 * const handle = await openUnderRoots('/data/photos/a.jpg', roots, constants.O_RDONLY);
 * ```
 */
export async function openUnderRoots(path: string, roots: LocalRoots, flags: number): Promise<FileHandle> {
  const real = await checkLocalPath(path, roots);
  let handle: FileHandle;
  try {
    handle = await open(real, flags | (constants.O_NOFOLLOW ?? 0));
  } catch {
    throw forbiddenPath(path, roots);
  }
  try {
    if (!(await opensWhatWasChecked(handle, real, roots.folders))) throw forbiddenPath(path, roots);
    return handle;
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err instanceof OnnxMobilenetError ? err : forbiddenPath(path, roots);
  }
}

async function opensWhatWasChecked(handle: FileHandle, real: string, folders: readonly string[]): Promise<boolean> {
  let opened: string | undefined;
  try {
    // The kernel's name of the open file: exact, whatever was swapped meanwhile.
    opened = await readlink(`/proc/self/fd/${handle.fd}`);
  } catch {}
  if (opened !== undefined) return isUnder(opened, folders);
  const [info, again] = await Promise.all([handle.stat(), realpath(real)]);
  if (again !== real || !isUnder(again, folders)) return false;
  const now = await stat(again);
  return now.dev === info.dev && now.ino === info.ino;
}
