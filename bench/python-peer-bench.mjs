// pnpm bench:node (after node-bench): onnx-mobilenet against the pipeline users would otherwise
// write, a plain Python script (onnxruntime + Pillow + numpy, bench/python/pipeline.py), and
// against transformers.js, on the same photos and model files. Every measurement is a fresh
// process (onnx-mobilenet from dist, Python in the venv .ci/python-env.sh makes, transformers.js),
// the processes alternating (ours, Python, transformers.js, then the other way round) for several
// rounds; each process times steady-state passes after one warm-up pass. Two photo sets: the bench
// photos (../shared/images) and a second set made now in a temp folder (never committed): the same
// photos re-encoded by Pillow at quality 95, 4:4:4 chroma, 640x480. Prints the ratios and top-1
// agreement; writes bench/results/python-peer-<date>.json and python-peer-latest.json.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLabels } from '@onnx-mobilenet/core';
import { ASSETS_DIR } from '../test/assets-dir.mjs';
import { pythonOrReason } from './lib/python.mjs';
import { machineFacts } from './lib/machine.mjs';
import { writeResults } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (quick ? 2 : 5));
const PASSES = quick ? 1 : 2;
const labelsPath = join(ASSETS_DIR, 'models/synset.txt');
const labels = parseLabels(readFileSync(labelsPath, 'utf8'));
const models = [
  ['int8', join(ASSETS_DIR, 'models/mobilenetv2-12-int8.onnx')],
  ['fp32 stand-in', join(ASSETS_DIR, 'models/mobilenetv2-12-fp32-dequantized.onnx')],
];

const { python, skipped } = pythonOrReason();
if (!python) {
  // the other benches of pnpm bench:node still run
  console.log(`python-peer bench skipped: ${skipped}`);
  process.exit(0);
}
const py = (args) => execFileSync(python, args, { encoding: 'utf8', maxBuffer: 1 << 26 });

const tmp = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-python-peer-'));
const jpegs = (dir) =>
  readdirSync(dir)
    .filter((f) => /\.jpe?g$/i.test(f))
    .sort()
    .map((f) => join(dir, f));
const secondDir = join(tmp, 'q95-444-640x480');
py([join(here, 'python/make-second-set.py'), join(ASSETS_DIR, 'images'), secondDir]);
const sets = [
  { key: 'bench', name: 'bench photos (../shared/images)', paths: jpegs(join(ASSETS_DIR, 'images')) },
  { key: 'second', name: 'second set: the same re-encoded by Pillow, q95, 4:4:4, 640x480', paths: jpegs(secondDir) },
];
for (const s of sets) {
  s.list = join(tmp, `${s.key}.txt`);
  writeFileSync(s.list, `${s.paths.join('\n')}\n`);
}

const machine = machineFacts({ python: py(['-c', 'import sys; print(sys.version.split()[0])']).trim(), loadBefore: loadavg()[0] });
console.log(`${machine.cpu}, ${machine.cores} cores; node ${machine.node}, Python ${machine.python} (${python})`);
console.log(
  `load average ${machine.loadBefore.toFixed(1)} on ${machine.cores} cores; ${ROUNDS} rounds of fresh processes, ${PASSES} timed passes each after a warm-up pass; measurements on a busy machine are noisy`,
);

/** One fresh process of `pipeline` on `model` and `set`: per mode its wall and CPU ms/photo (median of its passes). */
function runProcess(pipeline, model, set) {
  const out =
    pipeline === 'python'
      ? py([join(here, 'python/pipeline.py'), model, set.list, '--passes', String(PASSES), '--modes', PYTHON_MODES.join(',')])
      : execFileSync(process.execPath, [join(here, 'lib/peer-child.mjs'), pipeline, model, labelsPath, set.list, '--passes', String(PASSES)], {
          cwd: here,
          encoding: 'utf8',
          maxBuffer: 1 << 26,
        });
  return JSON.parse(out.trim().split('\n').at(-1));
}

