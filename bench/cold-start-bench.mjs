// pnpm bench:node (after node-bench): cold start in Node, a fresh process from its start to the
// first result of a local model, part by part (lib/cold-start-child.mjs). Each round runs, for the
// int8 and the fp32 model: the app's path (import 'onnx-mobilenet', createClassifier, classify), the
// same load with each part stamped, and that load with its session created from onnxruntime's
// optimized model saved by an earlier process. Medians of the rounds; wall and CPU ms (CPU: all
// threads of the process). Prints a table, writes bench/results/cold-start-latest.json.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASSETS_DIR } from '../test/assets-dir.mjs';
import { machineFacts } from './lib/machine.mjs';
import { pythonOrReason } from './lib/python.mjs';
import { summarize, writeResults } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const ROUNDS = Number(process.env.BENCH_COLD_ROUNDS ?? (quick ? 3 : 9));
const labels = join(ASSETS_DIR, 'models/synset.txt');
const image = join(ASSETS_DIR, 'images/n01440764_tench.JPEG');
const models = {
  int8: join(ASSETS_DIR, 'models/mobilenetv2-12-int8.onnx'),
  fp32: join(ASSETS_DIR, 'models/mobilenetv2-12-fp32-dequantized.onnx'),
};
const scratch = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-cold-'));

/** Runs one fresh process of the child with `job`; its JSON answer, with `fromSpawn`: ms from just before the spawn to its first result. */
function child(job) {
  const spawned = process.hrtime.bigint();
  const out = JSON.parse(
    execFileSync(process.execPath, [join(here, 'lib/cold-start-child.mjs'), JSON.stringify(job)], {
      cwd: here,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'], // onnxruntime's warning about saving an NCHWc-optimized model
    }),
  );
  return { ...out, fromSpawn: out.resultNs ? Number(BigInt(out.resultNs) - spawned) / 1e6 : undefined };
}

const { python, skipped: pythonSkipped } = pythonOrReason();
/** The plain Python pipeline's cold start (bench/python/cold_start.py), timed as {@link child}. */
function pythonChild(model) {
  if (!python) return { fromSpawn: Number.NaN, top1: pythonSkipped };
  const spawned = process.hrtime.bigint();
  const out = JSON.parse(execFileSync(python, [join(here, 'python/cold_start.py'), model, image], { cwd: join(here, 'python'), encoding: 'utf8' }));
  return { ...out, fromSpawn: Number(BigInt(out.resultNs) - spawned) / 1e6 };
}

const median = (xs) => summarize(xs).median;
/** Per part: median wall and CPU ms over the runs (the runs stamp the same parts in the same order). */
function medians(runs) {
  const parts = runs[0].marks.map((m, i) => ({
    name: m.name,
    wall: median(runs.map((r) => r.marks[i].wall)),
    cpu: median(runs.map((r) => r.marks[i].cpu)),
  }));
  const sum = (r, key) => r.marks.slice(1).reduce((a, m) => a + m[key], 0);
  return {
    parts,
    importToResult: { wall: median(runs.map((r) => sum(r, 'wall'))), cpu: median(runs.map((r) => sum(r, 'cpu'))) },
    spawnToResult: median(runs.map((r) => r.spawnToResult)),
    top1: [...new Set(runs.map((r) => r.top1))],
  };
}

const machine = machineFacts();
console.log(`${machine.cpu}, ${machine.cores} cores; node ${machine.node}. ${ROUNDS} rounds of fresh processes; medians.`);
const job = (name, mode, extra = {}) => ({ mode, model: models[name], labels, image, ...extra });
const optimizedPath = (name) => join(scratch, `${name}.optimized.onnx`);
// The optimized model, as a first process would save it for the next ones.
for (const name of Object.keys(models)) child(job(name, 'stages', { optimized: { path: optimizedPath(name), write: true } }));

const runs = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const name of Object.keys(models)) {
    for (const [kind, j] of [
      ['app', job(name, 'e2e')],
      ['stages', job(name, 'stages')],
      ['optimized', job(name, 'stages', { optimized: { path: optimizedPath(name) } })],
    ]) {
      const key = `${name}.${kind}`;
      runs[key] ??= [];
      runs[key].push(child(j));
    }
    for (const [kind, run] of [
      ['floor', () => child(job(name, 'floor'))],
      ['python', () => pythonChild(models[name])],
    ]) {
      runs[`${name}.${kind}`] ??= [];
      runs[`${name}.${kind}`].push(run());
    }
  }
  process.stdout.write(`round ${round + 1}/${ROUNDS}\r`);
}
rmSync(scratch, { recursive: true, force: true });

const results = { machine, date: new Date().toISOString(), rounds: ROUNDS, modules: child(job('int8', 'modules')), models: {} };
for (const name of Object.keys(models)) {
  results.models[name] = Object.fromEntries(['app', 'stages', 'optimized', 'floor'].map((kind) => [kind, medians(runs[`${name}.${kind}`])]));
  results.models[name].fromSpawn = Object.fromEntries(
    ['app', 'floor', 'python'].map((kind) => [kind, median(runs[`${name}.${kind}`].map((r) => r.fromSpawn))]),
  );
  results.models[name].pythonTop1 = [...new Set(runs[`${name}.python`].map((r) => r.top1))];
}

const f = (x) => x.toFixed(1);
function table(title, kind) {
  console.log(`\n${title}`);
  const names = Object.keys(models);
  const rows = results.models[names[0]][kind].parts.map((p, i) => [
    p.name,
    ...names.flatMap((n) => [f(results.models[n][kind].parts[i].wall), f(results.models[n][kind].parts[i].cpu)]),
  ]);
  rows.push([
    '= import to first result',
    ...names.flatMap((n) => [f(results.models[n][kind].importToResult.wall), f(results.models[n][kind].importToResult.cpu)]),
  ]);
  rows.push(['= process start to first result (wall)', ...names.flatMap((n) => [f(results.models[n][kind].spawnToResult), ''])]);
  const header = ['part, ms (median)', ...names.flatMap((n) => [`${n} wall`, `${n} CPU`])];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(fmt(r));
}
table("the app's path: import 'onnx-mobilenet', createClassifier, classify(path)", 'app');
table('the same load, part by part', 'stages');
table("second process: the session from onnxruntime's optimized model saved by the first", 'optimized');
table('a bare script (require onnxruntime-node, session, require sharp, decode + cover-resize, run, argmax; no checks)', 'floor');
console.log('\nfrom the spawn to the first result, measured by this process (ms, median; × the bare script)');
for (const name of Object.keys(models)) {
  const { app, floor, python: py } = results.models[name].fromSpawn;
  console.log(
    `  ${name}: onnx-mobilenet ${f(app)} (${(app / floor).toFixed(2)}×), bare onnxruntime-node + sharp script ${f(floor)}, Python onnxruntime + Pillow ${f(py)} (${(py / floor).toFixed(2)}×; top-1 ${results.models[name].pythonTop1.join(', ')})`,
  );
}
console.log(`\npackages the entry's import loads: ${results.modules.atImport.join(', ')}`);
console.log(`by the first result: ${results.modules.byFirstResult.join(', ')}`);
for (const name of Object.keys(models)) console.log(`top-1 of the tench (${name}): ${results.models[name].app.top1.join(', ')}`);
const file = writeResults(join(here, 'results'), 'cold-start', results);
console.log(`\nwrote ${file} and bench/results/cold-start-latest.json (wall times on a shared machine are noisy: medians)`);
