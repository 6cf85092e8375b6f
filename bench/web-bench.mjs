// pnpm bench:web: the web adapter in headless Chromium (wasm, 1 and 2 threads). Steady state per
// variant (int8 file with default options, int8 with precision 'model', fp32 file) against bare
// onnxruntime-web on prepared tensors; cold start (createClassifier to the first result, a fresh
// page each time) per variant, with and without the embedding rewrite, with and without the
// adapter's warm start of onnxruntime-web; and the load pipeline stage by stage. Prints tables and writes bench/results/web-<date>.json.
// BENCH_THREADS=1,2  BENCH_PARTS=steady,cold,stages  BENCH_COLD_SAMPLES=5  BENCH_VISITS=first,repeat  BENCH_VARIANTS=0,1,2  BENCH_EMBEDDINGS=true,false
// BENCH_BASE=<git revision>: cold starts of the library at that revision too, interleaved
import { execSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASSETS_DIR } from '../test/assets-dir.mjs';
import { buildPage, launchBrowser, serveStatic } from '../test/browser/browser-env.mjs';
import { printTable, row, summarize, writeResults } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const urls = readdirSync(join(ASSETS_DIR, 'images'))
  .filter((f) => /\.jpe?g$/i.test(f))
  .sort()
  .map((f) => `/data/images/${f}`);
const THREADS = (process.env.BENCH_THREADS ?? '1,2').split(',').map(Number);
const PARTS = new Set((process.env.BENCH_PARTS ?? 'steady,cold,stages').split(','));
const SAMPLES = Number(process.env.BENCH_COLD_SAMPLES ?? 5);
const labels = '/data/models/synset.txt';
const INT8 = '/data/models/mobilenetv2-12-int8.onnx';
const FP32 = '/data/models/mobilenetv2-12-fp32-dequantized.onnx';
const ALL_VARIANTS = [
  { name: 'int8 file, default (auto)', model: INT8 },
  { name: "int8 file, precision 'model'", model: INT8, precision: 'model' },
  { name: 'fp32 file, default', model: FP32 },
];
// BENCH_VARIANTS=0,2 (indices above) and BENCH_EMBEDDINGS=true,false narrow a run
const VARIANTS = process.env.BENCH_VARIANTS ? process.env.BENCH_VARIANTS.split(',').map((i) => ALL_VARIANTS[Number(i)]) : ALL_VARIANTS;
const EMBEDDINGS = (process.env.BENCH_EMBEDDINGS ?? 'true,false').split(',').map((e) => e === 'true');
const median = (xs) => summarize(xs).median;

/** The bench page built again by Vite with `plugins`, under `base` (a folder of the served dist). */
async function buildVariantPage(outDir, base, plugins) {
  const { build } = await import('vite');
  await build({
    root: join(here, 'web'),
    base,
    logLevel: 'warn',
    configFile: false,
    resolve: { conditions: ['source', 'module', 'browser', 'production'] },
    worker: { format: 'es' },
    plugins,
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  });
}

/** The web adapter's warm start replaced by a no-op (web/no-warm-start.ts). */
const noWarmStart = {
  name: 'no-warm-start',
  enforce: 'pre',
  resolveId: (source, importer) =>
    source === './warm-start.js' && importer?.includes(join('packages', 'web', 'src')) ? join(here, 'web', 'no-warm-start.ts') : undefined,
};

/**
 * The library as it was at git revision BENCH_BASE (core and web sources extracted beside the
 * current ones, in packages/{core,web}/.bench-base, so that their imports resolve alike); the
 * bench's own stage replay keeps the current sources.
 */
