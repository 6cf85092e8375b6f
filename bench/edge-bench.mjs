// pnpm bench:edge: the same 53 photos, one at a time, in one run on every runtime of the wasm path
// and against native and the browser: Node native (@onnx-mobilenet/node, default threads and one),
// Node on the wasm entry (@onnx-mobilenet/wasm, built dist; this Node and wrangler's Node 22),
// workerd (a Worker on that package bundled by wrangler and served by its workerd, photos POSTed)
// and Chromium (@onnx-mobilenet/web, wasm, one thread). Each takes the JPEG (end to end), its raw
// RGB pixels (decoder excluded) and its prepared 1x3x224x224 tensor (inference + top-1 only), in
// rounds interleaved over the runtimes so that the machine's slow moments fall on all alike. Then
// fresh Workers: workerd started, its first request and response. Prints tables, writes
// bench/results/edge-<date>.json and edge-latest.md (the Deploy guide's Edge speed section).
// BENCH_ROUNDS (3), BENCH_EDGE_STARTS (3), BENCH_EDGE_RUNTIMES (all), WRANGLER_PREFIX, --quick.
import { fork } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { ASSETS_DIR } from '../test/assets-dir.mjs';
import { buildPage, launchBrowser, serveStatic } from '../test/browser/browser-env.mjs';
import { inputOf, loadPhotos, passInProcess, WARMUP } from './lib/edge-inputs.mjs';
import { edgeMarkdown, printEdge } from './lib/edge-report.mjs';
import { machineFacts } from './lib/machine.mjs';
import { summarize, writeResults } from './lib/stats.mjs';
import { buildWorker, startWorkerd, wranglerTools } from './lib/wrangler.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 3));
const STARTS = Number(process.env.BENCH_EDGE_STARTS ?? (quick ? 1 : 3));
const KINDS = ['jpeg', 'raw', 'tensor'];
const MODELS = [
  { name: 'int8', file: 'mobilenetv2-12-int8.onnx' },
  { name: 'fp32 stand-in', file: 'mobilenetv2-12-fp32-dequantized.onnx' },
];
const RUNTIMES = (process.env.BENCH_EDGE_RUNTIMES ?? 'native,native1,wasm,wasm22,workerd,chromium').split(',');
const median = (xs) => summarize(xs).median;
const labelsPath = join(ASSETS_DIR, 'models', 'synset.txt');
const photos = await loadPhotos();
const N = photos.length;

/** A decoder not built yet (the wasm package's placeholder) fails every photo: that case is left out. */
const notBuilt = (err) => /decoder is not built yet/.test(String(err?.message ?? err));

/** A runtime in this process, on the classifier `create(modelPath)` makes. */
function inProcess(label, create) {
  let classifier;
  return {
    label,
    async open(model) {
      await classifier?.dispose();
      classifier = await create(join(ASSETS_DIR, 'models', model.file));
      return { dequantized: classifier.model.dequantized };
    },
    time: (kind) => passInProcess(photos, (x) => classifier.classify(x, { topK: 1 }), kind),
    async close() {
      await classifier?.dispose();
      classifier = undefined;
    },
  };
}

/** Node on the wasm entry in a child process on another Node (`node`), driven over IPC (edge/node-runner.mjs). */
async function childWasmRuntime(node) {
  const child = fork(join(here, 'edge', 'node-runner.mjs'), [], { execPath: node, cwd: here, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let next = 0;
  const version = await new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.ready));
    child.once('exit', (code) => reject(new Error(`edge/node-runner.mjs exited (${code})`)));
  });
  child.on('message', (m) => {
    const call = pending.get(m.id);
    pending.delete(m.id);
    if (m.error) call?.reject(new Error(m.error));
    else call?.resolve(m.result);
  });
  const call = (op, args = {}) =>
    new Promise((resolve, reject) => {
      pending.set(++next, { resolve, reject });
      child.send({ id: next, op, ...args });
    });
  return {
    label: `Node ${version} on the wasm entry`,
    open: (model) => call('open', { model: model.file }),
    time: (kind) => call('time', { kind }),
    async close() {
      if (!child.connected) return;
      const exited = new Promise((r) => child.once('exit', r));
      await call('close');
      await exited;
    },
  };
}

