// pnpm bench:web-train: training time for 100 photos in headless Chromium, with the int8 model and
// the wasm threads a cross-origin-isolated page gets by default. The 100 photos are the assets' 53
// photos and their mirror images (augment: { flip: true }: 106 views), in two classes (animals and
// the rest, test/browser/train-classes.mjs); a fifth of the photos are held out to validate, as by
// default. Embedding (decode, resize, the model's session runs) and fitting the head are timed
// apart, as is the longest the page's main thread went unresponsive during each. Photos are
// handed over as File, Blob, <img> and ImageBitmap in turn (test/browser/train-harness), and the
// page embeds them on its own thread. Then examples/train-head-browser, which trains in a Web
// Worker, picks the same 53 photos as a folder of class folders with its defaults (flips and 2
// crops: 318 views); its status line gives the embedding and fitting seconds.
// BENCH_TRAIN_ROUNDS=2
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASSETS_DIR } from '../test/assets-dir.mjs';
import { buildExample, buildPage, launchBrowser, serveStatic } from '../test/browser/browser-env.mjs';
import { classOf, writeClassFolders } from '../test/browser/train-classes.mjs';
import { machineFacts } from './lib/machine.mjs';
import { summarize, writeResults } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.env.BENCH_TRAIN_ROUNDS ?? 2);
// the labelled photos, <wnid>_<name>.JPEG
const photos = readdirSync(join(ASSETS_DIR, 'images'))
  .filter((f) => /^n\d{8}_.+\.jpe?g$/i.test(f))
  .sort();

const dist = await buildPage(join(here, '../test/browser/train-harness'));
const server = await serveStatic(dist, { isolate: true });
const browser = await launchBrowser();
const runs = [];
try {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${server.origin}/index.html`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  const request = {
    model: '/data/models/mobilenetv2-12-int8.onnx',
    labels: '/data/models/synset.txt',
    modelAs: 'url',
    photos: photos.map((file) => ({ url: `/data/images/${file}`, label: classOf(file.slice(0, 9)) })),
    augment: { flip: true },
    seed: 1,
  };
  for (let round = 0; round < ROUNDS; round++) {
    const { file, weights, bias, ...run } = await page.evaluate(([n, r]) => window.training.train(n, r), [`bench-${round}`, request]);
    runs.push(run);
    console.log(
      `round ${round + 1}: ${request.photos.length} photos, ${run.views} training views; embedding ${run.embedMs.toFixed(0)} ms ` +
        `(main thread stalled up to ${run.embedStallMs.toFixed(0)} ms), fit ${run.fitMs.toFixed(0)} ms over ${run.epochsSeen} epochs ` +
        `(stalled up to ${run.longestStallMs.toFixed(0)} ms); validation accuracy ${run.validationAccuracy}; file ${(run.fileBytes / 1e6).toFixed(2)} MB`,
    );
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(dist, { recursive: true, force: true });
}
const embed = summarize(runs.map((r) => r.embedMs));
const fit = summarize(runs.map((r) => r.fitMs));
const views = 2 * photos.length;
console.log(
  `\nChromium, int8, wasm threads (cross-origin isolated: ${runs[0].threads}, hardwareConcurrency ${runs[0].hardwareConcurrency}): ` +
    `${views} embedded views (${photos.length} photos + flips): embedding median ${(embed.median / 1000).toFixed(2)} s ` +
    `(${(embed.median / views).toFixed(0)} ms a view), fit median ${(fit.median / 1000).toFixed(2)} s`,
);

// the example, as a user runs it: the page reads the files, a worker embeds and trains
const folder = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-bench-classes-'));
writeClassFolders(
  photos.map((file) => join(ASSETS_DIR, 'images', file)),
  folder,
);
const exampleDist = await buildExample(join(here, '../examples/train-head-browser'));
const exampleServer = await serveStatic(exampleDist, { isolate: true });
const exampleBrowser = await launchBrowser();
const worker = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    const page = await exampleBrowser.context.newPage();
    await page.goto(`${exampleServer.origin}/index.html?model=/data/models/mobilenetv2-12-int8.onnx&labels=/data/models/synset.txt`);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 120_000 });
    await page.setInputFiles('#folder', folder);
    await page.click('#train');
    await page.waitForFunction(() => ['trained', 'error'].includes(document.body.dataset.state ?? ''), null, { timeout: 600_000 });
    const line = await page.textContent('#status');
    const [, embedS, fitS] = /([\d.]+) s embedding the photos, ([\d.]+) s fitting/.exec(line ?? '') ?? [];
    if (!embedS) throw new Error(`the example did not train: ${line}`);
    worker.push({ embedMs: Number(embedS) * 1000, fitMs: Number(fitS) * 1000 });
    console.log(`example round ${round + 1}: ${line}`);
    await page.close();
  }
} finally {
  await exampleBrowser.close();
  await exampleServer.close();
  rmSync(exampleDist, { recursive: true, force: true });
  rmSync(folder, { recursive: true, force: true });
}
const workerViews = 6 * photos.length;
const workerEmbed = summarize(worker.map((r) => r.embedMs));
console.log(
  `examples/train-head-browser (Web Worker): ${workerViews} embedded views (${photos.length} photos, flips and 2 crops): embedding median ` +
    `${(workerEmbed.median / 1000).toFixed(1)} s (${(workerEmbed.median / workerViews).toFixed(0)} ms a view), fit median ${(summarize(worker.map((r) => r.fitMs)).median / 1000).toFixed(1)} s`,
);
writeResults(join(here, 'results'), 'web-train', {
  date: new Date().toISOString(),
  machine: machineFacts(),
  views,
  runs,
  worker: { views: workerViews, runs: worker },
});
