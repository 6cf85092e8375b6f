// Classify photos with the library API: node classify.mjs [--model m] [--labels l] photo...
import { parseArgs } from 'node:util';
import { createClassifier, isOnnxMobilenetError } from '@onnx-mobilenet/node';

const { values, positionals: photos } = parseArgs({
  allowPositionals: true,
  options: { model: { type: 'string' }, labels: { type: 'string' } },
});
if (photos.length === 0) {
  console.error('usage: node classify.mjs [--model name|path] [--labels path] photo...');
  process.exit(2);
}

// One classifier for all photos: loading the model is the expensive part.
const classifier = await createClassifier({
  model: values.model, // default: 'mobilenetv2-7', downloaded once and cached
  labels: values.labels,
  onProgress: ({ url, loaded, total }) => process.stderr.write(`\rdownloading ${url}: ${loaded}/${total ?? '?'} bytes`),
});

// One call per photo, all at once: the classifier batches calls that wait together, and a photo
// that fails rejects only its own call (classify(array) would stop at the first failure).
const results = await Promise.allSettled(photos.map((photo) => classifier.classify(photo, { topK: 3 })));
results.forEach((result, i) => {
  if (result.status === 'rejected') {
    const err = result.reason;
    console.error(`${photos[i]}: ${isOnnxMobilenetError(err) ? err.code : 'error'}: ${err.message}`);
    process.exitCode = 1;
    return;
  }
  const summary = result.value.map((p) => `${p.label} ${(p.probability * 100).toFixed(1)}%`).join(', ');
  console.log(`${photos[i]}: ${summary}`);
});
await classifier.dispose();
