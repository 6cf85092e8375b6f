// One hostile input, run in its own process by memory-bounds.test.ts (which watches its RSS).
// Prints one JSON line: { code, message } of the error it ended in, or { ok: true }.
// Uses the built packages (dist/), as an application would.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
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
      await createClassifier({ model: s.url, labels: LABELS, cacheDir: mkdtempSync(join(tmpdir(), 'om-mem-')) });
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
    const { readFileSync } = await import('node:fs');
    return createClassifier({ model: readFileSync(String(process.env.HOSTILE_MODEL)), labels: ['a', 'b'], precision: 'fp32' });
  },
  // a model whose Loop runs 1e15 times: before the fix it loaded, and classify() froze the process for good
  'model-loop-1e15': async () => {
    const { readFileSync } = await import('node:fs');
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

const run = cases[name];
if (!run) throw new Error(`unknown case ${name}`);
let result;
try {
  const needsClassifier = name.startsWith('image-') || name === 'jpeg-2647-scans';
  const classifier = needsClassifier ? await createClassifier({ model: MODEL, labels: LABELS, embeddings: false }) : undefined;
  await run(classifier);
  result = { ok: true };
} catch (/** @type {any} */ err) {
  result = { name: err?.name, code: err?.code, message: String(err?.message ?? err) };
}
process.stdout.write(`${JSON.stringify(result)}\n`);
// A decode past its deadline still runs on a libuv thread, and Node joins those threads on exit:
// process.exit() would wait for libjpeg's 80-300 s. The call has answered; end the process hard.
if (name === 'jpeg-2647-scans-deadline') process.kill(process.pid, 'SIGKILL');
process.exit(0);
