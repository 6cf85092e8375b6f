// examples/train-head-browser on the packed packages: its sources and Vite config copied into a
// fresh app outside the workspace that installs the packed `onnx-mobilenet` with npm, built with
// `vite build`, served cross-origin isolated and opened in Chromium. A folder of two class folders
// is picked, a module Worker embeds and trains; the report, the mine.onnx download and a photo
// labelled by the model made there must follow.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ASSETS_DIR } from '../assets-dir.mjs';
import { launchBrowser, serveStatic, type StaticServer } from '../browser/browser-env.mjs';
import { describeInBrowser } from '../browser/describe-in-browser.js';
import { writeClassFolders } from '../browser/train-classes.mjs';
import { installApp, REPO_ROOT, runBin } from './browser-install.js';

const photo = (file: string) => join(ASSETS_DIR, 'images', file);

describeInBrowser('examples/train-head-browser built from the packed packages', () => {
  let app: string;
  let folder: string;
  let server: StaticServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    // The example's own files only: not its workspace node_modules, not its screenshot
    const template = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-train-head-'));
    const example = join(REPO_ROOT, 'examples/train-head-browser');
    cpSync(example, template, { recursive: true, filter: (src) => !['node_modules', 'screenshot.png', 'package.json'].includes(basename(src)) });
    app = await installApp(template, { vite: '8.4.1' });
    rmSync(template, { recursive: true, force: true });
    runBin(app, 'vite', ['build', '--logLevel', 'warn']);
    folder = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-classes-'));
    // the photos of test/browser/example-train-head-browser.test.ts
    const animals = ['n01601694_water_ouzel', 'n01682714_American_chameleon', 'n01740131_night_snake', 'n01795545_black_grouse'];
    const things = ['n02669723_academic_gown', 'n02676566_acoustic_guitar', 'n02692877_airship', 'n02787622_banjo'];
    writeClassFolders(
      [...animals, ...things].map((name) => photo(`${name}.JPEG`)),
      folder,
    );
    server = await serveStatic(join(app, 'dist'), { isolate: true });
    browser = await launchBrowser();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    for (const dir of [app, folder]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('trains on a folder of class folders in a Worker, offers mine.onnx, and labels the tench with it', async () => {
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${server.origin}/index.html?model=/data/models/mobilenetv2-12-int8.onnx&labels=/data/models/synset.txt`);
    await page.waitForFunction(() => document.body.dataset.state, undefined, { timeout: 120_000 });
    expect(await page.evaluate(() => document.body.dataset.error)).toBeUndefined();
    await page.setInputFiles('#folder', folder);
    await page.click('#train');
    await page.waitForFunction(() => ['trained', 'error'].includes(document.body.dataset.state ?? ''), undefined, { timeout: 240_000 });
    expect(await page.evaluate(() => document.body.dataset.error)).toBeUndefined();
    expect(await page.locator('#confusion th').allTextContents()).toEqual(['true \\ predicted', 'animal', 'thing', 'animal', 'thing']);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    // an ONNX file: a protobuf whose class names are in its metadata
    const text = readFileSync((await download.path())!).toString('latin1');
    expect(text).toContain('["animal","thing"]');
    await page.setInputFiles('#try', photo('n01440764_tench.JPEG'));
    await page.waitForFunction(() => document.body.dataset.label);
    expect(await page.evaluate(() => document.body.dataset.label)).toBe('animal');
  });
});
