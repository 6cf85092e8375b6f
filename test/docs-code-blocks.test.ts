// Every fenced code block of the docs (README.md, packages/*/README.md, docs/guides/*.md,
// docs/site/*.md, docs/contributing/*.md) is checked for what its language allows, or is marked as
// output: ts/tsx/js blocks are type-checked against the workspace packages (one in-memory program
// per environment, all blocks at once, nothing written), CLI lines in sh blocks
// against the CLI's own help, `pnpm` lines against package.json's scripts, json parsed, Dockerfiles
// read instruction by instruction, Python parsed. A block without a language, or in a language no
// check covers, fails. Each checker is also shown a broken block, so none passes vacuously.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliSpec, checkCliArgs, checkPnpm, cliArgs, cliSpec, shellCommands } from './docs-code-blocks-shell.js';
import { type CodeBlock, ENV_NAMES, OUTPUT_LANGS, TS_LANGS, blockDir, blockSource, codeBlocks, docFiles, read, typeCheck } from './docs-code-blocks.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const blocks = docFiles(root).flatMap((f) => codeBlocks(f, read(root, f)));
const scripts = (JSON.parse(read(root, 'package.json')) as { scripts: Record<string, string> }).scripts;

const SHELL_LANGS = ['sh', 'bash', 'shell'];
const JSON_LANGS = ['json', 'jsonc'];
const DOCKER_LANGS = ['dockerfile', 'docker'];
const CHECKED = [...TS_LANGS, ...SHELL_LANGS, ...JSON_LANGS, ...DOCKER_LANGS, 'python'];

/** Guides whose code runs in a page or a Worker unless a block says otherwise (`<!-- env: … -->`). */
const WEB_GUIDES = ['docs/guides/browser.md', 'docs/guides/worker.md', 'docs/guides/bundlers.md', 'packages/web/README.md'];
const envOf = (b: CodeBlock) => b.env ?? (WEB_GUIDES.some((g) => b.where.startsWith(`${g}:`)) ? 'web' : 'node');

