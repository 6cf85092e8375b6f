// pnpm bench: onnx-mobilenet in Node against the floor (bare session.run on prepared tensors), a
// hand-written pipeline and transformers.js, on the ../shared photos and large synthetic photos,
// all in this one process. Prints tables and writes bench/results/node-<date>.json.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { DEFAULTS, parseLabels } from '@onnx-mobilenet/core';
import { normalizeToCHW, planResize, predictionsFromLogits, resizeAndCrop } from '@onnx-mobilenet/core/preprocess';
import { createClassifier } from '@onnx-mobilenet/node';
import { nodeBackend } from '@onnx-mobilenet/node/adapter';
import { handPreprocess } from './lib/hand-pipeline.mjs';
import { printTable, row, summarize, timeBatches, timeEach, timeInFlight, writeResults } from './lib/stats.mjs';
import { createTransformersPipeline } from './lib/transformers-baseline.mjs';
import { ASSETS_DIR } from '../test/assets-dir.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const assets = ASSETS_DIR;
const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 1 : 3;
const SOAK = Number(process.env.BENCH_SOAK ?? (quick ? 500 : 5000));
const pre = DEFAULTS.preprocess;

const labels = parseLabels(readFileSync(join(assets, 'models/synset.txt'), 'utf8'));
const photoFiles = readdirSync(join(assets, 'images'))
  .filter((f) => /\.jpe?g$/i.test(f))
  .sort();
const photos = photoFiles.map((f) => ({ name: f, wnid: f.slice(0, 9), bytes: readFileSync(join(assets, 'images', f)) }));
const buffers = photos.map((p) => p.bytes);
const results = {
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, ort: '1.30.0', sharp: sharp.versions.sharp },
  date: new Date().toISOString(),
  models: {},
};
let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
const rssTimer = setInterval(sampleRss, 50);

function top1Ids(listOfPreds) {
  return listOfPreds.map((p) => p[0]?.id);
}

async function syntheticPhotos() {
  // Real content scaled up, so the JPEGs compress like camera photos.
  const base = photos.find((p) => p.name.includes('zebra')).bytes;
  const big = async (w, h) => sharp(base).resize(w, h, { fit: 'fill', kernel: 'lanczos3' }).jpeg({ quality: 90 }).toBuffer();
  const png = await sharp(base).resize(2000, 2000, { fit: 'fill' }).ensureAlpha(0.8).png().toBuffer();
  return [
    { name: '4000x3000 JPEG', bytes: await big(4000, 3000) },
    { name: '6000x4000 JPEG', bytes: await big(6000, 4000) },
    { name: '2000x2000 PNG with alpha', bytes: png },
  ];
}

