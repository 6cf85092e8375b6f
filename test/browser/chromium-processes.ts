// Resident memory of a Chromium started by the tests, per process type, read from /proc (Linux).
import { readdirSync, readFileSync } from 'node:fs';

export interface ChromiumProcess {
  pid: number;
  type: string;
  rssMb: number;
}

const read = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return ''; // the process ended meanwhile
  }
};

/**
 * The processes of the Chromium whose profile folder is `profile`: the browser (the one process
 * whose command line names it) and all its descendants, with their `--type` (renderer,
 * gpu-process, utility, zygote) and resident memory.
 */
export function chromiumProcesses(profile: string): ChromiumProcess[] {
  const all = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => {
      const stat = read(`/proc/${d}/stat`);
      // Chromium rewrites its children's command lines as one space-separated string
      const cmdline = read(`/proc/${d}/cmdline`).replaceAll('\0', ' ');
      // ppid is the 2nd field after the parenthesised command name
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return { pid: Number(d), ppid, cmdline };
    });
  const root = all.find((p) => p.cmdline.includes(`--user-data-dir=${profile} `) && !p.cmdline.includes('--type='));
  if (!root) return [];
  const family = new Set([root.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) if (!family.has(p.pid) && family.has(p.ppid)) grew = family.add(p.pid).size > 0;
  }
  return all
    .filter((p) => family.has(p.pid))
    .map((p) => {
      const rss = /VmRSS:\s+(\d+) kB/.exec(read(`/proc/${p.pid}/status`));
      const type = /--type=(\S+)/.exec(p.cmdline)?.[1] ?? 'browser';
      const sub = /--utility-sub-type=(\S+)/.exec(p.cmdline)?.[1]?.split('.')[0];
      return { pid: p.pid, type: sub ? `${type}:${sub}` : type, rssMb: rss ? Number(rss[1]) / 1024 : 0 };
    });
}
