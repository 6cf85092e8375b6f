// Python's onnxruntime for the parity tests: a venv outside the repository that .ci/run creates
// (.ci/python-env.sh: pinned onnxruntime, numpy, Pillow). Without it the suites skip with a reason; CI=true fails.
import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';

/** The venv .ci/run installs into; ONNX_MOBILENET_PYTHON names another interpreter. */
export const PYTHON_ENV = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'onnx-mobilenet', 'python');
export const PYTHON = process.env.ONNX_MOBILENET_PYTHON ?? join(PYTHON_ENV, 'bin', 'python');

function probe(): string {
  const run = spawnSync(PYTHON, ['-c', 'import onnxruntime, numpy, PIL; print(onnxruntime.__version__)'], { encoding: 'utf8' });
  if (run.error) return `no Python at ${PYTHON} (.ci/run creates the venv; or set ONNX_MOBILENET_PYTHON)`;
  if (run.status !== 0) return `${PYTHON} cannot import onnxruntime, numpy and PIL (Pillow) (.ci/run installs them)`;
  return '';
}

export const pythonReason = probe();

/** `describe` for suites that need Python's onnxruntime: skipped with a one-line reason, or failing when CI=true. */
export function describeWithPython(name: string, fn: () => void): void {
  if (!pythonReason) {
    describe(name, fn);
    return;
  }
  if (process.env.CI === 'true') throw new Error(`CI=true and ${pythonReason}`);
  describe.skip(`${name} [skipped: ${pythonReason}]`, fn);
}
