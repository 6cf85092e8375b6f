import { isMainThread } from 'node:worker_threads';
import type { WarningCode } from '@onnx-mobilenet/core';
import { envVariable } from './cache-dir.js';

/**
 * The environment variable onnxruntime (1.29 and later) reads, once per process when its
 * environment is created (the first session), to switch off its Linux/macOS telemetry.
 */
export const ORT_TELEMETRY_VARIABLE = 'ORT_DISABLE_TELEMETRY';

let warnedFromWorker = false;

/**
 * Switches off onnxruntime-node's telemetry for this process unless the environment already
 * decides (`ORT_DISABLE_TELEMETRY=0` keeps it on). Must run before the process's first
 * onnxruntime session, which latches the choice.
 *
 * The telemetry is Microsoft's 1DS client inside `libonnxruntime.so`: on the first session it
 * writes `/tmp/mat-debug-<pid>.log`, reads `/etc/machine-id`, `/etc/os-release` and
 * `/proc/self/cmdline`, and stores a device id and an event database under
 * `~/.cache/Microsoft/DeveloperTools/.onnxruntime/`. It also matches the command line against
 * regular expressions whose backtracking recurses once per character, so a command line beyond
 * about 29 KB overflows the 8 MiB stack and kills the process with SIGSEGV.
 *
 * A worker thread's `process.env` is its own copy (unless the worker was made with `SHARE_ENV`),
 * so setting it there does not reach onnxruntime: then a warning says to set it in the main
 * thread or the environment.
 */
export function disableOrtTelemetry(
  env: NodeJS.ProcessEnv = process.env,
  mainThread = isMainThread,
  warn: (message: string, options: { code: WarningCode }) => void = process.emitWarning,
): void {
  // any value, '0' included, is the user's choice; an empty one counts as unset, as onnxruntime reads it
  if (envVariable(env, ORT_TELEMETRY_VARIABLE)) return;
  env[ORT_TELEMETRY_VARIABLE] = '1';
  if (!mainThread && !warnedFromWorker) {
    warnedFromWorker = true;
    warn(
      `onnx-mobilenet could not switch off onnxruntime's telemetry from a worker thread (its process.env is a copy): set ${ORT_TELEMETRY_VARIABLE}=1 in the environment, or import @onnx-mobilenet/node in the main thread before starting the worker`,
      { code: 'ONNX_MOBILENET_ORT_TELEMETRY' },
    );
  }
}
