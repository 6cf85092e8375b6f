// One hostile input, run in its own process by memory-bounds.test.ts (which watches its RSS).
// Prints one JSON line: { code, message } of the error it ended in, or { ok: true }.
// Uses the built packages (dist/), as an application would.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, createGzip, deflateSync } from 'node:zlib';
import { createClassifier } from '@onnx-mobilenet/node';

const [name = ''] = process.argv.slice(2);
const { MODEL, LABELS } = process.env;
// Without them createClassifier would fetch its default model: fail instead.
if (!MODEL || !LABELS) throw new Error('case.mjs needs MODEL and LABELS in its environment');
const CHUNK = new Uint8Array(64 * 1024);

/**
 * A server on 127.0.0.1 whose every response is `handler`'s; closed when the case ends.
 * @param {import('node:http').RequestListener} handler
 */
async function serve(handler) {
  const server = createServer(handler);
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}/x.jpg`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/**
 * An endless body, as fast as the client reads it (backpressure keeps the server's memory flat).
 * @param {import('node:stream').Writable} stream
 */
function endless(stream) {
  const push = () => {
    while (stream.write(CHUNK));
    stream.once('drain', push);
  };
  push();
}

/** @type {Record<string, (classifier?: any) => Promise<unknown>>} */
const cases = {
  // an image URL whose body never ends
  'image-url-endless': async (c) => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      endless(res);
    });
    try {
      await c.classify(new URL(s.url));
    } finally {
      s.close();
    }
  },
  // an image URL whose gzip body inflates without end (a few MB on the wire per GB inflated)
  'image-url-gzip': async (c) => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-encoding': 'gzip' });
      const gz = createGzip({ level: 9 });
      gz.pipe(res);
      endless(gz);
    });
    try {
      await c.classify(s.url);
    } finally {
      s.close();
    }
  },
  // a model URL whose body never ends
  'model-url-endless': async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      endless(res);
    });
    try {
      await createClassifier({ allowPrivateNetwork: true, model: s.url, labels: LABELS, cacheDir: mkdtempSync(join(tmpdir(), 'om-mem-')) });
    } finally {
      s.close();
    }
  },
  'model-dev-zero': () => createClassifier({ model: '/dev/zero', labels: LABELS }),
  'labels-dev-urandom': () => createClassifier({ model: MODEL, labels: '/dev/urandom' }),
  'model-fifo': async () => {
    const fifo = join(mkdtempSync(join(tmpdir(), 'om-fifo-')), 'model.onnx');
    execFileSync('mkfifo', [fifo]);
    return createClassifier({ model: fifo, labels: LABELS });
  },
  'threads-1e6': () => createClassifier({ model: MODEL, labels: LABELS, threads: 1e6 }),
  // an int8 model of a few hundred bytes that declares 16000x10000 weights: dequantized to float it would take 640 MB
  'model-huge-declared-weights': async () => {
    return createClassifier({ model: readFileSync(String(process.env.HOSTILE_MODEL)), labels: ['a', 'b'], precision: 'fp32' });
  },
  // a 12 KB PNG of 100,000,000 x 1 one-bit pixels: within maxInputPixels, but scaling its shorter
  // side (1 pixel) to 256 plans a resized image of 2.56e10 x 256 pixels
  'png-1e8x1': (c) => c.classify(png(100_000_000, 1)),
  // a 63 MiB label file of 33 million one-letter lines (under maxEncodedBytes, the old bound)
  'labels-63mib': () => {
    const file = join(mkdtempSync(join(tmpdir(), 'om-labels-')), 'labels.txt');
    writeFileSync(file, Buffer.alloc(63 * 2 ** 20, 'a\n'));
    return createClassifier({ model: MODEL, labels: file });
  },
  // 4 million one-letter lines in 8 MiB, within limits.maxLabelBytes: refused by limits.maxLabelLines
  'labels-4m-lines': () => createClassifier({ model: MODEL, labels: Buffer.alloc(8 * 2 ** 20 - 2, 'a\n'), limits: JSON.parse(process.env.LIMITS ?? '{}') }),
  // a 28 MB model of 1,000,000 Identity nodes (written by the test)
  'model-1m-nodes': () => createClassifier({ model: String(process.env.MANY_NODES_MODEL), labels: ['a', 'b', 'c'] }),
  // a 70 MB image path, as a queue job could carry
  'image-path-70mb': (c) => c.classify(`/tmp/${'a'.repeat(70 * 2 ** 20)}.jpg`),
  // a 60 MB image URL string: its error message used to quote all of it, twice
  'image-url-60mb': (c) => c.classify(`http://127.0.0.1:9/${'a'.repeat(60 * 2 ** 20)}`),
  // 10,000 concurrent calls with the same 170 KB photo (each call copies it): the calls beyond
  // limits.maxPendingBytes end in E_LIMIT at once; once 50 are classified, the rest are aborted
  // (classifying them all would take minutes on a busy machine; the peak comes first)
  'classify-10000-buffers': (c) => manyCalls(c, readFileSync(String(process.env.PHOTO))),
  // the same with the photo's path: no copies, so every call is taken, and at most
  // maxConcurrentDecodes (64) of them read and decode their file at once
  'classify-10000-paths': (c) => manyCalls(c, String(process.env.PHOTO)),
  // one call with 3,000 copies of a 170 KB photo (510 MB of buffers to copy)
  'classify-array-3000': (c) => c.classify(Array(3000).fill(readFileSync(String(process.env.PHOTO)))),
  // the CLI's eval reading an endless device, then a FIFO nobody writes, as its ground truth
  'eval-ground-truth-dev-zero': () => cli(['eval', String(process.env.IMAGES), '--ground-truth', '/dev/zero', '--model', MODEL, '--labels', LABELS]),
  'eval-ground-truth-fifo': () => {
    const fifo = join(mkdtempSync(join(tmpdir(), 'om-fifo-')), 'truth.txt');
    execFileSync('mkfifo', [fifo]);
    return cli(['eval', String(process.env.IMAGES), '--ground-truth', fifo, '--model', MODEL, '--labels', LABELS]);
  },
  // a model whose Loop runs 1e15 times: before the fix it loaded, and classify() froze the process for good
  'model-loop-1e15': async () => {
    const c = await createClassifier({ model: readFileSync(String(process.env.LOOP_MODEL)), labels: ['a', 'b', 'c', 'd'] });
    return c.classify({ data: new Uint8Array(8 * 8 * 3).fill(128), width: 8, height: 8, channels: 3 });
  },
  // a valid 10000x10000 progressive JPEG of 2,647 scans (1 MB): before the fix sharp took 80-115 s
  // (over 300 s on a busy machine), past decodeTimeoutMs; now refused from its bytes
  'jpeg-2647-scans': (c) => c.classify(String(process.env.SCANS_2647_JPEG)),
  // the same with the scan limit lifted: decodeTimeoutMs answers the call while libjpeg runs on
  'jpeg-2647-scans-deadline': async () => {
    const c = await createClassifier({ model: MODEL, labels: LABELS, embeddings: false, limits: { maxJpegScans: 10_000, decodeTimeoutMs: 3000 } });
    return c.classify(String(process.env.SCANS_2647_JPEG));
  },
  // the same image at the scan limit (100 scans) decodes, its coefficients held whole (no deadline: memory only)
  'jpeg-100-scans': async () => {
    const c = await createClassifier({ model: MODEL, labels: LABELS, embeddings: false, limits: { decodeTimeoutMs: 600_000 } });
    return c.classify(String(process.env.SCANS_100_JPEG));
  },
};

