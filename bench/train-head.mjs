// pnpm --filter onnx-mobilenet-bench run bench:train: your own classes on the ../shared photos.
// The trained head (core's createTrainer) against the k-NN few-shot (createFewShotClassifier,
// k = 1 and 3) on the same shots, with and without augmented views; a bench-only hidden-layer
// prototype; a hyper-parameter grid; training time for 100 photos; exported file sizes.
// Prints markdown and writes bench/results/train-head-<date>.json and train-head-latest.md.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { DEFAULTS } from '@onnx-mobilenet/core';
import { exportFewShotModel } from '@onnx-mobilenet/core/graph';
import { createClassifier, createFewShotClassifier, createTrainer } from '@onnx-mobilenet/node';
import { ASSETS_DIR } from '../test/assets-dir.mjs';
import { compare, head, knn, mlp } from './lib/head-eval.mjs';
import { CROP_PHOTOS, randomCrops, seeded, superclassOf } from './lib/head-tasks.mjs';
import { machineFacts } from './lib/machine.mjs';
import { writeResults } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const DRAWS_A = quick ? 2 : 10;
const DRAWS_B = quick ? 2 : 5;
const CROPS_PER_PHOTO = 20; // task (b): 10 to draw shots from are not enough for 5 shots and tests, so 20
const models = join(ASSETS_DIR, 'models');
const files = readdirSync(join(ASSETS_DIR, 'images'))
  .filter((f) => /\.jpe?g$/i.test(f))
  .sort();
const photos = files.map((f) => ({ wnid: f.slice(0, 9), name: f.slice(10).replace(/\.[^.]+$/, ''), path: join(ASSETS_DIR, 'images', f) }));
const results = { machine: machineFacts({ onnxruntime: '1.30.0' }), date: new Date().toISOString(), defaults: DEFAULTS.train };
const md = [];
const out = (line = '') => {
  console.log(line);
  md.push(line);
};
const pct = (x) => `${(100 * x).toFixed(1)} %`;
const table = (header, rows) => {
  out(`| ${header.join(' | ')} |`);
  out(`| ${header.map(() => '---').join(' | ')} |`);
  for (const r of rows) out(`| ${r.join(' | ')} |`);
  out();
};
const ms = (t0) => performance.now() - t0;

const classifier = await createClassifier({ model: join(models, 'mobilenetv2-12-int8.onnx'), labels: join(models, 'synset.txt') });
// Each photo's views, once, through the trainer's own augmentation (trainer.views), reused by every draw.
const viewsOf = (augment, seed) => createTrainer(classifier, { augment, seed });
out(`# Your own classes: head against k-NN (${results.machine.cpu}, ${results.machine.cores} cores, node ${results.machine.node})`);
out();

// Task (a): 53 photos, 5 superclasses; views: centre, its mirror, 4 random 224-crops of the 256 resize and their mirrors.
let t0 = performance.now();
const taskA = [];
for (const [i, p] of photos.entries()) taskA.push({ label: superclassOf(p.wnid), views: await viewsOf({ flip: true, crops: 4 }, i + 1).views(p.path) });
const embedA = ms(t0);
// Task (b): 10 mammal photos, each a class; items are random crops (25–50 % of each side), views: the crop and its mirror.
t0 = performance.now();
const taskB = [];
for (const wnid of CROP_PHOTOS) {
  const p = photos.find((x) => x.wnid === wnid);
  const crops = await randomCrops(readFileSync(p.path), CROPS_PER_PHOTO, seeded(Number(wnid.slice(1))));
  for (const [j, crop] of crops.entries()) taskB.push({ label: p.name, views: await viewsOf({ flip: true }, j).views(crop) });
}
const embedB = ms(t0);
const counts = [...new Set(taskA.map((i) => i.label))].map((k) => `${k} ${taskA.filter((i) => i.label === k).length}`);
out(`Task (a): ${taskA.length} photos in 5 superclasses (${counts.join(', ')}), 10 views each (embedded in ${(embedA / 1000).toFixed(1)} s).`);
out(`Task (b): ${CROP_PHOTOS.length} photos as classes, ${CROPS_PER_PHOTO} random crops each, 2 views per crop (embedded in ${(embedB / 1000).toFixed(1)} s).`);
out(`Accuracy on the held-out items (plain view), mean over ${DRAWS_A} draws (a) / ${DRAWS_B} draws (b) of the shots; every method sees the same shots.`);
out();

