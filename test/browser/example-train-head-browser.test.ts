// examples/train-head-browser as a user sees it: built with its own Vite config, served
// cross-origin isolated, a folder of class folders picked in the file dialog, Train clicked; the
// page must show the validation report, offer mine.onnx as a download, and label a new photo with
// it. The downloaded file is then loaded by Node's classifier: its classes from the file, the same
// label for that photo. The screenshot is kept as a test artifact (test-results/train-head-browser.png).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClassifier } from '@onnx-mobilenet/node';
import { photos } from '../assets.js';
import { assertFreshDist } from '../fresh-dist.js';
import { buildExample, launchBrowser, serveStatic, type StaticServer } from './browser-env.mjs';
import { describeInBrowser } from './describe-in-browser.js';
import { classOf, writeClassFolders } from './train-classes.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const example = join(root, 'examples/train-head-browser');

describeInBrowser('examples/train-head-browser', () => {
  let dist: string;
  let folder: string;
  let server: StaticServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  // four photos of each class to train on, and one more of neither set to try the model on
  const animals = photos().filter((p) => classOf(p.wnid) === 'animal');
  const things = photos().filter((p) => classOf(p.wnid) === 'thing');
  const training = [...animals.slice(1, 5), ...things.slice(0, 4)];
  const trial = animals[0]!;

  beforeAll(async () => {
    assertFreshDist('onnx-mobilenet'); // the example's own Vite config bundles the built packages
    dist = await buildExample(example);
    folder = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-classes-'));
    writeClassFolders(
      training.map((p) => p.path),
      join(folder, 'photos'),
    );
    // a photo in a subfolder of its class is still of that class; a hidden folder is no class
    const nested = basename(training[0]!.path);
    mkdirSync(join(folder, 'photos', 'animal', '2024'));
    renameSync(join(folder, 'photos', 'animal', nested), join(folder, 'photos', 'animal', '2024', nested));
    mkdirSync(join(folder, 'photos', '.thumbnails'));
    copyFileSync(trial.path, join(folder, 'photos', '.thumbnails', 'x.jpg'));
    server = await serveStatic(dist, { isolate: true });
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    for (const dir of [dist, folder]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('trains on a folder of class folders, reports, downloads mine.onnx, and labels a new photo as Node does', async () => {
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.setViewportSize({ width: 760, height: 1000 });
    await page.goto(`${server.origin}/index.html?model=/data/models/mobilenetv2-12-int8.onnx&labels=/data/models/synset.txt`);
    await page.waitForFunction(() => document.body.dataset.state, null, { timeout: 120_000 });
    expect(await page.evaluate(() => document.body.dataset.error)).toBeUndefined();
    // picked twice: the second pick replaces the first, no photo counted twice
    for (let pick = 0; pick < 2; pick++) {
      await page.setInputFiles('#folder', join(folder, 'photos'));
      expect(await page.locator('#classes li').allTextContents()).toEqual(['animal: 4 photos', 'thing: 4 photos']);
    }
    // how long the page's own thread goes without running a timer while the worker trains (printed, not asserted)
    await page.evaluate(() => {
      const w = window as unknown as { stall: number };
      w.stall = 0;
      let last = performance.now();
      setInterval(() => {
        w.stall = Math.max(w.stall, performance.now() - last);
        last = performance.now();
      }, 5);
    });
    await page.click('#train');
    await page.waitForFunction(() => ['trained', 'error'].includes(document.body.dataset.state ?? ''), null, { timeout: 240_000 });
    expect(await page.evaluate(() => document.body.dataset.error)).toBeUndefined();
    const stall = await page.evaluate(() => (window as unknown as { stall: number }).stall);
    console.log(`examples/train-head-browser: ${await page.textContent('#status')} The page's thread stalled up to ${stall.toFixed(0)} ms.`);
    expect(await page.textContent('#accuracy')).toMatch(
      /^Validation accuracy: \d+% of \d+ held-out photos \(trained on \d+ photos, \d+ views, \d+ epochs\)\.$/,
    );
    expect(await page.locator('#confusion tr').count()).toBe(3); // a header row, then one row per class
    expect(await page.locator('#confusion th').allTextContents()).toEqual(['true \\ predicted', 'animal', 'thing', 'animal', 'thing']);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(download.suggestedFilename()).toBe('mine.onnx');
    const bytes = new Uint8Array(readFileSync((await download.path())!));

    await page.setInputFiles('#try', trial.path);
    await page.waitForFunction(() => document.body.dataset.label);
    const pageLabel = await page.evaluate(() => document.body.dataset.label);
    mkdirSync(join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(root, 'test-results/train-head-browser.png'), fullPage: true });

    const node = await createClassifier({ model: bytes });
    try {
      expect(node.labels.map((l) => l.label)).toEqual(['animal', 'thing']);
      const [best] = await node.classify(trial.path, { topK: 1 });
      console.log(`examples/train-head-browser: ${trial.name} is "${pageLabel}" on the page, "${best!.label}" in Node (${bytes.byteLength} bytes downloaded)`);
      expect(best!.label).toBe(pageLabel);
      expect(pageLabel).toBe('animal');
    } finally {
      await node.dispose();
    }
  }, 300_000);
});
