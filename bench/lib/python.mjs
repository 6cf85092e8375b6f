// The Python the benches compare with: the venv the parity tests use (.ci/python-env.sh makes it
// from pip's configured indexes when missing, and prints its interpreter), or ONNX_MOBILENET_PYTHON.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** The interpreter's path; throws with pip's output when the venv cannot be made. */
export function pythonInterpreter() {
  return process.env.ONNX_MOBILENET_PYTHON ?? execFileSync(join(repoRoot, '.ci/python-env.sh'), { encoding: 'utf8' }).trim();
}

/** {@link pythonInterpreter}, or why there is none (the first line of what went wrong), so a bench can go on without it. */
export function pythonOrReason() {
  try {
    return { python: pythonInterpreter() };
  } catch (err) {
    const said = String(err.stderr || err.message)
      .split('\n')
      .filter((line) => line.startsWith('python-env:'))
      .at(-1);
    return { skipped: `no Python venv: ${said ?? String(err.message).split('\n')[0]} (or set ONNX_MOBILENET_PYTHON)` };
  }
}
