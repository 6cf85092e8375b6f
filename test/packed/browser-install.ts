// A fresh app outside the workspace that depends on the packed `onnx-mobilenet` only, installed
// with npm as a user would (the other packed packages stand in for the registry via overrides).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', NEXT_TELEMETRY_DISABLED: '1', npm_config_update_notifier: 'false' };

/** What a Next.js app installs beside onnx-mobilenet in the packed Next.js tests (the versions examples/nextjs pins). */
export const NEXT_APP_DEPS = {
  next: '16.5.0',
  react: '19.3.1',
  'react-dom': '19.3.1',
  typescript: '~5.9.3',
  '@types/react': '^19.2.0',
  '@types/react-dom': '^19.2.0',
  '@types/node': '20.19.43',
};

/** The tarballs the global setup packed once for the whole packed suite. */
export function packedTarballs(): Promise<Record<string, string>> {
  return Promise.resolve(inject('tarballs'));
}

/**
 * Copies `template` (if any) into a new folder under the OS temp dir and installs it with npm (no
 * install scripts): `onnx-mobilenet` from its tarball plus the given dev dependencies. `manifest`
 * adds top-level package.json fields (a bundler's settings, `browserslist`).
 */
export async function installApp(
  template: string | undefined,
  devDependencies: Record<string, string>,
  scripts: Record<string, string> = {},
  manifest: Record<string, unknown> = {},
): Promise<string> {
  const tarballs = await packedTarballs();
  const dir = mkdtempSync(join(inject('packedRoot'), 'app-')); // removed with the rest by the global setup
  if (template) cpSync(template, dir, { recursive: true });
  const overrides = Object.fromEntries(
    Object.entries(tarballs)
      .filter(([name]) => name !== 'onnx-mobilenet')
      .map(([name, tgz]) => [name, `file:${tgz}`]),
  );
  const pkg = {
    ...manifest,
    name: 'consumer-app',
    private: true,
    type: 'module',
    scripts,
    dependencies: { 'onnx-mobilenet': `file:${tarballs['onnx-mobilenet']}` },
    devDependencies,
    overrides,
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, env, stdio: 'pipe' });
  return dir;
}

/** Runs a command of the app's node_modules/.bin (e.g. `vite build`) and returns its output. */
export function runBin(dir: string, bin: string, args: string[]): string {
  return execFileSync(join(dir, 'node_modules/.bin', bin), args, { cwd: dir, env, encoding: 'utf8', stdio: 'pipe' });
}

/** A TCP port free on 127.0.0.1 now, for a server the test starts (next start, ...). */
export async function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => r(port));
    });
  });
}