const med = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const PIPELINES = ['ours', 'python', 'transformers'];
// The Python pipeline in batches and one at a time, then its stages on their own (CPU).
// batch8-nospin: the same with onnxruntime's threads never spinning (not what a user writes): on
// a busy machine the default's spinning threads wait on descheduled ones.
const PYTHON_MODES = ['batch8', 'batch8-nospin', 'single', 'decode', 'preprocess', 'run8'];
const samples = new Map(); // 'set|model|pipeline|mode' -> [{ wall, cpu } per process]
const top1 = new Map(); // 'set|model|pipeline' -> top-1 index per photo, from its first process
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 ? [...PIPELINES].reverse() : PIPELINES;
  for (const set of sets) {
    for (const [name, model] of models) {
      for (const pipeline of order) {
        const res = runProcess(pipeline, model, set);
        const key = [set.key, name, pipeline].join('|');
        if (!top1.has(key)) top1.set(key, res.top1);
        for (const mode of ['array', ...PYTHON_MODES]) {
          if (!res[mode]) continue;
          const sample = { wall: med(res[mode].wall), cpu: med(res[mode].cpu) };
          samples.set(`${key}|${mode}`, [...(samples.get(`${key}|${mode}`) ?? []), sample]);
        }
      }
    }
  }
  console.log(`round ${r + 1}/${ROUNDS} done`);
}
rmSync(tmp, { recursive: true, force: true });
machine.loadAfter = loadavg()[0];
console.log(`load average ${machine.loadAfter.toFixed(1)} at the end`);

const stat = (xs) => ({
  wall: med(xs.map((x) => x.wall)),
  cpu: med(xs.map((x) => x.cpu)),
  minWall: Math.min(...xs.map((x) => x.wall)),
  maxWall: Math.max(...xs.map((x) => x.wall)),
});
const agree = (a, b) => a.filter((x, i) => x === b[i]).length;
const wnidOf = (path) => path.split('/').at(-1).slice(0, 9);

// node-bench's transformers.js ratio from the same `pnpm bench:node` run (buffers, one process), when there.
const nodeLatest = join(here, 'results/node-latest.json');
const nodeBench = existsSync(nodeLatest) ? JSON.parse(readFileSync(nodeLatest, 'utf8')) : undefined;

