// Fresh consumer projects outside the workspace, installed from the packed tarballs.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Environment for installs and runs: CPU-only onnxruntime-node (no CUDA fetch from NuGet), no telemetry. */
export function consumerEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // drop the workspace's pnpm/npm script context so the consumer behaves like a user's shell; keep
  // where packages come from (registry, cache, proxies)
  const keep = /^npm_config_(registry|cache|https?_proxy|proxy|noproxy|strict_ssl|cafile)$/i;
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => keep.test(k) || !/^(npm_|PNPM_|VITEST|NODE_OPTIONS)/i.test(k)));
  return { ...env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_update_notifier: 'false', ...extra };
}

/** Writes `package.json` for an app depending on `onnx-mobilenet` only; its own workspace deps come from the tarballs. */
export function writeApp(dir: string, tarballs: Record<string, string>, manager: 'npm' | 'pnpm', devDependencies: Record<string, string> = {}): void {
  mkdirSync(dir, { recursive: true });
  const internal = Object.fromEntries(
    Object.entries(tarballs)
      .filter(([name]) => name !== 'onnx-mobilenet')
      .map(([name, tgz]) => [name, `file:${tgz}`]),
  );
  const pkg: Record<string, unknown> = {
    name: 'consumer-app',
    private: true,
    type: 'module',
    dependencies: { 'onnx-mobilenet': `file:${tarballs['onnx-mobilenet']}` },
    devDependencies,
  };
  // the unpublished internal packages resolve to their tarballs (on npm they resolve to the registry)
  // npm >= 11.? blocks dependency install scripts unless allowed; allowing them shows what a user
  // running them gets (onnxruntime-node's postinstall must stay offline under ONNXRUNTIME_NODE_INSTALL=skip)
  if (manager === 'npm') Object.assign(pkg, { overrides: internal, allowScripts: { 'onnxruntime-node': true, sharp: true, protobufjs: true } });
  else pkg.pnpm = { overrides: internal };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
}

/**
 * An example's package.json (`exampleDir`) as a user's project has it: its `workspace:` packages
 * taken from the packed tarballs, and the unpublished internal packages too (overrides).
 */
export function exampleManifest(exampleDir: string, tarballs: Record<string, string>): string {
  const pkg = JSON.parse(readFileSync(join(exampleDir, 'package.json'), 'utf8'));
  for (const field of ['dependencies', 'devDependencies'])
    for (const [name, spec] of Object.entries<string>(pkg[field] ?? {})) {
      if (!spec.startsWith('workspace:')) continue;
      const tgz = tarballs[name];
      if (!tgz) throw new Error(`no packed tarball for ${name}`);
      pkg[field][name] = `file:${tgz}`;
    }
  // the unpublished internal packages resolve to their tarballs (on npm they resolve to the registry)
  pkg.overrides = Object.fromEntries(Object.entries(tarballs).map(([name, tgz]) => [name, `file:${tgz}`]));
  return JSON.stringify(pkg, null, 2);
}

/**
 * Writes `package.json` for an app depending on one workspace package only (`name`), with core
 * from its tarball, as a user who installs that package alone gets it with npm.
 */
export function writePackageApp(dir: string, tarballs: Record<string, string>, name: string): void {
  mkdirSync(dir, { recursive: true });
  const pkg = {
    name: 'single-package-app',
    private: true,
    type: 'module',
    dependencies: { [name]: `file:${tarballs[name]}` },
    // the unpublished core resolves to its tarball (on npm, to the registry)
    overrides: { '@onnx-mobilenet/core': `file:${tarballs['@onnx-mobilenet/core']}` },
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
}

/** Runs a command in `cwd`; returns its result (never throws on a non-zero exit). */
export function run(cwd: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = consumerEnv()): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 });
}

/** Runs a command and throws with its output when it fails. */
export function runOk(cwd: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv): string {
  const r = run(cwd, cmd, args, env);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Disk use of a folder in bytes (`du`). */
export function diskUsage(dir: string): number {
  return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
}

/** node_modules folders in `dir` or any folder above it: Node's, Bun's and Deno's resolution would search them. */
export function nodeModulesAbove(dir: string): string[] {
  const found: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) found.push(join(d, 'node_modules'));
    if (dirname(d) === d) return found;
  }
}

/** The median of measured values (cold starts). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Temporary folders of a test file: `temp(prefix)` makes one, `removeAll()` (in `afterAll`) removes them. */
export function tempDirs(): { temp: (prefix: string) => string; removeAll: () => void } {
  const made: string[] = [];
  return {
    temp(prefix) {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    removeAll() {
      for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}
