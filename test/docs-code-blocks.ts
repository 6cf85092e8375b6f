// The fenced code blocks of the user docs (README.md, docs/guides/*.md, docs/site/*.md), read and
// checked per language by test/docs-code-blocks.test.ts. A block's checks can be steered by an HTML
// comment on the line before its fence (invisible on GitHub and on the site):
//   <!-- env: web -->            type-check it as a browser project sees the package (node, web, edge)
//   <!-- prelude: classifier --> prepend the named declarations of PRELUDES (a fragment's context)
// Both may share one comment: `<!-- env: web; prelude: classifier, file -->`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

export interface CodeBlock {
  /** `README.md:12`: where the fence opens. */
  where: string;
  lang: string;
  code: string;
  env?: string | undefined;
  preludes: string[];
}

/**
 * The markdown files whose blocks users copy: the README, each package's README (what npm shows),
 * the guides, the site's own pages and the contributor pages.
 */
export function docFiles(root: string): string[] {
  const inFolder = (dir: string) =>
    existsSync(join(root, dir))
      ? readdirSync(join(root, dir))
          .filter((f) => f.endsWith('.md'))
          .sort()
          .map((f) => `${dir}/${f}`)
      : [];
  const packageReadmes = readdirSync(join(root, 'packages'))
    .sort()
    .map((p) => `packages/${p}/README.md`)
    .filter((f) => existsSync(join(root, f)));
  return ['README.md', ...packageReadmes, ...inFolder('docs/guides'), ...inFolder('docs/site'), ...inFolder('docs/contributing')];
}

/** Every fenced block of a markdown text, with the directives of the comment just before it. */
export function codeBlocks(file: string, text: string): CodeBlock[] {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent = '', fence = '', lang = ''] = open;
    let end = i + 1;
    while (end < lines.length && !new RegExp(`^\\s*${fence}\\s*$`).test(lines[end] ?? '')) end++;
    // an unclosed fence would swallow the rest of the file, and every block in it, silently
    if (end === lines.length) throw new Error(`${file}:${i + 1}: the ${fence} fence is never closed`);
    let before = i - 1;
    while (before >= 0 && lines[before]?.trim() === '') before--;
    const comment = /^\s*<!--(.*)-->\s*$/.exec(lines[before] ?? '')?.[1] ?? '';
    const directive = (name: string) => new RegExp(`\\b${name}:\\s*([\\w-]+(?:\\s*,\\s*[\\w-]+)*)`).exec(comment)?.[1];
    blocks.push({
      where: `${file}:${i + 1}`,
      lang: lang.toLowerCase(),
      code: lines
        .slice(i + 1, end)
        .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
        .join('\n'),
      env: directive('env'),
      preludes: (directive('prelude') ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    });
    i = end;
  }
  return blocks;
}

/** Languages whose blocks are program output or listings, not type-checked here (```console CLI sessions are run by test/docs-console-blocks.test.ts). */
export const OUTPUT_LANGS = ['text', 'console'];
/** TypeScript and JavaScript blocks (each name one typedoc.json's highlightLanguages covers, or typedoc warns). */
export const TS_LANGS = ['ts', 'typescript', 'tsx', 'js', 'javascript', 'mjs'];

/**
 * Declarations a fragment may ask for by name: the variables its surrounding text has set up.
 * Each is typed from the package itself, so a renamed export or option still fails the block.
 */
export const PRELUDES: Record<string, string> = {
  classifier: "declare const classifier: Awaited<ReturnType<typeof import('onnx-mobilenet').createClassifier>>;",
  signal: 'declare const signal: AbortSignal;',
  file: 'declare const file: File;',
  worker: 'declare const worker: Worker;',
  photos: 'declare const photos: [file: string, label: string][];',
  source: "declare const source: Parameters<Awaited<ReturnType<typeof import('onnx-mobilenet').createClassifier>>['classifyStream']>[0];",
  walk: 'declare function walk(dir: string): AsyncIterable<string>;',
  connection: 'declare const connection: { host: string; port: number };',
  label: 'declare const label: HTMLElement;',
  draw: 'declare function draw(predictions: unknown, latencyMs: number, dropped: number): void;',
  inputs: 'declare const ripeInput: HTMLInputElement, unripeInput: HTMLInputElement, progress: HTMLProgressElement;',
};

/**
 * Declared for every block: what the platforms the guides target give an import of a model or
 * labels file (Bun's `with { type: 'file' }`: its path; wrangler and Next.js: the file's module).
 */
