import { readdirSync, readFileSync } from 'node:fs';
import { createClassifier } from '@onnx-mobilenet/node';
const dir = '../../shared/images/';
const bufs = readdirSync(dir).map((f) => readFileSync(dir + f));
const model = process.argv[2] ?? '../../shared/models/mobilenetv2-12-int8.onnx';
for (const [name, opts] of [
  ['default', {}],
  ['no spin', { sessionOptions: { extra: { session: { intra_op: { allow_spinning: '0' } } } } }],
  ['threads 1', { threads: 1 }],
  ['threads 2 no spin', { threads: 2, sessionOptions: { extra: { session: { intra_op: { allow_spinning: '0' } } } } }],
  ['default', {}],
]) {
  const c = await createClassifier({ model, labels: '../../shared/models/synset.txt', ...opts });
  await c.classify(bufs.slice(0, 16));
  let t0 = performance.now();
  for (let r = 0; r < 4; r++) for (let i = 0; i + 8 <= bufs.length; i += 8) await c.classify(bufs.slice(i, i + 8));
  const b8 = (performance.now() - t0) / (4 * 48);
  t0 = performance.now();
  for (let r = 0; r < 2; r++) for (const b of bufs) await c.classify(b);
  const b1 = (performance.now() - t0) / (2 * bufs.length);
  t0 = performance.now();
  for (let r = 0; r < 2; r++) await c.classify(bufs);
  const all = (performance.now() - t0) / (2 * bufs.length);
  console.log(name.padEnd(20), 'batch8', b8.toFixed(2), 'single', b1.toFixed(2), 'array53', all.toFixed(2));
  await c.dispose();
}