function baseSources(revision) {
  const repo = join(here, '..');
  for (const pkg of ['core', 'web']) {
    const dir = join(repo, 'packages', pkg, '.bench-base');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    execSync(`git archive ${revision} packages/${pkg}/src | tar -x --strip-components=3 -C ${dir}`, { cwd: repo });
  }
  return {
    name: 'base-sources',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      // the stage replay's imports of current sources, and those sources' own imports, stay current
      if (importer?.startsWith(join(here, 'web')) && source.startsWith('../../packages/')) return undefined;
      if (['core', 'web'].some((pkg) => importer?.startsWith(join(repo, 'packages', pkg, 'src') + sep))) return undefined;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (!resolved) return resolved;
      for (const pkg of ['core', 'web']) {
        const from = join(repo, 'packages', pkg, 'src') + sep;
        if (resolved.id.startsWith(from)) return { ...resolved, id: join(repo, 'packages', pkg, '.bench-base', resolved.id.slice(from.length)) };
      }
      return resolved;
    },
  };
}
const cleanBaseSources = () => {
  for (const pkg of ['core', 'web']) rmSync(join(here, '..', 'packages', pkg, '.bench-base'), { recursive: true, force: true });
};

const dist = await buildPage(join(here, 'web'));
const BASE = process.env.BENCH_BASE;
if (PARTS.has('cold')) {
  await buildVariantPage(join(dist, 'off'), '/off/', [noWarmStart]);
  if (BASE) {
    try {
      await buildVariantPage(join(dist, 'base'), '/base/', [baseSources(BASE)]);
    } finally {
      cleanBaseSources();
    }
  }
}
const server = await serveStatic(dist, { isolate: true });
const browser = await launchBrowser();
const results = { date: new Date().toISOString(), runs: [], cold: [], stages: [] };

/** Calls window.bench[fn](req) in a fresh page: onnxruntime-web starts (and sets its thread count) once per page. */
async function inFreshPage(fn, req, folder = '') {
  const page = await browser.context.newPage();
  page.on('console', (m) => process.env.BENCH_DEBUG && console.log('page:', m.text()));
  page.on('crash', () => console.error('page crashed'));
  try {
    await page.goto(`${server.origin}${folder}/index.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    return await page.evaluate(([f, r]) => window.bench[f](r), [fn, req]);
  } finally {
    await page.close();
  }
}

function printGrid(title, columns, lines) {
  console.log(`\n${title}`);
  const widths = columns.map((c, i) => Math.max(c.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(fmt(columns));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(fmt(l));
}

async function steady() {
  const summary = [];
  for (const threads of THREADS) {
    for (const v of VARIANTS) {
      const r = await inFreshPage('run', { model: v.model, labels, urls, threads, precision: v.precision });
      const base = row('bare onnxruntime-web session.run (the file as it is), batch 1', r.sessionRun1);
      const rows = [
        row('decode (createImageBitmap + canvas read)', r.decode),
        row('resize + crop (core)', r.resizeCrop),
        row('normalise (core)', r.normalise),
        base,
        row('bare onnxruntime-web session.run (the file as it is), batch 8', r.sessionRun8),
        row('softmax + top-5', r.postprocess),
        row('end to end classify(blob), batch 1', r.endToEnd1),
        row('end to end classify(blobs), batch 8', r.endToEnd8),
      ];
      const own = ['decode', 'resizeCrop', 'normalise', 'postprocess'].reduce((a, k) => a + median(r[k]), 0);
      const ratio = own / median(r.sessionRun1);
      printTable(
        `Chromium, ${v.name} (classifier dequantized: ${r.dequantized}), wasm, ${r.threads} thread(s), crossOriginIsolated=${r.crossOriginIsolated} (× = relative to bare session.run)`,
        rows,
        base,
      );
      console.log(`adapter's own work (decode + preprocess + postprocess): ${own.toFixed(2)} ms = ${(ratio * 100).toFixed(0)}% of session run`);
      summary.push([
        v.name,
        String(r.threads),
        String(r.dequantized),
        median(r.endToEnd1).toFixed(1),
        median(r.endToEnd8).toFixed(1),
        median(r.sessionRun1).toFixed(1),
      ]);
      results.runs.push({
        variant: v.name,
        model: v.model,
        precision: v.precision ?? 'auto',
        threads: r.threads,
        dequantized: r.dequantized,
        crossOriginIsolated: r.crossOriginIsolated,
        coldMs: r.coldMs,
        ownWorkMs: own,
        ownWorkOverSessionRun: ratio,
        rows,
      });
    }
  }
  printGrid(
    'Chromium wasm, ms/photo (median): the classifier per variant, and bare session.run of the file as it is',
    ['variant', 'threads', 'dequantized', 'classify batch 1', 'classify batch 8', 'bare run of the file, batch 1'],
    summary,
  );
}

