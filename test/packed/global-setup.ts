// Packs the workspace once and installs what the test files share: one npm consumer project, and
// Bun and Deno from their npm packages (into a temp folder, not the workspace).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { packTarballs } from './pack-tarballs.mjs';
import { consumerEnv, run, runOk, writeApp } from './consumer-project.js';
import { assertFreshDist } from '../fresh-dist.js';

interface Runtimes {
  bun?: string;
  deno?: string;
  reasons: Record<string, string>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    tarballs: Record<string, string>;
    npmApp: string;
    packedRoot: string;
    version: string;
    runtimes: Runtimes;
  }
}

const RUNTIME_SPECS = { bun: 'bun@1.4', deno: 'deno@2' } as const;

function installRuntimes(dir: string): Runtimes {
  const runtimes: Runtimes = { reasons: {} };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, allowScripts: { bun: true, deno: true } }));
  const install = run(dir, 'npm', ['install', '--no-audit', '--no-fund', ...Object.values(RUNTIME_SPECS)]);
  for (const name of ['bun', 'deno'] as const) {
    const bin = join(dir, 'node_modules/.bin', name);
    const probe = install.status === 0 ? run(dir, bin, ['--version']) : undefined;
    if (probe?.status === 0) runtimes[name] = bin;
    else
      runtimes.reasons[name] =
        install.status !== 0
          ? `npm install ${RUNTIME_SPECS[name]} failed: ${install.stderr.trim().split('\n').pop()}`
          : `${name} --version failed: ${probe?.stderr.trim() ?? ''}`;
  }
  return runtimes;
}

export default async function setup(project: TestProject): Promise<() => void> {
  // the tarballs hold dist/ as it is: packing does not build
  assertFreshDist('core', 'node', 'web', 'wasm', 'cli', 'queue', 'onnx-mobilenet');
  const root = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-packed-'));
  const tarballs = await packTarballs(join(root, 'tarballs'));
  const npmApp = join(root, 'npm-app');
  writeApp(npmApp, tarballs, 'npm', { '@types/node': '^20.19.43' });
  runOk(npmApp, 'npm', ['install', '--no-audit', '--no-fund'], consumerEnv());
  const runtimesDir = join(root, 'runtimes');
  mkdirSync(runtimesDir);
  project.provide('tarballs', tarballs);
  project.provide('npmApp', npmApp);
  project.provide('packedRoot', root);
  project.provide('version', JSON.parse(readFileSync(join(import.meta.dirname, '../../packages/onnx-mobilenet/package.json'), 'utf8')).version);
  project.provide('runtimes', installRuntimes(runtimesDir));
  return () => rmSync(root, { recursive: true, force: true });
}
