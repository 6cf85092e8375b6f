import { homedir } from 'node:os';
import { join } from 'node:path';
import { OnnxMobilenetError } from '@onnx-mobilenet/core';
import { describeError } from '@onnx-mobilenet/core/adapter';

/**
 * The environment variable naming the cache directory (`cacheDir`'s default).
 *
 * @example
 * ```ts
 * envVariable(process.env, CACHE_VARIABLE); // '/srv/cache', or undefined
 * ```
 */
export const CACHE_VARIABLE = 'ONNX_MOBILENET_CACHE';

/**
 * The directory downloads are cached in: the `cacheDir` option, else `ONNX_MOBILENET_CACHE`, else
 * the platform's user cache directory (`$XDG_CACHE_HOME` or `~/.cache` on Linux,
 * `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows) plus `onnx-mobilenet`.
 *
 * @example
 * ```ts
 * resolveCacheDir(); // '/home/me/.cache/onnx-mobilenet'
 * ```
 */
export function resolveCacheDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return explicit;
  const own = envVariable(env, CACHE_VARIABLE);
  if (own) return own;
  // A few lines instead of env-paths: its current major is ESM-only and would break our CJS build.
  if (process.platform === 'win32') return join(envVariable(env, 'LOCALAPPDATA') ?? join(homedir(), 'AppData', 'Local'), 'onnx-mobilenet', 'Cache');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'onnx-mobilenet');
  return join(envVariable(env, 'XDG_CACHE_HOME') || join(homedir(), '.cache'), 'onnx-mobilenet');
}

/**
 * An environment variable, `undefined` when unset or empty: only `env`'s own ones, as a property
 * set on `Object.prototype` elsewhere in the app shows through `process.env` and plain objects.
 *
 * @example
 * ```ts
 * envVariable(process.env, CACHE_VARIABLE); // '/srv/cache', or undefined
 * ```
 */
export function envVariable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return (Object.hasOwn(env, name) && env[name]) || undefined;
}

const CACHE_FAULTS: Record<string, string> = {
  ENOTDIR: 'a part of the cache path is a file, not a directory',
  EEXIST: 'a part of the cache path is a file, not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  ENAMETOOLONG: 'the path is too long for the file system',
};

/**
 * A failure to write the download cache as `E_CACHE`, naming the path, the reason and the fix.
 *
 * @example
 * ```ts
 * throw cacheError(err, '/home/me/.cache/onnx-mobilenet/models/x.onnx');
 * ```
 */
export function cacheError(err: unknown, path: string): OnnxMobilenetError {
  if (err instanceof OnnxMobilenetError) return err;
  const reason = CACHE_FAULTS[(err as NodeJS.ErrnoException).code ?? ''] ?? describeError(err);
  return new OnnxMobilenetError(
    'E_CACHE',
    `cannot write the download cache at ${path}: ${reason}. Set cacheDir (or ONNX_MOBILENET_CACHE) to a writable directory.`,
    { cause: err },
  );
}
