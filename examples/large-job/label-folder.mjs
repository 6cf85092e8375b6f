// Label every photo under a folder into a JSON-lines file, resumably:
//   node label-folder.mjs <folder> <out.jsonl> [--model m] [--labels l]
// Run it again after Ctrl-C (or a crash): the photos already in out.jsonl are skipped.
import { appendFileSync, existsSync, readFileSync, truncateSync } from 'node:fs';
import { opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createClassifier } from '@onnx-mobilenet/node';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { model: { type: 'string' }, labels: { type: 'string' } } });
const [folder, out] = positionals;
if (!folder || !out) {
  console.error('usage: node label-folder.mjs <folder> <out.jsonl> [--model name|path] [--labels path]');
  process.exit(2);
}

// Resume: cut a half-written last line (a crash mid-write), then remember what is done.
const done = new Set();
if (existsSync(out)) {
  const text = readFileSync(out, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  if (complete.length < text.length) truncateSync(out, Buffer.byteLength(complete));
  for (const line of complete.split('\n')) if (line) done.add(JSON.parse(line).file);
}

// The photos, one directory entry at a time: the first result comes before the folder is listed.
async function* photos(dir) {
  for await (const entry of await opendir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* photos(path);
    else if (/\.(jpe?g|png|webp)$/i.test(entry.name) && !done.has(path)) yield path;
  }
}

const classifier = await createClassifier({ model: values.model, labels: values.labels });
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());

let count = 0;
try {
  // At most 16 photos in flight; results come as they complete, failures as { error }.
  for await (const r of classifier.classifyAll(photos(folder), { topK: 1, concurrency: 16, signal: stop.signal })) {
    const row = r.error ? { file: r.input, error: r.error.code } : { file: r.input, label: r.predictions[0].label, id: r.predictions[0].id };
    appendFileSync(out, `${JSON.stringify(row)}\n`); // one write per line: a crash leaves at most a partial last line
    count++;
  }
} catch (err) {
  if (err.name !== 'AbortError') throw err; // Ctrl-C: the photos in flight are dropped, run again to finish
  process.exitCode = 130;
} finally {
  await classifier.dispose();
}
console.error(`${count} photos labelled this run, ${done.size} skipped (already in ${out})`);
