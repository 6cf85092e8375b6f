// Documentation is part of the API: every public export carries TSDoc, every function, class and
// constant an @example, and the defaults tables (the README's Options and defaults, the limits in the
// Errors and limits guide) are checked against DEFAULTS, the guide's warnings table against
// WARNING_CODES and the codes the sources emit.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '@onnx-mobilenet/core';
import { ADAPTER_OPTION_KINDS, WARNING_CODES } from '@onnx-mobilenet/core/adapter';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// The entries the API reference documents (typedoc.json, one per public import specifier), and the
// package entries that are the same exports under another name (@onnx-mobilenet/core, /node, /wasm).
const SITE_ENTRIES: string[] = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')).entryPoints;
const ENTRIES = [...SITE_ENTRIES, 'packages/core/src/index.ts', 'packages/node/src/index.ts', 'packages/wasm/src/index.ts'];

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

describe('README and the Errors and limits guide', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const errorsGuide = readFileSync(join(root, 'docs/guides/errors.md'), 'utf8');

  it('states the defaults that DEFAULTS holds', () => {
    // the README has the options, the guide the limits: each row is stated once, in one of them
    const table = new Map<string, string>();
    const duplicated: string[] = [];
    for (const text of [readme, errorsGuide])
      for (const [, name = '', value = ''] of text.matchAll(/^\| `([\w.]+)` \| `([^`]+)` \|/gm)) {
        if (table.has(name)) duplicated.push(name);
        table.set(name, value);
      }
    expect(duplicated).toEqual([]);
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
      liveSmoothing: DEFAULTS.liveSmoothing,
      'evaluate.batchSize': DEFAULTS.evaluate.batchSize,
      'evaluate.topK': DEFAULTS.evaluate.topK,
      'fewShot.k': DEFAULTS.fewShot.k,
      'train.epochs': DEFAULTS.train.epochs,
      'train.learningRate': DEFAULTS.train.learningRate,
      'train.batchSize': DEFAULTS.train.batchSize,
      'train.l2': DEFAULTS.train.l2,
      'train.validationSplit': DEFAULTS.train.validationSplit,
      'train.patience': DEFAULTS.train.patience,
      'train.classWeights': DEFAULTS.train.classWeights,
      'train.seed': DEFAULTS.train.seed,
      'train.flip': DEFAULTS.train.flip,
      'train.crops': DEFAULTS.train.crops,
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

  /** The text of the section under `## title` of a markdown text (the README unless given). */
  const section = (title: string, text = readme) => {
    const start = text.indexOf(`\n## ${title}\n`);
    expect(start, title).toBeGreaterThan(0);
    const end = text.indexOf('\n## ', start + 4);
    return text.slice(start, end < 0 ? undefined : end);
  };

  it('lists exactly the warning codes of WARNING_CODES, in order', () => {
    const listed = [...section('Warnings', errorsGuide).matchAll(/^\| `(ONNX_MOBILENET_\w+)` \|/gm)].map((m) => m[1]);
    expect(listed).toEqual([...WARNING_CODES]);
  });

  it('names every option the adapters read, the platform ones in their table', () => {
    const options = section('Options and defaults');
    const kinds = Object.keys(ADAPTER_OPTION_KINDS);
    expect(kinds.filter((k) => !new RegExp(`\`${k}[\`.]`).test(options))).toEqual([]);
    const rows = [...options.matchAll(/^\| `(\w+)` \| (?:used|ignored|n\/a) \|/gm)].map((m) => m[1]!);
    expect(rows).toEqual(['cacheDir', 'cacheName', 'wasmPaths', 'imageRoots', 'wasmModules']);
    expect(rows.filter((r) => !kinds.includes(r))).toEqual([]);
  });

  it('opens with npm install and a first classification, then the two commands of a fresh clone', () => {
    const shBlocks = [...readme.matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    expect(shBlocks[0]).toMatch(/^npm install onnx-mobilenet$/m);
    expect(shBlocks[0]).toMatch(/^npx onnx-mobilenet classify \S+$/m);
    // the first TypeScript block needs no data folder: the registry's default model
    const firstTs = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstTs).toMatch(/createClassifier\(\)/);
    expect(firstTs).not.toMatch(/\.\.\/shared/);
    // the contributor block, word for word as a fresh clone runs it
    const clone = shBlocks.find((b) => b.includes('pnpm install &&'));
    expect(clone).toBe(
      'pnpm install && pnpm classify ../shared/images --model ../shared/models/mobilenetv2-12-int8.onnx --labels ../shared/models/synset.txt\npnpm test\n',
    );
    // …right after the first classification: in the first section
    const sections = [...readme.matchAll(/^## (.*)$/gm)];
    expect(sections[0]?.[1]).toMatch(/^Working on this repository/);
    expect(readme.indexOf(clone ?? '')).toBeLessThan(sections[1]?.index ?? 0);
  });
});

describe('warning codes', () => {
  /** Every source file of the packages (tests and the list itself aside). */
  const sources = readdirSync(join(root, 'packages'), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\/src\/.*\.ts$/.test(f) && !f.endsWith('.test.ts') && !f.endsWith('errors/warnings.ts') && !f.includes('node_modules'))
    .map((f) => readFileSync(join(root, 'packages', f), 'utf8'));

  it('every code a source emits is in WARNING_CODES, and every code there is emitted somewhere', () => {
    // the code argument of warn(message, code), or the code of process.emitWarning(message, { code })
    const emitted = new Set(
      sources.flatMap((text) =>
        [...text.matchAll(/'(ONNX_MOBILENET_\w+)'(?:,?\s*\)| satisfies WarningCode)|code: '(ONNX_MOBILENET_\w+)'/g)].map((m) => m[1] ?? m[2]),
      ),
    );
    expect([...emitted].sort()).toEqual([...WARNING_CODES].sort());
  });
});