const AMBIENT = `declare module '*.onnx' { const file: string; export default file; }
declare module '*.txt' { const file: string; export default file; }
`;

/** How each environment resolves `onnx-mobilenet` and which globals it has. */
const ENVS: Record<string, { conditions: string[]; lib: string[]; types: string[] }> = {
  node: { conditions: ['source', 'node'], lib: ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts'], types: ['node'] },
  web: { conditions: ['source'], lib: ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'], types: [] },
  // Vercel Edge and Next.js edge routes (their projects have @types/node: process.env)
  edge: { conditions: ['source', 'edge-light'], lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: ['node'] },
  // Cloudflare Workers
  workerd: { conditions: ['source', 'workerd'], lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [] },
};
export const ENV_NAMES = Object.keys(ENVS);

/** The file a block is written to: its language's extension, its preludes first, and a module. */
export function blockSource(block: CodeBlock): { ext: string; text: string } {
  const js = ['js', 'javascript', 'mjs'].includes(block.lang);
  const ext = block.lang === 'tsx' ? '.tsx' : js ? '.mjs' : '.ts';
  const unknown = block.preludes.filter((p) => !(p in PRELUDES));
  if (unknown.length) throw new Error(`${block.where}: unknown prelude ${unknown.join(', ')} (known: ${Object.keys(PRELUDES).join(', ')})`);
  if (js && block.preludes.length) throw new Error(`${block.where}: preludes are TypeScript declarations; write the block as ts`);
  const prelude = block.preludes.map((p) => PRELUDES[p]).join('\n');
  // `export {}` makes every block a module (top-level await, no clashes between blocks)
  return { ext, text: `${prelude}${prelude ? '\n' : ''}${block.code}\nexport {};\n` };
}

/** Where the blocks' files seem to lie: inside the repository, so that node_modules resolves the workspace packages. */
export const blockDir = (root: string) => join(root, 'test', '.code-blocks');

/**
 * Type-checks sources (path under {@link blockDir} → text), which are never written: the compiler
 * is served them from memory, as one program of one environment. Returns the diagnostics, each as
 * `file:line: message`.
 */
export function typeCheck(root: string, sources: Map<string, string>, env: string): string[] {
  const e = ENVS[env];
  if (!e) throw new Error(`unknown env ${env} (known: ${ENV_NAMES.join(', ')})`);
  const reactTypes = join(root, 'examples/nextjs/node_modules/@types/react');
  const files = new Map(sources).set(join(blockDir(root), `ambient-${env}.d.ts`), AMBIENT);
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    customConditions: e.conditions,
    lib: e.lib,
    types: e.types,
    typeRoots: [join(root, 'node_modules/@types')],
    // what a fresh `tsc --init` (TypeScript 5.9) and tsconfig.base.json check: `best.label` of a
    // possibly empty array must be guarded, as users' projects will demand
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: true,
    allowJs: true,
    checkJs: true,
    noEmit: true,
    jsx: ts.JsxEmit.ReactJSX,
    esModuleInterop: true,
    // the package's `imports` name built files; the sources type them (as in tsconfig.base.json)
    paths: {
      '#single-binary': [join(root, 'packages/node/src/single-binary.ts')],
      react: [join(reactTypes, 'index.d.ts')],
      'react/jsx-runtime': [join(reactTypes, 'jsx-runtime.d.ts')],
      // not dependencies of the workspace root, so not in its node_modules (next.config blocks' types)
      '@onnx-mobilenet/cli': [join(root, 'packages/cli/src/index.ts')],
      next: [join(root, 'examples/nextjs/node_modules/next/index.d.ts')],
    },
  };
  const host = ts.createCompilerHost(options);
  const [readFile, getSourceFile, fileExists] = [host.readFile.bind(host), host.getSourceFile.bind(host), host.fileExists.bind(host)];
  host.fileExists = (f) => files.has(f) || fileExists(f);
  host.readFile = (f) => files.get(f) ?? readFile(f);
  host.getSourceFile = (f, lang, ...rest) => {
    const text = files.get(f);
    return text === undefined ? getSourceFile(f, lang, ...rest) : ts.createSourceFile(f, text, lang);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => !d.file || sources.has(d.file.fileName))
    .map((d) => {
      const at = d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
      return `${at}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

/** The text of a file, for callers that read docs. */
export const read = (root: string, file: string) => readFileSync(join(root, file), 'utf8');