/**
 * The bench's Worker with the model and labels beside it, @onnx-mobilenet/wasm linked, in a folder
 * outside the workspace, bundled by wrangler; the folder and the workerd config that serves it.
 */
function workerDir(model) {
  const dir = mkdtempSync(join(os.tmpdir(), 'onnx-mobilenet-edge-bench-'));
  cpSync(join(here, 'edge', 'worker.mjs'), join(dir, 'worker.mjs'));
  cpSync(join(ASSETS_DIR, 'models', model.file), join(dir, 'model.onnx'));
  cpSync(labelsPath, join(dir, 'synset.txt'));
  mkdirSync(join(dir, 'node_modules', '@onnx-mobilenet'), { recursive: true });
  // wrangler bundles the built package (its `workerd` export condition), as from an install
  symlinkSync(join(here, '..', 'packages', 'wasm'), join(dir, 'node_modules', '@onnx-mobilenet', 'wasm'), 'dir');
  writeFileSync(
    join(dir, 'wrangler.toml'),
    [
      'name = "onnx-mobilenet-edge-bench"',
      'main = "worker.mjs"',
      // the newest date wrangler 4.86's workerd supports
      'compatibility_date = "2026-05-01"',
      '[[rules]]',
      'type = "Data"',
      'globs = ["**/*.onnx", "**/*.txt"]',
      'fallthrough = true',
      '',
    ].join('\n'),
  );
  return { dir, config: buildWorker(tools, dir) };
}

/** POSTs one input to the Worker; the Worker's answer and the round trip measured here. */
async function post(origin, kind, p) {
  const query = kind === 'raw' ? `input=raw&width=${p.raw.width}&height=${p.raw.height}&channels=${p.raw.channels}` : `input=${kind}`;
  const input = inputOf(kind, p);
  const body = kind === 'tensor' ? new Uint8Array(input.data.buffer, input.data.byteOffset, input.data.byteLength) : kind === 'raw' ? input.data : input;
  const t0 = performance.now();
  const response = await fetch(`${origin}/classify?${query}`, { method: 'POST', body });
  const text = await response.text();
  const ms = performance.now() - t0;
  if (!response.ok) throw new Error(`Worker answered ${response.status}: ${text.slice(0, 500)}`);
  return { ...JSON.parse(text), ms };
}

function workerdRuntime(tools) {
  let server;
  let dir;
  return {
    label: `${tools.workerdVersion} (bundled by wrangler ${tools.version})`,
    async open(model) {
      await this.close();
      let config;
      ({ dir, config } = workerDir(model));
      server = await startWorkerd(tools, config);
      const first = await post(server.origin, 'tensor', photos[0]);
      return { dequantized: first.dequantized };
    },
    async time(kind) {
      for (const p of photos.slice(0, WARMUP)) await post(server.origin, kind, p);
      const ms = [];
      const inner = [];
      const ids = [];
      let clockMoves = true;
      for (const p of photos) {
        const r = await post(server.origin, kind, p);
        ms.push(r.ms);
        inner.push(r.classifyMs);
        ids.push(r.id);
        clockMoves &&= r.clockMoves;
      }
      return { ms, ids, inner, clockMoves };
    },
    async close() {
      await server?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
      [server, dir] = [undefined, undefined];
    },
  };
}

