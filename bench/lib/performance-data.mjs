// The Performance guide's numbers, taken from the bench's JSON (bench/results/*-latest.json) into
// one small summary (docs/guides/media/performance-data.json): only what its charts show, with the
// run's dates and machine. A file or a field that is missing is an IncompleteResults error naming
// it and the bench that writes it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The bench results read, and the command that writes each. */
export const SOURCES = {
  node: { file: 'node-latest.json', bench: 'pnpm bench:node' },
  pythonPeer: { file: 'python-peer-latest.json', bench: 'pnpm --filter onnx-mobilenet-bench run bench:python-peer (needs the Python venv, .ci/python-env.sh)' },
  coldStart: { file: 'cold-start-latest.json', bench: 'pnpm --filter onnx-mobilenet-bench run bench:cold-start' },
  decode: { file: 'decode-latest.json', bench: 'pnpm --filter onnx-mobilenet-bench run bench:decode' },
};

/** Cold start parts (cold-start-bench.mjs's names) grouped into the chart's five. */
export const COLD_START_PARTS = [
  { name: 'Node startup', parts: ['node startup'] },
  {
    name: "onnx-mobilenet's own work (import, model checks, rewrite)",
    parts: [
      'import (core and Node adapters)',
      'read the model file',
      'model checks (external data, loops, node count) and facts',
      'int8/VNNI facts',
      'graph rewrite (embedding output)',
      'labels, model input/output checks',
      'classify() until the decode',
    ],
  },
  {
    name: 'onnxruntime-node: load, create the session',
    parts: ['load onnxruntime-node, session creation (graph optimisation)', 'load onnxruntime-node', 'create the session'],
  },
  {
    name: 'sharp: load, first decode',
    parts: ['load sharp, open the image (header, limits)', 'first decode (plan, decode, resize, crop)', 'load sharp', 'decode, resize'],
  },
  { name: 'first inference and top-5', parts: ['prepare the batch', 'first session.run', 'softmax, top-5', 'normalise, run, argmax'] },
];

const round = (/** @type {number} */ x) => Math.round(x * 100) / 100;

/**
 * A bench result is missing, partial, older than the charts' code or undated: the error that
 * `bench/charts.mjs --keep-if-incomplete` turns into a warning (any other error is a bug and fails).
 */
export class IncompleteResults extends Error {
  name = 'IncompleteResults';
}

/** An ISO 8601 time in UTC, as the benches write it (`new Date().toISOString()`). */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * @param {string} dir
 * @param {keyof typeof SOURCES} key
 */
function load(dir, key) {
  const { file, bench } = SOURCES[key];
  const path = join(dir, file);
  let raw;
  try {
    raw = readFileSync(path, 'utf8');
  } catch {
    throw new IncompleteResults(`performance charts: ${path} is missing; run ${bench} first`);
  }
  /** @type {any} */
  let json;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new IncompleteResults(`performance charts: ${path} is not valid JSON (${e instanceof Error ? e.message : e}); run ${bench} again`);
  }
  /**
   * The value at a dotted path (keys may hold spaces) if `ok` accepts it, else an error naming the file, the path and `what` it should be.
   * @param {string} what
   * @param {(v: any) => boolean} ok
   */
  const getter =
    (what, ok) =>
    (/** @type {(string | number)[]} */ ...keys) => {
      let v = json;
      for (const k of keys) v = v?.[k];
      if (!ok(v))
        throw new IncompleteResults(`performance charts: ${path} has no ${what} at ${keys.join('.')} (a partial or older result); run ${bench} again`);
      return v;
    };
  /** @type {(...keys: (string | number)[]) => number} */
  const at = getter('number', (v) => typeof v === 'number' && Number.isFinite(v));
  /** @type {(...keys: (string | number)[]) => any[]} */
  const list = getter('list', (v) => Array.isArray(v) && v.length > 0);
  /** @type {(...keys: (string | number)[]) => string} */
  const text = getter('text', (v) => typeof v === 'string' && v.trim() !== '');
  /** @type {(...keys: (string | number)[]) => string} */
  const date = getter(
    'ISO 8601 date',
    (v) => typeof v === 'string' && ISO_DATE.test(v) && Number.isFinite(Date.parse(v)) && new Date(v).toISOString().slice(0, 10) === v.slice(0, 10),
  );
  return { json, at, list, text, date, path };
}

