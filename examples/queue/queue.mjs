// Enqueue a folder, classify it with a worker in this process, print the results.
// On many machines: run the producer once, and `createQueueWorker` (or `onnx-mobilenet worker`) on each.
//   node queue.mjs <folder> [redis-url] [model] [labels]
import { countResults, createQueueWorker, enqueue, listInputs, readResults } from '@onnx-mobilenet/queue';

const [folder, connection = 'redis://127.0.0.1:6379', model = 'mobilenetv2-12-int8', labels] = process.argv.slice(2);
if (!folder) {
  console.error('usage: node queue.mjs <folder> [redis-url] [model] [labels]');
  process.exit(2);
}
const queueName = 'example';
const { submitted, alreadyDone } = await enqueue(listInputs(folder), { connection, queueName });
console.error(`enqueued ${submitted}, ${alreadyDone} already done`);

// roots: the folders whose images jobs may name (a worker reads no local file outside them)
const worker = await createQueueWorker({ connection, queueName, roots: [folder], concurrency: 8, classifierOptions: { model, labels, embeddings: false } });
const total = submitted + alreadyDone;
const started = Date.now();
while ((await countResults({ connection, queueName })) < total) await new Promise((r) => setTimeout(r, 200));
await worker.close();
console.error(`${total} results in ${((Date.now() - started) / 1000).toFixed(1)} s`);

for await (const r of readResults({ connection, queueName })) {
  console.log(`${r.image}\t${'predictions' in r ? `${r.predictions[0]?.label} ${r.predictions[0]?.probability.toFixed(3)}` : r.error.code}`);
}
