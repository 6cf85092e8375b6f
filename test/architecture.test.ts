// docs/contributing/architecture.md is checked against the tree, so it cannot go stale unnoticed: every file
// it names exists, every package and every core folder has its row, and the arrows it promises
// hold (no cycle of runtime imports between files or between core's folders, core never imports
// an adapter, no source file over 300 lines).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const doc = readFileSync(join(root, 'docs/contributing/architecture.md'), 'utf8');
const MAX_LINES = 300;

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' || e.name === 'vendor' ? [] : walk(path);
    return [path];
  });
}

const packages = readdirSync(join(root, 'packages')).filter((p) => statSync(join(root, 'packages', p)).isDirectory());
const sourceFiles = packages.flatMap((p) => walk(join(root, 'packages', p, 'src'))).filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'));
const repoFiles = [
  ...sourceFiles,
  ...['test', 'bench', 'docs', 'examples', ...packages.map((p) => `packages/${p}/scripts`)].flatMap((d) => walk(join(root, d))),
].map((f) => relative(root, f));

/** Relative imports that exist at run time (`import type` and `export type` are erased). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(
    /^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/gm,
  )) {
    if (m[1]) continue;
    specs.push(m[2] ?? m[3]!);
  }
  return specs.map((s) => resolve(dirname(file), s).replace(/\.js$/, '.ts'));
}

/** The first cycle found in a graph, as its nodes, or undefined. */
function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('docs/contributing/architecture.md against the tree', () => {
  it('names only files that exist', () => {
    const named = [...doc.matchAll(/`([\w./@-]+\.(?:ts|mjs|md))`/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(40);
    const missing = [...new Set(named)].filter((name) => !repoFiles.some((f) => f === name || f.endsWith(`/${name}`)));
    expect(missing).toEqual([]);
  });

  it('has a row for every package', () => {
    const names = packages.map((p) => JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8')).name as string);
    expect(names.filter((n) => !doc.includes(`| \`${n}\``))).toEqual([]);
  });

  it("describes every folder of core's source", () => {
    const folders = readdirSync(join(root, 'packages/core/src'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.length).toBeGreaterThan(5);
    expect(folders.filter((f) => !doc.includes(`| \`${f}/\``))).toEqual([]);
  });

  it('keeps every source file, tests included, within 300 lines', () => {
    const long = sourceFiles.map((f) => [relative(root, f), readFileSync(f, 'utf8').split('\n').length - 1] as const).filter(([, n]) => n > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('has no cycle of runtime imports between files', () => {
    const graph = new Map(sourceFiles.filter((f) => !f.endsWith('.test.ts')).map((f) => [f, new Set(runtimeImports(f))]));
    expect(findCycle(graph)?.map((f) => relative(root, f))).toBeUndefined();
  });

  it("points core's folders one way: no cycle between them, and nothing above core", () => {
    const coreSrc = join(root, 'packages/core/src');
    const folderOf = (f: string) => relative(coreSrc, f).split('/').slice(0, -1)[0] ?? '.';
    const graph = new Map<string, Set<string>>();
    const upward: string[] = [];
    for (const f of sourceFiles.filter((f) => f.startsWith(coreSrc) && !f.endsWith('.test.ts'))) {
      const text = readFileSync(f, 'utf8');
      if (/from\s+['"](@onnx-mobilenet\/(?!core)|node:)/.test(text)) upward.push(relative(root, f));
      const from = folderOf(f);
      // The entries re-export every folder; they are the top, not a folder among the others.
      if (from === '.' || from === 'subpaths') continue;
      for (const target of runtimeImports(f)) {
        const to = folderOf(target);
        if (to !== from) graph.set(from, (graph.get(from) ?? new Set()).add(to));
      }
    }
    expect(upward).toEqual([]);
    expect(findCycle(graph)).toBeUndefined();
  });
});
