// Runs a script in a child process and watches its resident memory from outside: peak RSS is
// sampled from /proc, and the child is killed once it passes `killAboveMB` or `timeoutMs`.
// (`ulimit -v` would be simpler but breaks WebAssembly, and so Node's fetch.)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface WatchedRun {
  /** Highest RSS seen, in MiB. */
  peakMB: number;
  /** Why the watchdog killed the child, if it did. */
  killed?: string | undefined;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** False where RSS cannot be read from /proc (not Linux): callers skip with that reason. */
export const canWatchRss = process.platform === 'linux';

function rssMB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0; // the process has ended
  }
}

export function runWatched(args: string[], options: { killAboveMB: number; timeoutMs: number; env?: NodeJS.ProcessEnv }): Promise<WatchedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let peakMB = 0;
    let killed: string | undefined;
    const started = Date.now();
    const timer = setInterval(() => {
      peakMB = Math.max(peakMB, rssMB(child.pid!));
      if (peakMB > options.killAboveMB) killed = `RSS passed ${options.killAboveMB} MiB`;
      else if (Date.now() - started > options.timeoutMs) killed = `still running after ${options.timeoutMs} ms`;
      if (killed) child.kill('SIGKILL');
    }, 20);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearInterval(timer);
      resolve({ peakMB, killed, exitCode, stdout, stderr });
    });
  });
}
