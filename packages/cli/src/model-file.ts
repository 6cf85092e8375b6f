import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { OnnxMobilenetError } from '@onnx-mobilenet/node';
import { isInside } from './train-limits.js';

function outputError(path: string, reason: string, cause?: unknown): OnnxMobilenetError {
  return new OnnxMobilenetError('E_INPUT', `cannot write the model to -o ${resolve(path)}: ${reason}`, cause ? { cause } : undefined);
}

/** Why a file cannot be made in -o's folder, in plain words (never the temporary file's name). */
const WRITE_REASONS: Record<string, string> = {
  EACCES: 'permission denied: its folder cannot be written',
  EPERM: 'permission denied: its folder cannot be written',
  EROFS: 'its folder is on a read-only file system',
  ENOENT: 'its folder does not take new files',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  EISDIR: 'it is a folder',
  ENOTEMPTY: 'it is a folder',
};

const writeReason = (err: unknown): string => WRITE_REASONS[(err as NodeJS.ErrnoException)?.code ?? ''] ?? (err as Error)?.message ?? String(err);

/** A temporary file's path next to `path`, unique enough that `wx` never meets another's. */
const temporaryNextTo = (path: string, kind: string): string => join(dirname(resolve(path)), `.${basename(path)}.${randomBytes(6).toString('hex')}.${kind}`);

/** The file's identity, or undefined when it does not exist (or cannot be looked at). */
function identity(path: string): { dev: number; ino: number } | undefined {
  try {
    const s = statSync(path);
    return { dev: s.dev, ino: s.ino };
  } catch {
    return undefined;
  }
}

/**
 * Checks `-o` before anything is loaded: its folder must exist and take a new file (one is made and
 * removed), it must not be a folder, it must not be the base model itself (the same file by device
 * and inode, so a link or `./` spelling is caught too: the base is read again when the model is
 * written), and it must not be inside `trainingDir` (its folder's real path plus its name), where it
 * could replace a photo or be read as one. `E_INPUT` naming why.
 */
export function checkModelOutput(path: string, base: string | undefined, trainingDir?: string): void {
  let folder: ReturnType<typeof statSync> | undefined;
  try {
    folder = statSync(dirname(resolve(path)));
  } catch (err) {
    throw outputError(path, 'its folder does not exist', err);
  }
  if (!folder.isDirectory()) throw outputError(path, 'a folder in its path is a file');
  const target = identity(path);
  if (target && statSync(path).isDirectory()) throw outputError(path, 'it is a folder');
  const source = base === undefined ? undefined : identity(base);
  if (target && source && target.dev === source.dev && target.ino === source.ino)
    throw outputError(path, `it is the base model --model ${base}; write the trained model to another file`);
  const root = trainingDir === undefined ? undefined : realPathOrUndefined(trainingDir);
  const real = join(realpathSync(dirname(resolve(path))), basename(path));
  if (root !== undefined && isInside(root, real)) throw outputError(path, `it is inside the training folder ${root}; write the trained model outside it`);
  const probe = temporaryNextTo(path, 'probe');
  try {
    closeSync(openSync(probe, 'wx', 0o644));
    unlinkSync(probe);
  } catch (err) {
    throw outputError(path, writeReason(err), err);
  }
}

function realPathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined; // reading the training folder reports it
  }
}

/**
 * Writes `bytes` to `path` whole or not at all: into a temporary file in the same folder, flushed
 * to disk, then renamed over `path` (atomic on one file system), so a crash or a full disk never
 * leaves a half-written model where a classifier would load it. The temporary file is removed on
 * failure.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const temporary = temporaryNextTo(path, 'tmp');
  let fd: number | undefined;
  try {
    fd = openSync(temporary, 'wx', 0o644);
    for (let at = 0; at < bytes.byteLength; ) at += writeSync(fd, bytes, at);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temporary);
    } catch {
      // never created, or already renamed
    }
    throw outputError(path, writeReason(err), err);
  }
}