async function benchModel(name, modelPath) {
  console.log(`\n=== ${name} (${modelPath.split('/').pop()}) ===`);
  const out = { stages: [], pipelines: [], large: [], agreement: {} };
  const session = await ort.InferenceSession.create(modelPath, { graphOptimizationLevel: 'all' });
  const classifier = await createClassifier({ model: modelPath, labels: join(assets, 'models/synset.txt') });

  // The adapter's decode, then core's resize for the few photos sharp hands back unplanned.
  const decodeToCrop = async (b) => {
    const d = await nodeBackend.decodeImage(b, (w, h) => planResize(w, h, pre), { limits: DEFAULTS.limits });
    return d.planned ? d.image : resizeAndCrop(d.image, pre);
  };
  // Prepared tensors, once: input of the floor.
  const tensors = [];
  for (const b of buffers) tensors.push(await classifier.prepare(b));
  const runBatch = async (batch) => {
    const data = new Float32Array(batch.length * 3 * 224 * 224);
    batch.forEach((t, i) => {
      data.set(t, i * t.length);
    });
    const r = await session.run({ input: new ort.Tensor('float32', data, [batch.length, 3, 224, 224]) });
    return r.output.data;
  };

  // Stages of onnx-mobilenet, one photo at a time.
  const decodeOnly = await timeEach(buffers, (b) => sharp(b).raw().toBuffer(), { rounds: ROUNDS });
  const decodeResizeCrop = await timeEach(buffers, decodeToCrop, { rounds: ROUNDS });
  const crops = [];
  for (const b of buffers) crops.push(await decodeToCrop(b));
  const normalise = await timeEach(crops, (c) => normalizeToCHW(c, pre.mean, pre.std), { rounds: ROUNDS * 5 });
  const floor1 = await timeEach(tensors, (t) => runBatch([t]), { rounds: ROUNDS });
  const logits = await runBatch([tensors[0]]);
  const post = await timeEach(
    Array.from({ length: 200 }, () => logits),
    (l) => predictionsFromLogits(l, labels, { topK: 5 }),
    { warmup: 20 },
  );
  const e2e1 = await timeEach(buffers, (b) => classifier.classify(b), { rounds: ROUNDS });
  out.stages.push(
    row('read/decode full size (sharp, for reference)', decodeOnly),
    row('decode + resize + crop (sharp, one pipeline)', decodeResizeCrop),
    row('normalise to CHW (lookup tables)', normalise),
    row('session.run, batch 1 (the floor)', floor1),
    row('softmax + top-5', post),
    row('end to end classify(jpegBytes), batch 1', e2e1),
  );
  printTable(`${name}: stages, one photo at a time`, out.stages);

  // Whole pipelines: throughput and latency against the baselines.
  const floor8 = await timeBatches(tensors, 8, runBatch, { rounds: ROUNDS });
  const floor32 = await timeBatches(tensors, 32, runBatch, { rounds: ROUNDS });
  const ours8 = await timeBatches(buffers, 8, (b) => classifier.classify(b), { rounds: ROUNDS });
  const ours32 = await timeBatches(buffers, 32, (b) => classifier.classify(b), { rounds: ROUNDS });
  const inflight = [];
  for (let r = 0; r < ROUNDS; r++) inflight.push(await timeInFlight(buffers, 8, (b) => classifier.classify(b)));
  const hand = await timeEach(buffers, async (b) => runBatch([await handPreprocess(b)]), { rounds: 1 });
  const tfjs = await createTransformersPipeline(modelPath, labels);
  const tfjs1 = await timeEach(buffers, (b) => tfjs(new Blob([b]), { top_k: 5 }), { rounds: 1 });
  const base = row('floor: session.run batch 1', floor1);
  out.pipelines.push(
    base,
    row('floor: session.run batch 8', floor8),
    row('floor: session.run batch 32', floor32),
    row('onnx-mobilenet classify(jpeg), batch 1', e2e1),
    row('onnx-mobilenet classify(jpegs), batch 8', ours8),
    row('onnx-mobilenet classify(jpegs), batch 32', ours32),
    row('onnx-mobilenet, 8 single calls in flight', summarize(inflight).median),
    row('hand-written: sharp full decode + JS resize + loop', hand),
    row('transformers.js image-classification pipeline', tfjs1),
  );
  printTable(`${name}: pipelines (× = ms per photo relative to the floor at batch 1)`, out.pipelines, base);

  // Same work? top-1 agreement of the three pipelines.
  const oursTop = top1Ids(await classifier.classify(buffers, { topK: 1 }));
  const handTop = [];
  for (const b of buffers) handTop.push(predictionsFromLogits(await runBatch([await handPreprocess(b)]), labels, { topK: 1 })[0].id);
  const tfTop = [];
  for (const b of buffers) {
    const [best] = await tfjs(new Blob([b]), { top_k: 1 });
    tfTop.push(labels.find((l) => l.label === best.label)?.id);
  }
  const agree = (a, b) => a.filter((x, i) => x === b[i]).length;
  out.agreement = {
    photos: photos.length,
    oursCorrect: agree(
      oursTop,
      photos.map((p) => p.wnid),
    ),
    oursVsHand: agree(oursTop, handTop),
    oursVsTransformers: agree(oursTop, tfTop),
    handVsTransformers: agree(handTop, tfTop),
  };
  console.log(
    `top-1 agreement on ${photos.length} photos: ours/hand ${out.agreement.oursVsHand}, ours/transformers.js ${out.agreement.oursVsTransformers}, hand/transformers.js ${out.agreement.handVsTransformers}`,
  );

  // Large photos: preprocessing only (decode + resize + crop + normalise).
  for (const s of await syntheticPhotos()) {
    const t = await timeEach([s.bytes], async (b) => normalizeToCHW(await decodeToCrop(b), pre.mean, pre.std), { warmup: 1, rounds: quick ? 3 : 10 });
    out.large.push(row(`preprocess ${s.name} (${(s.bytes.byteLength / 1e6).toFixed(1)} MB)`, t));
  }
  printTable(`${name}: large photos, preprocessing only`, out.large);
  await classifier.dispose();
  await session.release();
  return out;
}

