// Trains a classifier for your own classes and classifies with the file it writes:
//   node train.mjs photos -o mine.onnx [--model m] [--labels l] [--flip] [--crops n] [photo...]
// photos/ holds one folder per class, named after it: photos/ripe/*.jpg, photos/unripe/*.jpg, ...
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createClassifier, createTrainer } from '@onnx-mobilenet/node';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    output: { type: 'string', short: 'o', default: 'mine.onnx' },
    model: { type: 'string' },
    labels: { type: 'string' },
    flip: { type: 'boolean', default: false },
    crops: { type: 'string', default: '0' },
  },
});
const [folder, ...photos] = positionals;
if (!folder) {
  console.error('usage: node train.mjs <folder of class folders> [-o mine.onnx] [--model m] [--labels l] [--flip] [--crops n] [photo...]');
  process.exit(2);
}

// 1. The base model. `labels` only names ImageNet's classes, which training does not use: with a
//    local model and no network, pass the model's synset.txt so it is not downloaded.
const base = await createClassifier({ model: values.model, labels: values.labels });

// 2. Every subfolder is a class; every image in it an example. The adds are called in sorted order
//    and run at once: the classifier batches the embeddings, and the trainer keeps the order of
//    the calls, so the same folder and seed train the same head.
const trainer = createTrainer(base, { augment: { flip: values.flip, crops: Number(values.crops) }, seed: 1 });
const classes = readdirSync(folder, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
  .map((d) => d.name)
  .sort();
let started = performance.now();
await Promise.all(
  classes.flatMap((label) =>
    readdirSync(join(folder, label))
      .filter((f) => /\.(jpe?g|png|webp)$/i.test(f))
      .sort()
      .map((file) => trainer.add(join(folder, label, file), label)),
  ),
);
console.log(`embedded ${JSON.stringify(Object.fromEntries(trainer.labels()))} in ${Math.round(performance.now() - started)} ms`);

// 3. Fit the head: a fifth of each class held out to validate, early stopping, classes balanced.
const head = await trainer.train({ seed: 1 });
const { report } = head;
console.log(`trained ${report.epochs} epochs in ${Math.round(report.milliseconds)} ms (kept epoch ${report.bestEpoch})`);
console.log(
  report.validationAccuracy === null
    ? 'no validation photos'
    : `validation accuracy ${(report.validationAccuracy * 100).toFixed(1)}% on ${report.photos.validation} photos`,
);
console.log(`confusion (rows: true, columns: predicted, order ${head.labels.join(', ')}): ${JSON.stringify(report.confusion)}`);

// 4. One ONNX file: the base model up to its embedding, then the head; class names in its metadata.
started = performance.now();
const bytes = await trainer.exportModel(head);
writeFileSync(values.output, bytes);
console.log(`wrote ${values.output} (${(bytes.byteLength / 1e6).toFixed(2)} MB) in ${Math.round(performance.now() - started)} ms`);
await base.dispose();

// 5. Classify with the file alone: no labels file, the class names come from the model.
const mine = await createClassifier({ model: values.output });
for (const photo of photos) {
  const [top] = await mine.classify(photo, { topK: 1 });
  console.log(`${photo}: ${top.label} ${(top.probability * 100).toFixed(1)}%`);
}
await mine.dispose();
