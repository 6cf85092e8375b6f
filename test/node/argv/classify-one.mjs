// Loads a classifier and classifies one photo, whatever else is on its command line (the tests
// pad it). Prints one JSON line: { pid, id } or { pid, code, message }. Uses the built
// packages (dist/), as an application would. MODEL, LABELS and PHOTO come from the environment.
import { createClassifier } from '@onnx-mobilenet/node';

const { MODEL, LABELS, PHOTO } = process.env;
// Without them createClassifier would fetch its default model: fail instead.
if (!MODEL || !LABELS || !PHOTO) throw new Error('classify-one.mjs needs MODEL, LABELS and PHOTO in its environment');
try {
  const classifier = await createClassifier({ model: MODEL, labels: LABELS });
  const [best] = await classifier.classify(PHOTO, { topK: 1 });
  await classifier.dispose();
  console.log(JSON.stringify({ pid: process.pid, id: best?.id }));
} catch (/** @type {any} */ e) {
  console.log(JSON.stringify({ pid: process.pid, code: e?.code, message: String(e?.message) }));
}