const noVal = { validationSplit: 0 };
const mainMethods = (tuned) => [
  knn(1),
  knn(3),
  head('head, defaults (20 % validation, early stop)'),
  head('head, validationSplit 0', noVal),
  ...(tuned ? [head(`head, tuned (${JSON.stringify(tuned)})`, { ...noVal, ...tuned })] : []),
  mlp(64, { epochs: 60 }),
  mlp(128, { epochs: 60 }),
];

// Hyper-parameters on task (a) (shots 1 and 3, no validation so every shot trains), confirmed on (b).
out('## Hyper-parameters (task a, validationSplit 0, mean of shots 1 and 3)');
out();
const grid = [];
for (const learningRate of [0.001, 0.003, 0.01, 0.03])
  for (const l2 of [0, 0.001, 0.01, 0.1, 0.3])
    for (const epochs of [30, 100]) {
      const opts = { learningRate, l2, epochs };
      let sum = 0;
      for (const shots of [1, 3]) {
        const r = await compare(classifier, taskA, { shots, draws: Math.ceil(DRAWS_A / 2), methods: [head('h', { ...noVal, ...opts })], seed: 7 });
        sum += r.accuracy.h / 2;
      }
      grid.push({ ...opts, accuracy: sum });
    }
grid.sort((a, b) => b.accuracy - a.accuracy);
table(
  ['learningRate', 'l2', 'epochs', 'accuracy (a)'],
  grid.slice(0, 8).map((g) => [g.learningRate, g.l2, g.epochs, pct(g.accuracy)]),
);
const def = grid.find((g) => g.learningRate === DEFAULTS.train.learningRate && g.l2 === DEFAULTS.train.l2 && g.epochs === DEFAULTS.train.epochs);
out(`Defaults (learningRate ${def.learningRate}, l2 ${def.l2}, epochs ${def.epochs}): ${pct(def.accuracy)}; worst of the grid: ${pct(grid.at(-1).accuracy)}.`);
out();
const { learningRate, l2, epochs } = grid[0];
const tuned = { learningRate, l2, epochs };
results.grid = grid;

// Head against k-NN and the hidden-layer prototype, every view (flip + crops), several shots.
results.tasks = {};
for (const [task, items, shotsList, draws] of [
  ['a', taskA, [1, 2, 3], DRAWS_A],
  ['b', taskB, [1, 3, 5], DRAWS_B],
]) {
  out(`## Task (${task}): accuracy by shots per class`);
  out();
  const rows = [];
  const per = {};
  for (const shots of shotsList) {
    const r = await compare(classifier, items, { shots, draws, methods: mainMethods(tuned) });
    per[shots] = r;
    rows.push(r);
  }
  const names = Object.keys(rows[0].accuracy);
  table(
    ['method', ...shotsList.map((s, i) => `${s} shot${s > 1 ? 's' : ''} (${rows[i].testedPerDraw} tested)`)],
    names.map((n) => [n, ...rows.map((r) => pct(r.accuracy[n]))]),
  );
  results.tasks[task] = per;
}