const results = { machine, date: new Date().toISOString(), rounds: ROUNDS, passes: PASSES, sets: {} };
for (const set of sets) {
  console.log(`\n=== ${set.name}: ${set.paths.length} photos ===`);
  const out = { name: set.name, photos: set.paths.length, models: {} };
  results.sets[set.key] = out;
  for (const [name] of models) {
    const of = (pipeline, mode) => stat(samples.get([set.key, name, pipeline, mode].join('|')));
    const c = {
      array: of('ours', 'array'),
      single: of('ours', 'single'),
      pyBatch8: of('python', 'batch8'),
      pyBatch8NoSpin: of('python', 'batch8-nospin'),
      pySingle: of('python', 'single'),
      tfjsSingle: of('transformers', 'single'),
    };
    const stages = { decode: of('python', 'decode'), preprocess: of('python', 'preprocess'), run8: of('python', 'run8') };
    const ratios = {
      pythonBatch8VsArray: c.pyBatch8.wall / c.array.wall,
      pythonNoSpinVsArray: c.pyBatch8NoSpin.wall / c.array.wall,
      pythonSingleVsSingle: c.pySingle.wall / c.single.wall,
      transformersSingleVsArray: c.tfjsSingle.wall / c.array.wall,
      transformersSingleVsSingle: c.tfjsSingle.wall / c.single.wall,
      cpu: {
        pythonBatch8VsArray: c.pyBatch8.cpu / c.array.cpu,
        pythonSingleVsSingle: c.pySingle.cpu / c.single.cpu,
        transformersSingleVsArray: c.tfjsSingle.cpu / c.array.cpu,
      },
    };
    const t = Object.fromEntries(PIPELINES.map((p) => [p, top1.get([set.key, name, p].join('|'))]));
    const truth = set.paths.map((p) => labels.find((l) => l.id === wnidOf(p))?.index);
    const agreement = {
      photos: set.paths.length,
      oursVsPython: agree(t.ours, t.python),
      oursVsTransformers: agree(t.ours, t.transformers),
      correct: { ours: agree(t.ours, truth), python: agree(t.python, truth), transformers: agree(t.transformers, truth) },
      differ: set.paths.flatMap((p, i) =>
        t.ours[i] === t.python[i] ? [] : [{ photo: p.split('/').at(-1), ours: labels[t.ours[i]]?.label, python: labels[t.python[i]]?.label }],
      ),
    };
    out.models[name] = { cases: c, pythonStages: stages, ratios, agreement };
    console.log(`\n${name}: ms/photo, median of ${ROUNDS} processes (wall min-max), CPU ms/photo`);
    const rows = [
      ['onnx-mobilenet classify(array of 53 paths)', c.array, c.array],
      ['Python: onnxruntime + Pillow + numpy, batches of 8', c.pyBatch8, c.array],
      ['  the same, onnxruntime threads never spinning', c.pyBatch8NoSpin, c.array],
      ['transformers.js, one path at a time', c.tfjsSingle, c.array],
      ['onnx-mobilenet classify(path), one at a time', c.single, c.single],
      ['Python, one photo at a time (batch 1)', c.pySingle, c.single],
      ['transformers.js, one path at a time', c.tfjsSingle, c.single],
    ];
    console.log(`  ${'case'.padEnd(52)} ${'wall'.padStart(6)} ${'(min-max)'.padStart(13)} ${'CPU'.padStart(6)}  × onnx-mobilenet (wall, CPU)`);
    for (const [label, x, ours] of rows) {
      const range = `(${x.minWall.toFixed(1)}-${x.maxWall.toFixed(1)})`;
      console.log(
        `  ${label.padEnd(52)} ${x.wall.toFixed(2).padStart(6)} ${range.padStart(13)} ${x.cpu.toFixed(2).padStart(6)}  ${(x.wall / ours.wall).toFixed(2)}x, ${(x.cpu / ours.cpu).toFixed(2)}x`,
      );
    }
    const nb = set.key === 'bench' ? nodeBench?.models?.[name]?.speedup?.arrayVsTransformersSingle : undefined;
    console.log(
      `  Python / onnx-mobilenet: ${ratios.pythonBatch8VsArray.toFixed(2)}x (batches), ${ratios.pythonSingleVsSingle.toFixed(2)}x (one at a time); ` +
        `transformers.js / onnx-mobilenet: ${ratios.transformersSingleVsArray.toFixed(2)}x (vs our array), ${ratios.transformersSingleVsSingle.toFixed(2)}x (one at a time)` +
        (nb ? `; node-bench (${nodeBench.date}, buffers, one process): ${nb.toFixed(2)}x` : ''),
    );
    const ns = set.key === 'bench' ? nodeBench?.models?.[name]?.stages : undefined;
    console.log(
      `  Python's stages, CPU ms/photo: Pillow decode ${stages.decode.cpu.toFixed(2)}, decode + resize + crop + normalise ${stages.preprocess.cpu.toFixed(2)}, session.run batch 8 ${stages.run8.cpu.toFixed(2)}` +
        (ns
          ? `; node-bench's: sharp decode + resize + crop ${ns.decode.cpu.toFixed(2)} + normalise ${ns.normalise.cpu.toFixed(2)}, session.run batch 8 ${Math.min(ns.run8.cpu, ns.run8Quiet.cpu).toFixed(2)}`
          : ''),
    );
    console.log(
      `  top-1: onnx-mobilenet and Python agree on ${agreement.oursVsPython}/${agreement.photos}, onnx-mobilenet and transformers.js on ${agreement.oursVsTransformers}/${agreement.photos}; ` +
        `correct (the file's wnid): ours ${agreement.correct.ours}, Python ${agreement.correct.python}, transformers.js ${agreement.correct.transformers}`,
    );
    for (const d of agreement.differ) console.log(`    ${d.photo}: onnx-mobilenet ${d.ours}, Python ${d.python}`);
  }
}
const file = writeResults(join(here, 'results'), 'python-peer', results);
console.log(`\nwrote ${file} and bench/results/python-peer-latest.json`);