async function soak(modelPath) {
  // RSS growth over SOAK classifications after warm-up.
  const c = await createClassifier({ model: modelPath, labels: join(assets, 'models/synset.txt') });
  const warm = async (n) => {
    for (let i = 0; i < n; i += 8) await c.classify(buffers.slice(i % 48, (i % 48) + 8));
  };
  await warm(400);
  global.gc?.();
  const before = process.memoryUsage().rss;
  await warm(SOAK);
  global.gc?.();
  const after = process.memoryUsage().rss;
  await c.dispose();
  return { classifications: SOAK, rssBeforeMB: before / 2 ** 20, rssAfterMB: after / 2 ** 20, growthMB: (after - before) / 2 ** 20 };
}

function coldStart(modelPath) {
  // A fresh process: createClassifier from a local file to the first result.
  const script = `
    const t0 = performance.now();
    const { createClassifier } = await import('@onnx-mobilenet/node');
    const t1 = performance.now();
    const c = await createClassifier({ model: ${JSON.stringify(modelPath)}, labels: ${JSON.stringify(join(assets, 'models/synset.txt'))} });
    await c.classify(${JSON.stringify(join(assets, 'images', photoFiles[0]))});
    const t2 = performance.now();
    console.log(JSON.stringify({ importMs: t1 - t0, createToFirstResultMs: t2 - t1 }));`;
  const runs = [];
  for (let i = 0; i < 5; i++) runs.push(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: here, encoding: 'utf8' })));
  return { importMs: summarize(runs.map((r) => r.importMs)).median, createToFirstResultMs: summarize(runs.map((r) => r.createToFirstResultMs)).median };
}

const models = [
  ['int8', join(assets, 'models/mobilenetv2-12-int8.onnx')],
  ['fp32 stand-in', join(assets, 'models/mobilenetv2-12-fp32-dequantized.onnx')],
];
for (const [name, path] of models) {
  results.models[name] = await benchModel(name, path);
  results.models[name].coldStart = coldStart(path);
  console.log(
    `cold start (fresh process, median of 5): import ${results.models[name].coldStart.importMs.toFixed(0)} ms, createClassifier to first result ${results.models[name].coldStart.createToFirstResultMs.toFixed(0)} ms`,
  );
}
results.soak = await soak(models[0][1]);
console.log(
  `\nmemory: RSS ${results.soak.rssBeforeMB.toFixed(1)} MB -> ${results.soak.rssAfterMB.toFixed(1)} MB over ${SOAK} classifications (growth ${results.soak.growthMB.toFixed(1)} MB)`,
);
clearInterval(rssTimer);
sampleRss();
results.peakRssMB = peakRss / 2 ** 20;
console.log(`peak RSS of the whole run: ${results.peakRssMB.toFixed(0)} MB`);

const file = writeResults(join(here, 'results'), 'node', results);
console.log(`\nwrote ${file}`);
