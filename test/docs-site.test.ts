// The documentation site as a new user sees it: built as `pnpm run docs:build` builds it (typedoc,
// typedoc.json, warnings are errors) into a temp folder, served on 127.0.0.1 and opened in headless
// Debian Chromium. The landing page's first screen (1280×800) must show the install command, both
// quick starts and the chooser, whose links lead to the guides they name; a guide shows its title,
// its code and a sidebar of Guides, API reference (modules under the names users import) and
// Contributing. Full-page screenshots are kept as artefacts in test-results/docs-site/. The two
// quick starts are also type-checked, as Node and browser projects see them.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchBrowser, serveStatic, type StaticServer } from './browser/browser-env.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shots = join(root, 'test-results/docs-site');
const VIEWPORT = { width: 1280, height: 800 };
const landing = readFileSync(join(root, 'docs/site/index.md'), 'utf8');

/** The `title:` of a markdown file's front matter. */
const titleOf = (file: string) => /^---\n[\s\S]*?^title:\s*(.+)$/m.exec(readFileSync(join(root, file), 'utf8'))?.[1]?.trim();

/** The landing page's chooser: each link's text and the guide it names, from docs/site/index.md. */
const chooser = [...(/<div class="site-chooser">([\s\S]*?)<\/div>/.exec(landing)?.[1] ?? '').matchAll(/^- \[(.+?)\]\(\.\.\/(guides\/[\w-]+\.md)\)$/gm)].map(
  ([, text = '', file = '']) => ({ text, file: `docs/${file}`, title: titleOf(`docs/${file}`) }),
);

/** Every import specifier the packages' `exports` maps offer (not package.json, not data files). */
const specifiers = readdirSync(join(root, 'packages')).flatMap((dir) => {
  const pkg = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as { name: string; private?: boolean; exports?: object };
  if (pkg.private) return [];
  return Object.keys(pkg.exports ?? {})
    .filter((key) => !key.endsWith('package.json') && !key.includes('*'))
    .map((key) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`));
});

/**
 * What keeps the element matched by `selector` (the `index`-th) from being wholly on the first
 * screen and uncovered, with by how much it overflows ('' when it is there): a font with wider
 * glyphs pushes the chooser down, and the message says so.
 */
async function offFirstScreen(page: Page, selector: string, index = 0): Promise<string> {
  return page.evaluate(
    ([sel, i]) => {
      const el = document.querySelectorAll(sel)[i as number];
      if (!el) return `no element ${sel} #${i}`;
      const r = el.getBoundingClientRect();
      const what = `${sel} #${i} "${el.textContent?.trim().slice(0, 40)}"`;
      if (r.width === 0 || r.height === 0) return `${what} is not displayed`;
      if (r.top < 0 || r.left < 0) return `${what} starts above or left of the screen (top ${r.top}, left ${r.left})`;
      if (r.bottom > innerHeight) return `${what} overflows the ${innerHeight} px screen by ${Math.ceil(r.bottom - innerHeight)} px (bottom ${r.bottom})`;
      if (r.right > innerWidth) return `${what} overflows the ${innerWidth} px width by ${Math.ceil(r.right - innerWidth)} px`;
      const top = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(r.height / 2, 10));
      return top !== null && (el === top || el.contains(top)) ? '' : `${what} is covered by <${top?.tagName.toLowerCase()} class="${top?.className}">`;
    },
    [selector, index] as const,
  );
}

/**
 * Waits until typedoc's script has shown the page: its layout hides the body until `app.showPage()`
 * (which can run after `load`) and builds the sidebar; measured only once the web fonts are in.
 */
async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.body.style.display && document.querySelector('#tsd-nav-container > li'));
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
}

/** The sidebar, once typedoc's script has built it: each top-level group and the pages under it. */
async function sidebar(page: Page): Promise<{ group: string; entries: { text: string; href: string }[] }[]> {
  await page.waitForSelector('#tsd-nav-container > li > details');
  return page.$$eval('#tsd-nav-container > li > details', (groups) =>
    groups.map((d) => ({
      group: d.querySelector(':scope > summary')?.textContent?.trim() ?? '',
      entries: [...d.querySelectorAll(':scope > div > ul > li')].map((li) => {
        const a = li.querySelector(':scope > a, :scope > details > summary > a');
        return { text: a?.textContent?.trim() ?? '', href: a?.getAttribute('href') ?? '' };
      }),
    })),
  );
}

