// What the tarballs hold: the files every exports/imports/bin/main/types entry names, README and LICENSE,
// real dependency versions, no `source` condition; and arethetypeswrong's verdict on each.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { run } from './consumer-project.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ATTW = resolve(ROOT, 'node_modules/@arethetypeswrong/cli/dist/index.js');

function listTarball(tgz: string): string[] {
  return execFileSync('tar', ['tzf', tgz], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((f) => f.replace(/^package\//, ''));
}

function readFromTarball(tgz: string, file: string): string {
  return execFileSync('tar', ['xzOf', tgz, `package/${file}`], { encoding: 'utf8' });
}

/** Every string leaf of an exports/bin object, with the condition path that leads to it. */
function targets(value: unknown, path: string[] = []): { conditions: string[]; target: string }[] {
  if (typeof value === 'string') return [{ conditions: path, target: value }];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => targets(v, [...path, k]));
  return [];
}

describe('packed tarballs', () => {
  const tarballs = inject('tarballs');
  const names = Object.keys(tarballs).sort();
  const tgzOf = (name: string): string => {
    const tgz = tarballs[name];
    if (!tgz) throw new Error(`no tarball was packed for ${name}`);
    return tgz;
  };

  it('are the seven publishable packages, at one version', () => {
    expect(names).toEqual([
      '@onnx-mobilenet/cli',
      '@onnx-mobilenet/core',
      '@onnx-mobilenet/node',
      '@onnx-mobilenet/queue',
      '@onnx-mobilenet/wasm',
      '@onnx-mobilenet/web',
      'onnx-mobilenet',
    ]);
    const versions = names.map((n) => JSON.parse(readFromTarball(tgzOf(n), 'package.json')).version);
    expect(new Set(versions).size).toBe(1);
  });

  it.each(Object.keys(inject('tarballs')).sort())('%s: README, the root LICENSE, metadata, and only published targets', (name) => {
    const tgz = tgzOf(name);
    const files = listTarball(tgz);
    expect(files).toContain('README.md');
    expect(readFromTarball(tgz, 'LICENSE')).toBe(readFileSync(resolve(ROOT, 'LICENSE'), 'utf8'));
    const pkg = JSON.parse(readFromTarball(tgz, 'package.json'));
    expect(pkg.license).toBe('MIT');
    expect(pkg.repository).toMatchObject({ type: 'git', directory: expect.stringMatching(/^packages\//) });
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs.url).toMatch(/^https:\/\//);
    expect(pkg.engines.node).toBe('>=20.9');
    expect(pkg.keywords.length).toBeGreaterThan(3);
    const entries = [
      ...targets(pkg.exports),
      ...targets(pkg.imports),
      ...targets(pkg.bin),
      ...targets({ main: pkg.main, module: pkg.module, types: pkg.types }),
    ];
    expect(entries.filter((e) => e.conditions.includes('source'))).toEqual([]);
    // a subpath pattern (`./dist/vendor/*.wasm`) must match at least one packed file
    const packed = (target: string) => {
      const path = target.replace(/^\.\//, '');
      if (!path.includes('*')) return files.includes(path);
      const [head, tail] = path.split('*') as [string, string];
      return files.some((f) => f.startsWith(head) && f.endsWith(tail) && f.length > head.length + tail.length);
    };
    expect(entries.filter((e) => !packed(e.target)).map((e) => e.target)).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.d.cts'))).toEqual([]);
    expect(JSON.stringify(pkg.dependencies ?? {})).not.toContain('workspace:');
  });

  it('only the CLI and queue packages carry tinyglobby; onnx-mobilenet brings the CLI for the bin', () => {
    const deps = Object.fromEntries(names.map((n) => [n, Object.keys(JSON.parse(readFromTarball(tgzOf(n), 'package.json')).dependencies ?? {})]));
    expect(names.filter((n) => deps[n]?.includes('tinyglobby'))).toEqual(['@onnx-mobilenet/cli', '@onnx-mobilenet/queue']);
    expect(deps['onnx-mobilenet']).toContain('@onnx-mobilenet/cli');
    expect(JSON.parse(readFromTarball(tgzOf('@onnx-mobilenet/node'), 'package.json')).bin).toBeUndefined();
  });

  it('BullMQ comes only with @onnx-mobilenet/queue, which the CLI names as an optional peer', () => {
    const deps = Object.fromEntries(names.map((n) => [n, Object.keys(JSON.parse(readFromTarball(tgzOf(n), 'package.json')).dependencies ?? {})]));
    expect(names.filter((n) => deps[n]?.includes('bullmq') || deps[n]?.includes('ioredis'))).toEqual(['@onnx-mobilenet/queue']);
    expect(names.filter((n) => deps[n]?.includes('@onnx-mobilenet/queue'))).toEqual([]);
    const cli = JSON.parse(readFromTarball(tgzOf('@onnx-mobilenet/cli'), 'package.json'));
    expect(cli.peerDependencies['@onnx-mobilenet/queue']).toBe(cli.version);
    expect(cli.peerDependenciesMeta['@onnx-mobilenet/queue']).toEqual({ optional: true });
  });

  it.each(Object.keys(inject('tarballs')).sort())('%s passes arethetypeswrong', (name) => {
    // The main entry under every resolution attw knows, node10 included (main/types); the subpaths
    // (adapter, preprocess, graph, accelerated) exist through `exports` only, so node16 and bundler.
    // The CLI and queue packages are ESM only (a command line, Node-only workers): no CommonJS to check.
    const runs =
      name === '@onnx-mobilenet/cli' || name === '@onnx-mobilenet/queue'
        ? [['--profile', 'esm-only']]
        : [
            ['--entrypoints', '.'],
            ['--profile', 'node16'],
          ];
    for (const args of runs) {
      const r = run(ROOT, process.execPath, [ATTW, tgzOf(name), '--format', 'ascii', ...args]);
      // a profile's ignored resolutions are still printed, marked "(ignored"
      const verdicts = (r.stdout + r.stderr).split('\n').filter((line) => !line.includes('(ignored'));
      expect(verdicts.join('\n'), args.join(' ')).not.toMatch(/❌|🐛|💀|🥴|⚠️/u);
      expect(r.status).toBe(0);
    }
  });
});
