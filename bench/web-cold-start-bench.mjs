// pnpm bench:web (after web-bench.mjs): Chromium cold start of the default classifier (int8 file,
// precision auto, wasm, default threads on a cross-origin-isolated page), createClassifier to the
// first result, on a first visit (a fresh browser profile: empty HTTP cache and Cache Storage) and
// a second visit (a new page in the same profile: the .wasm and the chunks from the HTTP cache,
// with V8's cache of the compiled wasm, the model from the adapter's Cache Storage). The server
// lets the browser cache its files for an hour, as static hosts do. Per visit also the load
// pipeline replayed step by step (bench/web/cold-start.ts stages) and the browser's Resource
// Timing of each file fetched. Writes bench/results/web-cold-start-<date>.json.
// BENCH_COLD_SAMPLES=5 (fresh profiles; medians are printed)
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASSETS_DIR } from '../test/assets-dir.mjs';
import { buildPage, launchBrowser, serveStatic } from '../test/browser/browser-env.mjs';
import { machineFacts } from './lib/machine.mjs';
import { summarize, writeResults } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const SAMPLES = Number(process.env.BENCH_COLD_SAMPLES ?? 5);
const image = `/data/images/${readdirSync(join(ASSETS_DIR, 'images')).filter((f) => /tench/i.test(f))[0]}`;
const req = { model: '/data/models/mobilenetv2-12-int8.onnx', labels: '/data/models/synset.txt', image };
const VISITS = ['first', 'second'];
const median = (xs) => summarize(xs).median;

const dist = await buildPage(join(here, 'web'));
const server = await serveStatic(dist, { isolate: true, cache: true });
const results = { date: new Date().toISOString(), machine: machineFacts({ chromium: '' }), request: req, samples: SAMPLES, visits: [], stages: [], traces: [] };

/** Calls window.bench[fn](arg) in a new page of `browser`. */
async function inPage(browser, fn, arg) {
  const page = await browser.context.newPage();
  try {
    await page.goto(`${server.origin}/index.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    return await page.evaluate(([f, r]) => window.bench[f](r), [fn, arg]);
  } finally {
    await page.close();
  }
}

/** A first and a second visit in one fresh profile: `fn` once per visit. */
async function twoVisits(fn, arg) {
  const browser = await launchBrowser();
  results.machine.chromium = browser.context.browser()?.version() ?? results.machine.chromium;
  try {
    const out = {};
    for (const v of VISITS) out[v] = await inPage(browser, fn, { ...arg, firstVisit: v === 'first' });
    return out;
  } finally {
    await browser.close();
  }
}

try {
  // interleaved: each sample is one visit pair and one stage-replay pair, so load falls on all alike
  for (let i = 0; i < SAMPLES; i++) {
    results.visits.push(await twoVisits('visit', req));
    // stages() reads the model with fetch (the HTTP cache on the second visit), not Cache Storage
    results.stages.push(await twoVisits('stages', { ...req, threads: 2, embeddings: true }));
    // the library's own order: when the warm start's and the model's session creations start and end
    results.traces.push(await twoVisits('cold', { ...req, threads: 2, embeddings: true }));
  }
} finally {
  await server.close();
  rmSync(dist, { recursive: true, force: true });
}

const fmt = (ms) => (ms === undefined ? '-' : ms.toFixed(0));
console.log(`\nChromium ${results.machine.chromium}: cold start of the default classifier (int8 file, wasm), ms, median of ${SAMPLES} fresh profiles`);
console.log('visit    created  first result  top-1      files fetched (over network / from HTTP cache)');
for (const v of VISITS) {
  const runs = results.visits.map((s) => s[v]);
  const net = new Set(runs.flatMap((r) => r.fetched.filter((f) => f.bytesOverNetwork > 0).map((f) => f.file)));
  const cached = new Set(runs.flatMap((r) => r.fetched.filter((f) => f.bytesOverNetwork === 0).map((f) => f.file)));
  console.log(
    `${v.padEnd(7)}  ${fmt(median(runs.map((r) => r.createMs))).padStart(7)}  ${fmt(median(runs.map((r) => r.firstResultMs))).padStart(12)}  ${runs[0].top1.padEnd(9)}  ` +
      `${[...net].join(', ') || '-'} / ${[...cached].join(', ') || '-'}`,
  );
  results[`${v}VisitMedian`] = { createMs: median(runs.map((r) => r.createMs)), firstResultMs: median(runs.map((r) => r.firstResultMs)) };
}
const wasm = (v) => results.visits.map((s) => s[v].fetched.find((f) => f.file.endsWith('.wasm'))).filter(Boolean);
for (const v of VISITS) {
  const w = wasm(v);
  if (w.length)
    console.log(
      `${v} visit: .wasm fetch ${fmt(median(w.map((f) => f.durationMs)))} ms from ${fmt(median(w.map((f) => f.startMs)))} ms (${w[0].bodyBytes} bytes)`,
    );
}
const names = [...new Set(results.stages.flatMap((s) => VISITS.flatMap((v) => Object.keys(s[v].stages))))];
console.log(`\nthe load pipeline replayed step by step (2 threads, embeddings on), ms, median of ${SAMPLES}`);
console.log(`${'stage'.padEnd(42)}  ${VISITS.map((v) => `${v} visit`.padStart(12)).join('  ')}`);
for (const n of names) {
  const cells = VISITS.map((v) => fmt(median(results.stages.map((s) => s[v].stages[n] ?? 0))).padStart(12));
  console.log(`${n.padEnd(42)}  ${cells.join('  ')}`);
}
console.log('\nsession creations in the first sample (ms from createClassifier; 80 bytes = the warm start, with onnxruntime-web imported before):');
for (const v of VISITS) console.log(`${v} visit: ${results.traces[0][v].trace.join(', ')}; first result ${fmt(results.traces[0][v].firstResultMs)}`);
const file = writeResults(join(here, 'results'), 'web-cold-start', results);
console.log(`\nwrote ${file}`);