describe('the landing page’s quick starts', () => {
  // Type-checked as a user's project sees them: the Node one with the type tests' Node settings
  // (the `node` condition, no DOM), the browser one with their browser settings (the DOM lib).
  const quickStarts = [...landing.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const [node, web] = quickStarts;
  for (const [name, code, tsconfig] of [
    ['Node.js', node, 'test/types/tsconfig.node.json'],
    ['browser', web, 'test/types/tsconfig.web.json'],
  ] as const) {
    it(`compiles the ${name} quick start`, () => {
      // an empty or missing block would compile cleanly: there are two, each with the package's import
      expect(quickStarts).toHaveLength(2);
      expect(code?.trim(), `the ${name} quick start`).toMatch(/from 'onnx-mobilenet'[\s\S]*\S/);
      const file = join(root, `test/landing-${name}.ts`); // never written: served to the compiler from memory
      const config = ts.getParsedCommandLineOfConfigFile(join(root, tsconfig), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
      const host = ts.createCompilerHost(config!.options);
      const readFile = host.readFile.bind(host);
      const getSourceFile = host.getSourceFile.bind(host);
      host.fileExists = (f) => f === file || ts.sys.fileExists(f);
      host.readFile = (f) => (f === file ? code : readFile(f));
      host.getSourceFile = (f, lang) => (f === file ? ts.createSourceFile(f, code ?? '', lang) : getSourceFile(f, lang));
      const program = ts.createProgram([file], config!.options, host);
      const errors = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      expect(errors).toEqual([]);
    });
  }
});

describe('the site’s pages', () => {
  it('lists every guide and contributor page in typedoc.json’s projectDocuments, and no other file', () => {
    // the sidebar test compares against projectDocuments: a guide left out of it would be missed there
    const projectDocuments: string[] = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')).projectDocuments;
    const pages = ['docs/guides', 'docs/contributing'].flatMap((dir) =>
      readdirSync(join(root, dir))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `${dir}/${f}`),
    );
    expect(pages.length).toBeGreaterThan(15);
    expect([...projectDocuments].sort()).toEqual(pages.sort());
  });
});

const browserReason = existsSync(CHROMIUM) ? '' : `no browser at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
if (browserReason && process.env.CI === 'true') throw new Error(`CI=true and ${browserReason}`);
const describeWithBrowser = browserReason ? describe.skip : describe;

describeWithBrowser(`the documentation site${browserReason ? ` [skipped: ${browserReason}]` : ''}`, () => {
  let out: string;
  let server: StaticServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-docs-site-'));
    // as `pnpm run docs:build` runs it, into the temp folder; a warning fails the build
    // killed with the hook, not left running after it: the hook's own timeout would orphan it
    await promisify(execFile)(process.execPath, [join(root, 'node_modules/typedoc/bin/typedoc'), '--out', out], { cwd: root, timeout: 590_000 });
    server = await serveStatic(out);
    browser = await launchBrowser();
    mkdirSync(shots, { recursive: true });
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  /** A fresh page at the first-screen size, opened at `path` of the site. */
  async function open(path: string): Promise<Page> {
    const page = await browser.context.newPage();
    await page.setViewportSize(VIEWPORT);
    const response = await page.goto(`${server.origin}/${path}`);
    expect(response?.status(), path).toBe(200);
    await settle(page);
    return page;
  }

  /** Saves a full-page screenshot as an artefact of the run and prints its path. */
  async function keep(page: Page, name: string): Promise<void> {
    const path = join(shots, name);
    await page.screenshot({ path, fullPage: true });
    console.log(`docs-site screenshot: ${path}`);
  }

  // opens the landing page and each of its 18 links: generous, for a busy machine
  it('shows install, both quick starts and the chooser on the landing page’s first screen', { timeout: 180_000 }, async () => {
    const page = await open('index.html');
    // the name heads the page once (the README used to repeat it under typedoc's title)
    const headings = await page.$$eval('h1, h2, h3, h4, h5, h6', (hs) => hs.map((h) => h.textContent?.trim()));
    expect(headings.filter((h) => h === 'onnx-mobilenet')).toHaveLength(1);

    // the highlighter ends lines with <br>, which textContent drops: read a copy with newlines
    const blocks = await page.$$eval('.tsd-panel pre', (pres) =>
      pres.map((p) => {
        const copy = p.querySelector('code')?.cloneNode(true) as Element | undefined;
        for (const br of copy?.querySelectorAll('br') ?? []) br.replaceWith('\n');
        return copy?.textContent ?? '';
      }),
    );
    const install = blocks.findIndex((b) => b.trim() === 'npm install onnx-mobilenet');
    expect(install, 'a code block with just `npm install onnx-mobilenet`').toBeGreaterThanOrEqual(0);
    expect(await offFirstScreen(page, '.tsd-panel pre', install)).toBe('');

    // the two quick starts, as docs/site/index.md writes them, both on the first screen
    const quickStarts = [...landing.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    expect(quickStarts).toHaveLength(2);
    for (const code of quickStarts) {
      expect(code).toContain("from 'onnx-mobilenet'");
      expect(code.split('\n').length).toBeLessThanOrEqual(5);
      const index = blocks.findIndex((b) => b.trim() === code);
      expect(index, code).toBeGreaterThanOrEqual(0);
      expect(await offFirstScreen(page, '.tsd-panel pre', index), code).toBe('');
    }
    expect(quickStarts.some((c) => /Node\.js/.test(c))).toBe(true);
    expect(quickStarts.some((c) => /Browser/.test(c))).toBe(true);

    // the chooser: the eight choices of the issue, each on the first screen
    expect(chooser.map((c) => c.text)).toEqual([
      'in a Node server',
      'in a browser page',
      'in a Web Worker',
      'in Next.js',
      'at the edge',
      'from a camera',
      'into my own classes',
      'a million photos',
    ]);
    const links = await page.$$eval('.site-chooser a', (as) => as.map((a) => ({ text: a.textContent?.trim(), href: a.getAttribute('href') })));
    expect(links.map((l) => l.text)).toEqual(chooser.map((c) => c.text));
    for (let i = 0; i < links.length; i++) expect(await offFirstScreen(page, '.site-chooser a', i), links[i]!.text).toBe('');
    await keep(page, 'landing.png');

    // each choice opens the built page of the guide it names (its front matter's title)
    for (const [i, { href }] of links.entries()) {
      const { file, title } = chooser[i]!;
      expect(title, `${file} has a title`).toBeTruthy();
      const guide = await open(href ?? '');
      expect(await guide.title(), `${links[i]!.text} → ${file}`).toBe(`${title} | onnx-mobilenet`);
      expect((await guide.$$('.tsd-panel h1')).length, file).toBe(1);
      await guide.close();
    }
    // and the further links (Deploy … API reference) lead to built pages
    const more = await page.$$eval('.site-more a', (as) => as.map((a) => [a.textContent?.trim() ?? '', a.getAttribute('href') ?? ''] as const));
    expect(more.map(([text]) => text)).toEqual([
      'Deploy',
      'Bundlers',
      'Errors and limits',
      'Security',
      'Performance',
      'Accuracy',
      'Embeddings and similarity',
      'Command line',
      'API reference',
    ]);
    for (const [text, href] of more) {
      const target = await open(href);
      expect(await target.title(), text).toMatch(text === 'API reference' ? /^onnx-mobilenet \| onnx-mobilenet$/ : new RegExp(`^${text} \\| `));
      await target.close();
    }
    await page.close();
  });

  it('opens a guide with its title, its code, and the sidebar of guides, API modules and contributing pages', { timeout: 120_000 }, async () => {
    const page = await open('index.html');
    await Promise.all([page.waitForURL('**/documents/*.html'), page.click('.site-chooser a >> text=in a Node server')]);
    await settle(page);
    expect(await page.title()).toBe(`${titleOf('docs/guides/node.md')} | onnx-mobilenet`);
    expect((await page.textContent('.tsd-panel h1'))?.trim()).toBeTruthy();
    expect(await offFirstScreen(page, '.tsd-panel h1')).toBe('');
    await page.locator('.tsd-panel pre').first().scrollIntoViewIfNeeded();
    expect(await offFirstScreen(page, '.tsd-panel pre')).toBe('');
    expect(await page.textContent('.tsd-panel pre code')).toMatch(/\S/);
    await page.evaluate(() => scrollTo(0, 0));

    const nav = await sidebar(page);
    expect(nav.map((g) => g.group)).toEqual(['Guides', 'API reference', 'Contributing']);
    const [guides, api, contributing] = nav.map((g) => g.entries.map((e) => e.text)) as [string[], string[], string[]];
    // the user guides, capitalised, and no contributor page among them
    const projectDocuments: string[] = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')).projectDocuments;
    expect(guides).toEqual(projectDocuments.filter((f) => f.startsWith('docs/guides/')).map(titleOf));
    expect(guides.filter((t) => !/^[A-Z]/.test(t))).toEqual([]);
    expect(contributing).toEqual(['Development', 'Test data', 'Architecture']);
    expect(await page.isVisible('#tsd-nav-container a.current >> text=Node.js')).toBe(true);

    // API modules are named as users import them: only specifiers the exports maps offer, the
    // main ones among them, and none of them a source path
    expect(api.filter((name) => name.includes('/src/') || !specifiers.includes(name))).toEqual([]);
    expect(api).toEqual(expect.arrayContaining(['onnx-mobilenet', 'onnx-mobilenet/accelerated', 'onnx-mobilenet/wasm', '@onnx-mobilenet/web']));
    expect(new Set(api).size).toBe(api.length);
    // every other public specifier is named on a module page as the same entry under another name
    const pages = nav[1]!.entries.map(({ href }) => readFileSync(join(out, 'documents', href), 'utf8'));
    expect(specifiers.filter((s) => !api.includes(s) && !pages.some((html) => html.includes(`<code>${s}</code>`)))).toEqual([]);
    await keep(page, 'guide-node.png');
    await page.close();
  });
});
