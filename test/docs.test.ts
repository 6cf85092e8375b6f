// Documentation is part of the API: every public export carries TSDoc, every function, class and
// constant an @example, and the README's defaults table is checked against DEFAULTS.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '@onnx-mobilenet/core';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRIES = [
  'packages/core/src/index.ts',
  'packages/node/src/index.ts',
  'packages/web/src/index.ts',
  // the subpaths for adapter authors and tools are documented as well
  'packages/core/src/subpaths/adapter.ts',
  'packages/core/src/subpaths/preprocess.ts',
  'packages/core/src/subpaths/graph.ts',
  'packages/node/src/adapter.ts',
  'packages/web/src/adapter.ts',
  'packages/wasm/src/index.ts',
  'packages/cli/src/index.ts',
];

function exportsOf(entry: string): { name: string; kind: string; doc: string; tags: string[] }[] {
  const program = ts.createProgram([join(root, entry)], {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    customConditions: ['source'],
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts'],
    types: ['node'],
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(join(root, entry))!;
  const moduleSymbol = checker.getSymbolAtLocation(file)!;
  return checker.getExportsOfModule(moduleSymbol).map((s) => {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    const decl = target.declarations?.[0];
    const kind = decl ? ts.SyntaxKind[decl.kind] : 'unknown';
    return {
      name: s.getName(),
      kind,
      doc: ts.displayPartsToString(target.getDocumentationComment(checker)),
      tags: target.getJsDocTags(checker).map((t) => t.name),
    };
  });
}

describe('public API documentation', () => {
  for (const entry of ENTRIES) {
    it(`documents every export of ${entry}`, () => {
      const exported = exportsOf(entry);
      expect(exported.length).toBeGreaterThan(0);
      const undocumented = exported.filter((e) => e.doc.trim() === '').map((e) => `${e.name} (${e.kind})`);
      expect(undocumented).toEqual([]);
      const needExample = exported.filter((e) => /FunctionDeclaration|ClassDeclaration|VariableDeclaration/.test(e.kind));
      const missing = needExample.filter((e) => !e.tags.includes('example')).map((e) => e.name);
      expect(missing).toEqual([]);
    });
  }
});

describe('README', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');

  it('states the defaults that DEFAULTS holds', () => {
    const table = new Map<string, string>();
    for (const [, name = '', value = ''] of readme.matchAll(/^\| `([\w.]+)` \| `([^`]+)` \|/gm)) table.set(name, value);
    const expected: Record<string, unknown> = {
      model: DEFAULTS.model,
      topK: DEFAULTS.topK,
      batchSize: DEFAULTS.batchSize,
      precision: DEFAULTS.precision,
      'limits.maxInputPixels': DEFAULTS.limits.maxInputPixels,
      'limits.maxEncodedBytes': DEFAULTS.limits.maxEncodedBytes,
      'limits.maxModelBytes': DEFAULTS.limits.maxModelBytes,
      'limits.downloadTimeoutMs': DEFAULTS.limits.downloadTimeoutMs,
      'limits.maxImageDownloadMs': DEFAULTS.limits.maxImageDownloadMs,
      'limits.maxRedirects': DEFAULTS.limits.maxRedirects,
      'limits.maxResizedPixels': DEFAULTS.limits.maxResizedPixels,
      'limits.maxLabelBytes': DEFAULTS.limits.maxLabelBytes,
      'limits.maxLabelLines': DEFAULTS.limits.maxLabelLines,
      'limits.maxModelNodes': DEFAULTS.limits.maxModelNodes,
      'limits.maxSourceChars': DEFAULTS.limits.maxSourceChars,
      'limits.maxPendingBytes': DEFAULTS.limits.maxPendingBytes,
      'limits.maxLoopIterations': DEFAULTS.limits.maxLoopIterations,
      'limits.maxJpegScans': DEFAULTS.limits.maxJpegScans,
      'limits.decodeTimeoutMs': DEFAULTS.limits.decodeTimeoutMs,
      'preprocess.mode': DEFAULTS.preprocess.mode,
      'preprocess.resizeShorter': DEFAULTS.preprocess.resizeShorter,
      'preprocess.cropSize': DEFAULTS.preprocess.cropSize,
      'preprocess.mean': DEFAULTS.preprocess.mean,
      'preprocess.std': DEFAULTS.preprocess.std,
      maxThreads: DEFAULTS.maxThreads,
      maxBatchSize: DEFAULTS.maxBatchSize,
      maxPreprocessSize: DEFAULTS.maxPreprocessSize,
      graphOptimizationLevel: DEFAULTS.graphOptimizationLevel,
      webThreads: DEFAULTS.webThreads,
      webStartTimeoutMs: DEFAULTS.webStartTimeoutMs,
      maxInFlight: DEFAULTS.maxInFlight,
      maxConcurrentDecodes: DEFAULTS.maxConcurrentDecodes,
      classifyAllConcurrency: DEFAULTS.classifyAllConcurrency,
      'evaluate.batchSize': DEFAULTS.evaluate.batchSize,
      'evaluate.topK': DEFAULTS.evaluate.topK,
      'fewShot.k': DEFAULTS.fewShot.k,
    };
    // Every field of DEFAULTS (nested ones by their dotted name) has its row.
    const fields = Object.entries(DEFAULTS).flatMap(([k, v]) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v).map((n) => `${k}.${n}`) : [k],
    );
    expect(fields.filter((f) => !(f in expected))).toEqual([]);
    for (const [key, value] of Object.entries(expected)) {
      expect(table.get(key), `README default of ${key}`).toBe(typeof value === 'string' ? `'${value}'` : JSON.stringify(value).replace(/,/g, ', '));
    }
  });

  it('opens with the setup-and-run command and the test command', () => {
    const firstBlock = /```(?:sh|bash)\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toMatch(/pnpm install && pnpm classify /);
    expect(firstBlock).toMatch(/^pnpm test$/m);
  });
});