/**
 * @param {ReturnType<typeof load>} src
 * @param {string} model
 * @param {string} kind
 */
function coldStartParts(src, model, kind) {
  const parts = src.list('models', model, kind, 'parts');
  const sums = COLD_START_PARTS.map(() => 0);
  for (const p of parts) {
    const i = COLD_START_PARTS.findIndex((g) => g.parts.includes(p.name));
    if (i < 0)
      throw new Error(`performance charts: ${src.path}: cold start part "${p.name}" has no group in COLD_START_PARTS (bench/lib/performance-data.mjs)`);
    if (typeof p.wall !== 'number') throw new IncompleteResults(`performance charts: ${src.path}: part "${p.name}" has no wall time`);
    sums[i] += p.wall;
  }
  return sums.map(round);
}

/**
 * The summary of the latest results in `resultsDir`; throws before anything is written.
 * @param {string} resultsDir
 */
export function summarize(resultsDir) {
  const node = load(resultsDir, 'node');
  const peer = load(resultsDir, 'pythonPeer');
  const cold = load(resultsDir, 'coldStart');
  const decode = load(resultsDir, 'decode');
  const models = ['int8', 'fp32 stand-in'];
  /** @type {Record<string, any>} */
  const throughput = {};
  for (const set of ['bench', 'second']) {
    throughput[set] = { name: peer.text('sets', set, 'name'), photos: peer.at('sets', set, 'photos'), models: {} };
    for (const m of models) {
      const c = (/** @type {string} */ k) => round(peer.at('sets', set, 'models', m, 'cases', k, 'wall'));
      throughput[set].models[m] = { ours: c('array'), python: c('pyBatch8'), transformers: c('tfjsSingle') };
      // node-bench measures the bound on the bench photos only
      if (set === 'bench') throughput[set].models[m].bound = round(node.at('models', m, 'bound', 'bound'));
    }
  }
  /** @type {Record<string, any>} */
  const coldStart = {};
  for (const m of ['int8', 'fp32']) {
    coldStart[m] = {
      ours: round(cold.at('models', m, 'fromSpawn', 'app')),
      bare: round(cold.at('models', m, 'fromSpawn', 'floor')),
      python: round(cold.at('models', m, 'fromSpawn', 'python')),
      parts: { ours: coldStartParts(cold, m, 'stages'), bare: coldStartParts(cold, m, 'floor') },
    };
  }
  const skipped = decode.json.pillow?.skipped;
  if (skipped)
    throw new IncompleteResults(`performance charts: ${decode.path} has no Pillow row (${skipped}); run ${SOURCES.decode.bench} with the Python venv`);
  const decoders = {
    photos: decode.at('photos'),
    pillow: { name: `Pillow ${decode.text('pillow', 'pillow')}`, decode: round(decode.at('pillow', 'decode')), crop: round(decode.at('pillow', 'crop')) },
    rows: decode.list('decoders').map((/** @type {unknown} */ _, /** @type {number} */ i) => ({
      name: decode.text('decoders', i, 'name'),
      decode: round(decode.at('decoders', i, 'decodeCpuMs')),
      crop: round(decode.at('decoders', i, 'cropCpuMs')),
    })),
  };
  return {
    about: 'The numbers the Performance guide charts show, from one pnpm bench:node run; made by bench/charts.mjs.',
    dates: { node: node.date('date'), pythonPeer: peer.date('date'), coldStart: cold.date('date'), decode: decode.date('date') },
    machine: {
      cpu: node.text('machine', 'cpu'),
      cores: node.at('machine', 'cores'),
      flags: node.list('machine', 'flags'),
      node: node.text('machine', 'node'),
      onnxruntime: node.text('machine', 'onnxruntime'),
      sharp: node.text('machine', 'sharp'),
      python: peer.text('machine', 'python'),
      pillow: decode.text('pillow', 'pillow'),
    },
    rounds: { pythonPeer: peer.at('rounds'), coldStart: cold.at('rounds'), decode: decode.at('rounds') },
    throughput,
    coldStart,
    coldStartParts: COLD_START_PARTS.map((g) => g.name),
    decoders,
  };
}
