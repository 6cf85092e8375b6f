// pnpm bench:web: the web adapter in headless Chromium (wasm, 1 and 2 threads) against bare
// onnxruntime-web on prepared tensors. Prints a table and writes bench/results/web-<date>.json.
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASSETS_DIR } from '../test/assets-dir.mjs';
import { buildPage, launchBrowser, serveStatic } from '../test/browser/browser-env.mjs';
import { printTable, row, summarize, writeResults } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const urls = readdirSync(join(ASSETS_DIR, 'images'))
  .filter((f) => /\.jpe?g$/i.test(f))
  .sort()
  .map((f) => `/data/images/${f}`);
const dist = await buildPage(join(here, 'web'));
const server = await serveStatic(dist, { isolate: true });
const browser = await launchBrowser();
const results = { date: new Date().toISOString(), runs: [] };
try {
  for (const model of ['mobilenetv2-12-int8.onnx', 'mobilenetv2-12-fp32-dequantized.onnx']) {
    for (const threads of (process.env.BENCH_THREADS ?? '1,2').split(',').map(Number)) {
      const page = await browser.context.newPage(); // a fresh page: onnxruntime-web's thread count is set once
      page.on('console', (m) => process.env.BENCH_DEBUG && console.log('page:', m.text()));
      page.on('crash', () => console.error('page crashed'));
      await page.goto(`${server.origin}/index.html`);
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
      const r = await page.evaluate((req) => window.bench.run(req), { model: `/data/models/${model}`, labels: '/data/models/synset.txt', urls, threads });
      await page.close();
      const base = row('bare onnxruntime-web session.run, batch 1', r.sessionRun1);
      const rows = [
        row('decode (createImageBitmap + canvas read)', r.decode),
        row('resize + crop (core)', r.resizeCrop),
        row('normalise (core)', r.normalise),
        base,
        row('bare onnxruntime-web session.run, batch 8', r.sessionRun8),
        row('softmax + top-5', r.postprocess),
        row('end to end classify(blob), batch 1', r.endToEnd1),
        row('end to end classify(blobs), batch 8', r.endToEnd8),
      ];
      const own = ['decode', 'resizeCrop', 'normalise', 'postprocess'].reduce((a, k) => a + summarize(r[k]).median, 0);
      const ratio = own / summarize(r.sessionRun1).median;
      printTable(
        `Chromium, ${model}, wasm, ${r.threads} thread(s), crossOriginIsolated=${r.crossOriginIsolated} (× = relative to bare session.run)`,
        rows,
        base,
      );
      console.log(
        `adapter's own work (decode + preprocess + postprocess): ${own.toFixed(2)} ms = ${(ratio * 100).toFixed(0)}% of session run; cold start ${r.coldMs.toFixed(0)} ms`,
      );
      results.runs.push({
        model,
        threads: r.threads,
        crossOriginIsolated: r.crossOriginIsolated,
        coldMs: r.coldMs,
        ownWorkMs: own,
        ownWorkOverSessionRun: ratio,
        rows,
      });
    }
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(dist, { recursive: true, force: true });
}
const file = writeResults(join(here, 'results'), 'web', results);
console.log(`\nwrote ${file}`);
