import { homedir } from 'node:os';
import { join } from 'node:path';

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
  if (env.ONNX_MOBILENET_CACHE) return env.ONNX_MOBILENET_CACHE;
  // A few lines instead of env-paths: its current major is ESM-only and would break our CJS build.
  if (process.platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'onnx-mobilenet', 'Cache');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'onnx-mobilenet');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'onnx-mobilenet');
}
