// Teach classes from folders of photos, then classify with them:
//   node few-shot.mjs --teach examples/ [--save classes.json] [--model m] [--labels l] photo...
//   node few-shot.mjs --load classes.json photo...
// examples/ holds one folder per class: examples/mug/*.jpg, examples/plant/*.jpg, ...
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createClassifier, createFewShotClassifier } from '@onnx-mobilenet/node';

const { values, positionals: photos } = parseArgs({
  allowPositionals: true,
  options: {
    teach: { type: 'string' },
    load: { type: 'string' },
    save: { type: 'string' },
    model: { type: 'string' },
    labels: { type: 'string' },
    k: { type: 'string' },
  },
});
if ((!values.teach && !values.load) || photos.length === 0) {
  console.error('usage: node few-shot.mjs (--teach <dir> [--save f.json] | --load f.json) [--model m] [--labels l] photo...');
  process.exit(2);
}

const classifier = await createClassifier({ model: values.model, labels: values.labels });
const fewShot = createFewShotClassifier(classifier, values.load ? JSON.parse(readFileSync(values.load, 'utf8')) : undefined);

if (values.teach) {
  // every sub-folder is a class, every image in it an example
  for (const label of readdirSync(values.teach, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)) {
    for (const file of readdirSync(join(values.teach, label)).filter((f) => /\.(jpe?g|png|webp)$/i.test(f))) {
      await fewShot.add(join(values.teach, label, file), label);
    }
  }
  console.error(`taught ${JSON.stringify(Object.fromEntries(fewShot.labels()))}`);
  if (values.save) writeFileSync(values.save, JSON.stringify(fewShot.toJSON()));
}

for (const photo of photos) {
  const { label, confidence } = await fewShot.predict(photo, { k: Number(values.k ?? 3) });
  console.log(`${photo}: ${label} (${(confidence * 100).toFixed(0)}%)`);
}
await classifier.dispose();