async function coldStarts() {
  const lines = [];
  const visits = (process.env.BENCH_VISITS ?? 'first').split(',');
  const modes = [['now', ''], ['no warm start', '/off'], ...(BASE ? [[`at ${BASE}`, '/base']] : [])];
  for (const threads of THREADS) {
    for (const v of VARIANTS) {
      for (const embeddings of EMBEDDINGS) {
        for (const visit of visits) {
          const firstVisit = visit === 'first';
          const req = { model: v.model, labels, image: urls[0], threads, precision: v.precision, embeddings, firstVisit };
          const samples = Object.fromEntries(modes.map(([m]) => [m, []]));
          // a repeat visit needs the model in Cache Storage (one origin: both pages share it)
          if (!firstVisit) await inFreshPage('cold', { ...req, firstVisit: true });
          // interleaved, so that the machine's load falls on both alike
          for (let i = 0; i < SAMPLES; i++) for (const [m, folder] of modes) samples[m].push(await inFreshPage('cold', req, folder));
          const cells = modes.flatMap(([m]) => [
            median(samples[m].map((s) => s.createMs)).toFixed(0),
            median(samples[m].map((s) => s.firstResultMs)).toFixed(0),
          ]);
          const dequantized = samples[modes[0][0]][0].dequantized;
          results.cold.push({ variant: v.name, threads, embeddings, visit, dequantized, samples });
          lines.push([v.name, String(threads), String(embeddings), visit, String(dequantized), ...cells]);
        }
      }
    }
  }
  printGrid(
    `Chromium wasm cold start, ms (median of ${SAMPLES} fresh pages each): createClassifier resolved / first classify() result`,
    ['variant', 'threads', 'embeddings', 'visit', 'dequantized', ...modes.flatMap(([m]) => [`${m}: created`, 'first result'])],
    lines,
  );
}

async function stageTimes() {
  for (const threads of THREADS) {
    const columns = [];
    for (const v of VARIANTS) {
      for (const embeddings of EMBEDDINGS) {
        const samples = [];
        for (let i = 0; i < SAMPLES; i++) samples.push(await inFreshPage('stages', { model: v.model, labels, threads, precision: v.precision, embeddings }));
        const names = Object.keys(samples[0].stages);
        const stages = Object.fromEntries(names.map((n) => [n, median(samples.map((s) => s.stages[n] ?? 0))]));
        columns.push({ name: `${v.name}${embeddings ? '' : ', no embeddings'}`, stages });
        results.stages.push({ variant: v.name, threads, embeddings, stages, samples });
      }
    }
    const names = [...new Set(columns.flatMap((c) => Object.keys(c.stages)))];
    printGrid(
      `Chromium wasm, ${threads} thread(s): the load pipeline step by step, ms (median of ${SAMPLES} fresh pages; '-' = step not taken)`,
      ['stage', ...columns.map((c) => c.name)],
      names.map((n) => [n, ...columns.map((c) => (c.stages[n] === undefined ? '-' : c.stages[n].toFixed(1)))]),
    );
  }
}

try {
  if (PARTS.has('steady')) await steady();
  if (PARTS.has('cold')) await coldStarts();
  if (PARTS.has('stages')) await stageTimes();
} finally {
  await browser.close();
  await server.close();
  rmSync(dist, { recursive: true, force: true });
}
const file = writeResults(join(here, 'results'), 'web', results);
console.log(`\nwrote ${file}`);
