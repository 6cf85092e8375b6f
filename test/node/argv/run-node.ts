// Runs node in a child process with a given command line, for the long-argv and argv-fuzz tests.
import { spawn } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createClassifier } from '@onnx-mobilenet/node';
import { INT8_MODEL, SYNSET, photos } from '../../assets.js';

export interface NodeRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node ...args` with `env` over this process's environment minus ORT_DISABLE_TELEMETRY (so
 * the child gets the library's default, not the tester's), killed with SIGKILL after `timeoutMs`.
 */
export function runNode(args: string[], options: { env: NodeJS.ProcessEnv; timeoutMs: number; cwd?: string }): Promise<NodeRun> {
  const { ORT_DISABLE_TELEMETRY: _, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: { ...inherited, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
}

/** `count` symlinks `<dir>/<prefix><i>.jpg`, the i-th to labelled photo i mod 53: link → photo path. */
export function photoLinks(dir: string, prefix: string, count: number, first = 0): Map<string, string> {
  const all = photos();
  const made = new Map<string, string>();
  for (let i = first; i < first + count; i++) {
    const target = all[i % all.length]!.path;
    const link = join(dir, `${prefix}${String(i).padStart(5, '0')}.jpg`);
    symlinkSync(target, link);
    made.set(link, target);
  }
  return made;
}

/** Top-1 class id of each of `paths`, classified in this process: what the children must report. */
export async function topOneIds(paths: Iterable<string>): Promise<Map<string, string>> {
  const classifier = await createClassifier({ model: INT8_MODEL, labels: SYNSET });
  try {
    const ids = new Map<string, string>();
    for (const path of paths) ids.set(path, (await classifier.classify(path, { topK: 1 }))[0]!.id);
    return ids;
  } finally {
    await classifier.dispose();
  }
}
