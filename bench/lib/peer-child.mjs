// One fresh process of the Python-peer bench (bench/python-peer-bench.mjs), the Node side:
//   node peer-child.mjs ours|transformers MODEL LABELS LIST [--passes N]
// ours: onnx-mobilenet's Node adapter (from dist), classify(array of paths) and classify(path)
// one at a time; transformers: transformers.js' image-classification pipeline on the same file,
// one path at a time. As bench/python/pipeline.py: one untimed pass per mode, then N timed
// passes; prints one JSON line (wall and CPU ms/photo per pass, top-1 class index per photo).
import { readFileSync } from 'node:fs';
import { parseLabels } from '@onnx-mobilenet/core';
import { createClassifier } from '@onnx-mobilenet/node';
import { cpuMs } from './cpu-time.mjs';
import { createTransformersPipeline } from './transformers-baseline.mjs';

const [pipeline, model, labelsPath, list] = process.argv.slice(2);
const passes = Number(process.argv[process.argv.indexOf('--passes') + 1] || 3);
const paths = readFileSync(list, 'utf8').split('\n').filter(Boolean);
const labels = parseLabels(readFileSync(labelsPath, 'utf8'));

/** @type {Record<string, () => Promise<number[]>>} mode -> a pass over every photo, giving top-1 indices */
const modes = {};
let dispose;
if (pipeline === 'ours') {
  const c = await createClassifier({ model, labels: labelsPath });
  modes.array = async () => (await c.classify(paths)).map((p) => p[0].index);
  modes.single = async () => {
    const top = [];
    for (const p of paths) top.push((await c.classify(p))[0].index);
    return top;
  };
  dispose = () => c.dispose();
} else if (pipeline === 'transformers') {
  const tfjs = await createTransformersPipeline(model, labels);
  const index = new Map(labels.map((l) => [l.label, l.index]));
  modes.single = async () => {
    const top = [];
    for (const p of paths) top.push(index.get((await tfjs(p, { top_k: 5 }))[0].label));
    return top;
  };
  dispose = () => tfjs.dispose();
} else {
  throw new Error(`unknown pipeline ${pipeline}: ours or transformers`);
}

const result = {};
for (const [mode, run] of Object.entries(modes)) {
  const top1 = await run();
  result.top1 ??= top1;
  const wall = [];
  const cpu = [];
  for (let i = 0; i < passes; i++) {
    const c0 = cpuMs();
    const t0 = performance.now();
    await run();
    wall.push((performance.now() - t0) / paths.length);
    cpu.push((cpuMs() - c0) / paths.length);
  }
  result[mode] = { wall, cpu };
}
await dispose();
console.log(JSON.stringify(result));