// Augmentation: the same shots with fewer views.
out('## Augmentation (task a, 3 shots): views per training photo');
out();
const viewSets = [
  ['plain centre crop (1 view)', (i) => i.views.slice(0, 1)],
  ['+ mirror (2 views)', (i) => i.views.slice(0, 2)],
  ['+ 4 crops and mirrors (10 views)', (i) => i.views],
];
const augRows = [];
for (const [name, viewsOf] of viewSets) {
  const r = await compare(classifier, taskA, { shots: 3, draws: DRAWS_A, methods: [knn(1), knn(3), head('head', noVal)], viewsOf });
  augRows.push([name, ...Object.values(r.accuracy).map(pct)]);
}
table(['training views', 'k-NN k=1', 'k-NN k=3', 'head (validationSplit 0)'], augRows);
results.augmentation = augRows;

// Training time for 100 photos: the 53 photos and 47 of them mirrored (sharp flop), as JPEG bytes, labelled by superclass.
const hundred = [
  ...photos.map((p) => ({ label: superclassOf(p.wnid), bytes: readFileSync(p.path) })),
  ...(await Promise.all(
    photos.slice(0, 47).map(async (p) => ({ label: superclassOf(p.wnid), bytes: await sharp(p.path).flop().jpeg({ quality: 92 }).toBuffer() })),
  )),
];
out('## Training 100 photos in Node (53 photos + 47 of them mirrored, 5 superclasses, train() defaults)');
out();
const timeRows = [];
let trained;
// "one at a time" awaits each add(); "at once" calls them all (the classifier batches the embeddings
// and decodes while a batch runs; the trainer keeps call order, so the head is the same).
for (const [name, augment, atOnce] of [
  ['no augmentation, one at a time', undefined, false],
  ['no augmentation, at once', undefined, true],
  ['flip + 2 crops (6 views), at once', { flip: true, crops: 2 }, true],
]) {
  const trainer = createTrainer(classifier, { augment });
  t0 = performance.now();
  if (atOnce) await Promise.all(hundred.map((p) => trainer.add(p.bytes, p.label)));
  else for (const p of hundred) await trainer.add(p.bytes, p.label);
  const embedMs = ms(t0);
  t0 = performance.now();
  trained = await trainer.train();
  timeRows.push([name, `${(embedMs / 1000).toFixed(2)} s`, `${(ms(t0) / 1000).toFixed(2)} s (${trained.report.epochs} epochs)`]);
}
table(['views', 'embedding (decode, resize, model)', 'fitting train()'], timeRows);
results.timing = timeRows;

// Exported file sizes, the same 5-class head on the int8 and the fp32 base.
const fp32 = await createClassifier({ model: join(models, 'mobilenetv2-12-fp32-dequantized.onnx'), labels: join(models, 'synset.txt') });
const sizes = [];
for (const [name, c, base] of [
  ['int8', classifier, 'mobilenetv2-12-int8.onnx'],
  ['fp32', fp32, 'mobilenetv2-12-fp32-dequantized.onnx'],
]) {
  const bytes = readFileSync(join(models, base));
  const file = await createTrainer(c).exportModel(trained);
  const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
  const knnFile = async (viewsOf) => {
    const fewShot = createFewShotClassifier(c);
    for (const item of taskA) for (const v of viewsOf(item)) fewShot.addEmbedding(v, item.label);
    return mb((await exportFewShotModel(bytes, fewShot.toJSON(), { preprocess: c.preprocessOptions })).byteLength);
  };
  sizes.push([name, mb(bytes.byteLength), mb(file.byteLength), await knnFile((i) => i.views.slice(0, 1)), await knnFile((i) => i.views)]);
}
out('## Exported file (5 classes)');
out();
table(['base', 'base file', 'trained head', 'k-NN, 53 examples', 'k-NN, 530 examples (10 views)'], sizes);
results.sizes = sizes;
await fp32.dispose();
await classifier.dispose();

const dated = writeResults(join(here, 'results'), 'train-head', results);
writeFileSync(join(here, 'results', 'train-head-latest.md'), `${md.join('\n')}\n`);
console.log(`\nwrote ${dated} and train-head-latest.md`);
