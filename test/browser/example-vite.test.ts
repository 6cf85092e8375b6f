// examples/browser-vite as a user sees it: built with its own Vite config, a photo picked, the
// top-5 shown; the screenshot is kept as a test artifact (test-results/browser-vite.png).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { photos } from '../assets.js';
import { augment } from '../augment.js';
import { buildExample, launchBrowser, serveStatic, type StaticServer } from './browser-env.mjs';
import { describeInBrowser } from './describe-in-browser.js';
import { assertFreshDist } from '../fresh-dist.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const example = join(root, 'examples/browser-vite');

describeInBrowser('examples/browser-vite', () => {
  let dist: string;
  let server: StaticServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    assertFreshDist('onnx-mobilenet'); // the example's own Vite config bundles the built packages
    dist = await buildExample(example);
    server = await serveStatic(dist);
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  it('shows download progress, then the top-5 of a picked photo with bars', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 900, height: 640 });
    await page.goto(`${server.origin}/index.html?model=/data/models/mobilenetv2-12-int8.onnx&labels=/data/models/synset.txt`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Ready'));
    expect(Number(await page.evaluate(() => document.body.dataset.downloaded))).toBe(3655033);
    const tench = photos().find((p) => p.name === 'tench')!;
    await page.setInputFiles('#file', tench.path);
    await page.waitForFunction(() => document.body.dataset.state === 'classified');
    const rows = await page.$$eval('#predictions li', (lis) => lis.map((li) => li.textContent ?? ''));
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatch(/^tench\s*\d+\.\d%$/);
    mkdirSync(join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-results/browser-vite.png') });
  });

  it('teaches two classes from uploaded examples and names the class of a new photo', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/index.html?model=/data/models/mobilenetv2-12-int8.onnx&labels=/data/models/synset.txt`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Ready'));
    const dir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-teach-'));
    /** The photo's two teaching views and its query view, written to files. */
    const views = async (name: string): Promise<[string, string, string]> => {
      const p = photos().find((q) => q.name === name);
      if (!p) throw new Error(`no photo named ${name}`);
      const bytes = readFileSync(p.path);
      const write = async (kind: 'shot1' | 'shot2' | 'query') => {
        const f = join(dir, `${p.name}-${kind}.jpg`);
        writeFileSync(f, await augment(bytes, kind));
        return f;
      };
      return [await write('shot1'), await write('shot2'), await write('query')];
    };
    const files = { tench: await views('tench'), zebra: await views('zebra') };
    for (const [i, name] of ['my fish', 'my stripes'].entries()) {
      await page.fill('#teach-label', name);
      await page.setInputFiles('#teach-files', files[i === 0 ? 'tench' : 'zebra'].slice(0, 2));
      await page.waitForFunction((n) => document.body.dataset.taught === String(n), i + 1);
    }
    expect(await page.$$eval('#taught li', (lis) => lis.map((l) => l.textContent))).toEqual(['my fish: 2 examples', 'my stripes: 2 examples']);
    await page.setInputFiles('#file', files.tench[2]);
    await page.waitForFunction(() => document.getElementById('custom-result')?.textContent?.startsWith('Your classes'));
    expect(await page.textContent('#custom-result')).toMatch(/^Your classes: my fish \(\d+%\)$/);
    await page.screenshot({ path: join(root, 'test-results/browser-vite-few-shot.png'), fullPage: true });
    rmSync(dir, { recursive: true, force: true });
  });
});