/**
 * 10,000 concurrent classify(input) calls, aborted once 50 have predictions: the counts of each outcome.
 * @param {any} c
 * @param {unknown} input
 */
async function manyCalls(c, input) {
  // a signal per call, as a server gives each request: one signal shared by 10,000 calls would
  // spend its time in 10,000 listeners, not in what this case measures
  const stops = Array.from({ length: 10_000 }, () => new AbortController());
  let done = 0;
  const calls = stops.map((stop) =>
    c.classify(input, { signal: stop.signal }).then((/** @type {unknown} */ p) => {
      if (++done === 50) for (const s of stops) s.abort();
      return p;
    }),
  );
  return tally(await Promise.allSettled(calls));
}

/**
 * Counts of each outcome of many calls: `ok` for predictions, else the error's code.
 * @param {PromiseSettledResult<unknown>[]} outcomes
 */
function tally(outcomes) {
  /** @type {Record<string, number>} */
  const counts = {};
  for (const o of outcomes) {
    const key = o.status === 'fulfilled' ? 'ok' : o.reason?.name === 'OnnxMobilenetError' ? o.reason.code : String(o.reason?.name);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/**
 * Runs the CLI in this process; its error (the last stderr line) becomes this case's error.
 * @param {string[]} args
 */
async function cli(args) {
  const { runCli } = await import(new URL('../../../packages/cli/dist/index.js', import.meta.url).href);
  /** @type {string[]} */
  const err = [];
  const exit = await runCli(args, { stdout: () => undefined, stderr: (/** @type {string} */ line) => err.push(line) });
  const text = err.join('\n');
  const code = /\bE_[A-Z_]+\b/.exec(text)?.[0];
  throw Object.assign(new Error(text.slice(0, 2000)), { name: code ? 'OnnxMobilenetError' : 'Error', code: code ?? `exit ${exit}` });
}

/**
 * A one-bit greyscale PNG of `width` x `height` black pixels (a few KB for 1e8 pixels).
 * @param {number} width
 * @param {number} height
 */
function png(width, height) {
  const chunk = (/** @type {string} */ type, /** @type {Buffer} */ data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    data.copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const row = 1 + Math.ceil(width / 8);
  const idat = deflateSync(Buffer.alloc(row * height), { level: 9 });
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

const run = cases[name];
if (!run) throw new Error(`unknown case ${name}`);
let result;
try {
  const needsClassifier = name.startsWith('image-') || name.startsWith('png-') || name.startsWith('classify-') || name === 'jpeg-2647-scans';
  const classifier = needsClassifier ? await createClassifier({ model: MODEL, labels: LABELS, embeddings: false, allowPrivateNetwork: true }) : undefined;
  const value = await run(classifier);
  result = { ok: true, ...(value && typeof value === 'object' && !Array.isArray(value) ? { value } : {}) };
} catch (/** @type {any} */ err) {
  result = { name: err?.name, code: err?.code, message: String(err?.message ?? err) };
}
process.stdout.write(`${JSON.stringify(result)}\n`);
// A decode past its deadline still runs on a libuv thread, and Node joins those threads on exit:
// process.exit() would wait for libjpeg's 80-300 s. The call has answered; end the process hard.
if (name === 'jpeg-2647-scans-deadline') process.kill(process.pid, 'SIGKILL');
process.exit(0);
