import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { OnnxMobilenetError } from '@onnx-mobilenet/node';

function outputError(path: string, reason: string, cause?: unknown): OnnxMobilenetError {
  return new OnnxMobilenetError('E_INPUT', `cannot write the model to -o ${resolve(path)}: ${reason}`, cause ? { cause } : undefined);
}

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
 * Checks `-o` before anything is loaded: its folder must exist, it must not be a folder, and it
 * must not be the base model itself (the same file by device and inode, so a link or `./` spelling
 * is caught too): the base is read again when the model is written. `E_INPUT` naming why.
 */
export function checkModelOutput(path: string, base: string | undefined): void {
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
}

/**
 * Writes `bytes` to `path` whole or not at all: into a temporary file in the same folder, flushed
 * to disk, then renamed over `path` (atomic on one file system), so a crash or a full disk never
 * leaves a half-written model where a classifier would load it. The temporary file is removed on
 * failure.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const temporary = join(dirname(resolve(path)), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
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
    const code = (err as NodeJS.ErrnoException)?.code;
    throw outputError(path, code === 'ENOSPC' ? 'no space left on the device' : ((err as Error)?.message ?? String(err)), err);
  }
}