/** Chromium on the web adapter (bench/edge/main.ts), the inputs served beside the page. */
async function chromiumRuntime() {
  const dist = await buildPage(join(here, 'edge'));
  mkdirSync(join(dist, 'inputs'));
  photos.forEach((p, i) => {
    writeFileSync(join(dist, 'inputs', `${i}.rgb`), p.raw.data);
    writeFileSync(join(dist, 'inputs', `${i}.f32`), new Uint8Array(p.tensor.data.buffer));
  });
  const server = await serveStatic(dist);
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${server.origin}/index.html`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  const meta = photos.map((p) => ({ name: p.name, width: p.raw.width, height: p.raw.height, channels: p.raw.channels }));
  await page.evaluate((m) => window.bench.load(m), meta);
  const version = browser.context.browser()?.version() ?? '';
  return {
    label: `Chromium ${version} (@onnx-mobilenet/web, wasm, 1 thread)`,
    open: (model) => page.evaluate((r) => window.bench.open(r), { model: `/data/models/${model.file}`, labels: '/data/models/synset.txt' }),
    time: (kind) => page.evaluate((r) => window.bench.time(r), { kind, warmup: WARMUP }),
    async close() {
      await browser.close();
      await server.close();
      rmSync(dist, { recursive: true, force: true });
    },
  };
}

/** Fresh Workers: workerd spawned, listening, its first request (the tench JPEG) and a second. */
async function freshStarts(tools, model) {
  const tench = photos.find((p) => p.name.startsWith('n01440764'));
  const { dir, config } = workerDir(model);
  const samples = [];
  try {
    for (let i = 0; i < STARTS; i++) {
      let server = await startWorkerd(tools, config);
      try {
        let kind = 'jpeg';
        let first;
        try {
          first = await post(server.origin, kind, tench);
        } catch (err) {
          if (!notBuilt(err)) throw err;
          kind = 'raw'; // the placeholder decoder failed after the classifier was made: a fresh Worker again, on raw pixels
          await server.stop();
          server = await startWorkerd(tools, config);
          first = await post(server.origin, kind, tench);
        }
        // then the same photo again: how soon the Worker reaches its steady speed (V8 tiers the wasm up)
        const next = [];
        for (let n = 0; n < 4; n++) next.push((await post(server.origin, kind, tench)).ms);
        samples.push({
          input: kind,
          readyMs: server.readyAt - server.startedAt,
          firstRequestMs: first.ms,
          startToFirstResponseMs: server.readyAt - server.startedAt + first.ms,
          firstCreateMs: first.createMs,
          firstClassifyMs: first.classifyMs,
          secondRequestMs: next[0],
          fifthRequestMs: next[3],
          top1: first.id,
        });
      } finally {
        await server.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const keys = ['readyMs', 'firstRequestMs', 'startToFirstResponseMs', 'firstCreateMs', 'firstClassifyMs', 'secondRequestMs', 'fifthRequestMs'];
  return {
    model: model.name,
    input: samples[0].input,
    top1: samples[0].top1,
    ...Object.fromEntries(keys.map((k) => [k, median(samples.map((s) => s[k]))])),
    samples,
  };
}

const tools = RUNTIMES.some((r) => r === 'workerd' || r === 'wasm22') ? wranglerTools() : undefined;
const machine = machineFacts({ sharp: sharp.versions.sharp, wrangler: tools?.version });
const results = { machine, date: new Date().toISOString(), rounds: ROUNDS, photos: N, loadBefore: os.loadavg(), models: {}, fresh: [] };
console.log(`${machine.cpu}, ${machine.cores} cores, load ${results.loadBefore.map((x) => x.toFixed(1)).join(' ')}; node ${machine.node}`);

const { createClassifier: createNative } = await import('@onnx-mobilenet/node');
const { createClassifier: createWasm } = await import('@onnx-mobilenet/wasm');
const makers = {
  native: () => inProcess('Node native (@onnx-mobilenet/node, default threads)', (model) => createNative({ model, labels: labelsPath })),
  native1: () => inProcess('Node native, 1 thread', (model) => createNative({ model, labels: labelsPath, threads: 1 })),
  wasm: () => inProcess(`Node ${process.version} on the wasm entry (@onnx-mobilenet/wasm)`, (model) => createWasm({ model, labels: labelsPath })),
  wasm22: () => childWasmRuntime(tools.node),
  workerd: () => workerdRuntime(tools),
  chromium: () => chromiumRuntime(),
};
const runtimes = [];
for (const key of RUNTIMES) runtimes.push({ key, ...(await makers[key]()) });

try {
  for (const model of MODELS) {
    console.log(`\n=== ${model.name} (${model.file}) ===`);
    const out = {};
    for (const r of runtimes) {
      out[r.key] = { label: r.label, ...(await r.open(model)), passes: Object.fromEntries(KINDS.map((k) => [k, []])) };
    }
    const skipped = new Set();
    for (let round = 0; round < ROUNDS; round++) {
      // each round starts with another runtime: none is always the one after the heaviest
      for (const r of [...runtimes.slice(round % runtimes.length), ...runtimes.slice(0, round % runtimes.length)]) {
        for (const kind of KINDS) {
          if (skipped.has(`${r.key}/${kind}`)) continue;
          try {
            const pass = await r.time(kind);
            out[r.key].passes[kind].push(pass);
          } catch (err) {
            if (!notBuilt(err)) throw err;
            skipped.add(`${r.key}/${kind}`);
            out[r.key].passes[kind] = null;
          }
        }
      }
      console.log(`round ${round + 1}/${ROUNDS} done`);
    }
    for (const r of runtimes) {
      const o = out[r.key];
      o.msPerPhoto = {};
      o.workerMsPerPhoto = {};
      o.top1Correct = {};
      for (const kind of KINDS) {
        const passes = o.passes[kind];
        if (!passes) continue;
        // each photo's fastest round (on a machine shared with other work, the time the runtime
        // needs when it has a core; other work only ever adds), then the mean over the photos
        const perPhoto = (field, pick) => photos.map((_, i) => pick(passes.map((p) => p[field][i]))).reduce((a, b) => a + b, 0) / N;
        o.msPerPhoto[kind] = perPhoto('ms', (xs) => Math.min(...xs));
        o.msPerPhotoMedian = { ...o.msPerPhotoMedian, [kind]: perPhoto('ms', median) };
        if (passes[0].inner) {
          o.workerMsPerPhoto[kind] = perPhoto('inner', (xs) => Math.min(...xs));
          o.clockMoves = passes.every((p) => p.clockMoves);
        }
        o.top1Correct[kind] = passes[0].ids.filter((id, i) => id === photos[i].wnid).length;
      }
      o.passes = Object.fromEntries(Object.entries(o.passes).map(([k, ps]) => [k, ps?.map((p) => p.ms) ?? null]));
    }
    results.models[model.name] = out;
    printEdge(model.name, out, N);
  }
} finally {
  for (const r of runtimes) await r.close();
}

if (RUNTIMES.includes('workerd')) {
  for (const model of MODELS) {
    const f = await freshStarts(tools, model);
    results.fresh.push(f);
    console.log(
      `\nfresh Worker, ${model.name}, median of ${STARTS}: workerd spawned to listening ${f.readyMs.toFixed(0)} ms; first request (${f.input}) ${f.firstRequestMs.toFixed(0)} ms ` +
        `(in the Worker: createClassifier ${f.firstCreateMs.toFixed(0)}, classify ${f.firstClassifyMs.toFixed(0)}); spawn to first response ${f.startToFirstResponseMs.toFixed(0)} ms; second request ${f.secondRequestMs.toFixed(0)} ms, fifth ${f.fifthRequestMs.toFixed(0)} ms; top-1 ${f.top1}`,
    );
  }
}
results.loadAfter = os.loadavg();
const file = writeResults(join(here, 'results'), 'edge', results);
writeFileSync(join(here, 'results', 'edge-latest.md'), edgeMarkdown(results));
console.log(`\nwrote ${file} and bench/results/edge-latest.md`);