/** Problems of a block in a language checked here without a compiler. */
function checkOther(b: CodeBlock, spec: CliSpec): string[] {
  if (SHELL_LANGS.includes(b.lang))
    return shellCommands(b.code).flatMap((c) => {
      const args = cliArgs(c);
      return args ? checkCliArgs(args, spec) : checkPnpm(c, scripts);
    });
  if (JSON_LANGS.includes(b.lang)) {
    try {
      JSON.parse(b.lang === 'jsonc' ? b.code.replace(/^\s*\/\/.*$/gm, '') : b.code);
      return [];
    } catch (err) {
      return [`json: ${(err as Error).message}`];
    }
  }
  if (DOCKER_LANGS.includes(b.lang)) {
    const INSTRUCTIONS = /^(FROM|RUN|CMD|LABEL|EXPOSE|ENV|ADD|COPY|ENTRYPOINT|VOLUME|USER|WORKDIR|ARG|ONBUILD|STOPSIGNAL|HEALTHCHECK|SHELL)\s/i;
    const lines = b.code.replace(/\\\n(\s*#.*\n)*/g, ' ').split('\n');
    const bad = lines.filter((l) => l.trim() && !l.trim().startsWith('#') && !INSTRUCTIONS.test(l.trim()));
    return [...bad.map((l) => `not a Dockerfile instruction: ${l}`), ...(lines.some((l) => /^FROM\s/i.test(l.trim())) ? [] : ['no FROM'])];
  }
  if (b.lang === 'python') {
    const r = spawnSync('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: b.code, encoding: 'utf8' });
    if (r.error) return [`python3 is needed to parse Python blocks: ${r.error.message}`];
    return r.status === 0 ? [] : [`python: ${r.stderr.trim().split('\n').at(-1)}`];
  }
  return [];
}

describe('code blocks of the docs', () => {
  let spec: CliSpec;
  beforeAll(async () => {
    spec = await cliSpec();
  });

  it('finds the blocks of the READMEs, the guides and the contributor pages', () => {
    expect(blocks.filter((b) => b.where.startsWith('README.md:')).length).toBeGreaterThan(5);
    expect(blocks.filter((b) => b.where.startsWith('docs/guides/')).length).toBeGreaterThan(50);
    expect(new Set(blocks.filter((b) => TS_LANGS.includes(b.lang) && b.where.startsWith('packages/')).map((b) => b.where.split('/')[1]))).toEqual(
      new Set(['cli', 'node', 'onnx-mobilenet', 'queue', 'wasm', 'web']),
    );
    expect(blocks.filter((b) => b.where.startsWith('docs/contributing/')).length).toBeGreaterThan(3);
  });

  it('gives every block a language that is checked, or marks it as output', () => {
    const unmarked = blocks.filter((b) => ![...CHECKED, ...OUTPUT_LANGS].includes(b.lang)).map((b) => `${b.where} [${b.lang || 'no language'}]`);
    expect(unmarked, `label each as ${[...CHECKED, ...OUTPUT_LANGS].join('/')}`).toEqual([]);
    expect(blocks.filter((b) => b.env && !ENV_NAMES.includes(b.env)).map((b) => b.where)).toEqual([]);
  });

  it('type-checks every TypeScript and JavaScript block against the workspace packages', { timeout: 600_000 }, () => {
    const code = blocks.filter((b) => TS_LANGS.includes(b.lang));
    expect(code.length).toBeGreaterThan(30);
    // a deliberately broken block rides along in each environment: a misspelt option must fail, and
    // so must an unguarded first result (noUncheckedIndexedAccess, as `tsc --init` sets it)
    const broken: CodeBlock = {
      where: 'broken',
      lang: 'ts',
      preludes: [],
      code: "import { createClassifier } from 'onnx-mobilenet';\nconst c = await createClassifier({ modle: 'mobilenetv2-7' });\nconst [best] = await c.classify(new Uint8Array());\nbest.label;",
    };
    const where = new Map<string, string>();
    const errors: string[] = [];
    for (const env of ENV_NAMES) {
      const mine = code.filter((b) => envOf(b) === env);
      if (!mine.length) continue;
      const sources = new Map<string, string>();
      for (const [i, b] of [...mine, broken].entries()) {
        const { ext, text } = blockSource(b);
        const file = join(blockDir(root), `${env}-${i}${ext}`); // never written: served from memory
        sources.set(file, text);
        where.set(file, b.where);
      }
      const diagnostics = typeCheck(root, sources, env);
      const brokenFile = [...sources.keys()].at(-1)!;
      const brokenErrors = diagnostics.filter((d) => d.startsWith(`${brokenFile}:`)).join('\n');
      expect(brokenErrors, `the broken block fails in ${env}`).toMatch(/modle/);
      expect(brokenErrors, `the broken block fails in ${env}`).toMatch(/:4: 'best' is possibly 'undefined'/);
      for (const d of diagnostics.filter((x) => !x.startsWith(`${brokenFile}:`))) {
        const [file = '', line = '', ...rest] = d.split(':');
        errors.push(
          `${where.get(file) ?? file} (${env}, block line ${Number(line) - (code.find((b) => b.where === where.get(file))?.preludes.length ?? 0)}):${rest.join(':')}`,
        );
      }
    }
    expect(errors).toEqual([]);
  });

  it('runs only commands and options the CLI has, scripts package.json has; parses json, Dockerfiles and Python', () => {
    const cliLines = blocks.filter((b) => SHELL_LANGS.includes(b.lang)).flatMap((b) => shellCommands(b.code).filter((c) => cliArgs(c)));
    expect(cliLines.length).toBeGreaterThan(15);
    const problems = blocks.flatMap((b) => checkOther(b, spec).map((p) => `${b.where}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('fails on broken blocks of each kind', { timeout: 300_000 }, () => {
    const broken = (lang: string, code: string) => checkOther({ where: 'broken', lang, code, preludes: [] }, spec);
    expect(broken('sh', 'npx onnx-mobilenet classify photo.jpg --modle x')).toEqual(['unknown option --modle for classify']);
    expect(broken('sh', 'onnx-mobilenet clasify photo.jpg')[0]).toMatch(/unknown command "clasify"/);
    expect(broken('sh', 'ONNX_MOBILENET_CACHE=/tmp npx onnx-mobilenet eval dir \\\n  --top 3')).toEqual(['unknown option --top for eval']);
    expect(broken('sh', 'cd x && pnpm classifyy photos')).toEqual(['pnpm classifyy: no such script in package.json']);
    expect(broken('sh', 'npx onnx-mobilenet classify a.jpg # --modle in a comment is not run')).toEqual([]);
    expect(broken('json', '{ "a": 1, }')[0]).toMatch(/^json: /);
    expect(broken('dockerfile', 'FROM node:22-slim\nRUN npm ci \\\n  --omit=dev\nCOPYY . .')).toEqual(['not a Dockerfile instruction: COPYY . .']);
    expect(broken('python', 'def f(:\n  pass')[0]).toMatch(/^python: /);
    expect(codeBlocks('x.md', 'text\n\n```\nplain\n```\n')[0]?.lang).toBe('');
    expect(() => codeBlocks('x.md', 'text\n\n```ts\nconst a = 1;\n\nmore text\n')).toThrow('x.md:3: the ``` fence is never closed');
    // config files written in JS are typed by their JSDoc, so a misspelt key fails
    const config = (file: string, type: string, body: string): [string, string] => [
      join(blockDir(root), file),
      `/** @type {import(${type}} */\nconst config = ${body};\nexport default config;\n`,
    ];
    const configs = new Map([
      config('next.config.mjs', "'next').NextConfig", "{ outptu: 'standalone' }"),
      config('webpack.config.mjs', "'webpack').Configuration", "{ mode: 'production', entyr: './main.js' }"),
    ]);
    expect(typeCheck(root, configs, 'node').map((d) => d.replace(/^.*\//, ''))).toEqual([
      expect.stringMatching(/^next\.config\.mjs:2: .*'outptu' does not exist in type 'NextConfig'/),
      expect.stringMatching(/^webpack\.config\.mjs:2: .*'entyr' does not exist in type 'Configuration'/),
    ]);
  });
});
