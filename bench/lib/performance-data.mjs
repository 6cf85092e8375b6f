// The Performance guide's numbers, taken from the bench's JSON (bench/results/*-latest.json) into
// one small summary (docs/guides/media/performance-data.json): only what its charts show, with the
// run's dates and machine. A file or a field that is missing is an error naming it and the bench
// that writes it.
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
 * @param {string} dir
 * @param {keyof typeof SOURCES} key
 */
function load(dir, key) {
  const { file, bench } = SOURCES[key];
  const path = join(dir, file);
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`performance charts: ${path} is missing; run ${bench} first`);
  }
  /** @type {any} */
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`performance charts: ${path} is not valid JSON (${e instanceof Error ? e.message : e}); run ${bench} again`);
  }
  /** The number at a dotted path (keys may hold spaces), or an error naming the file and the path. */
  const at = (/** @type {(string | number)[]} */ ...keys) => {
    let v = json;
    for (const k of keys) v = v?.[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new Error(`performance charts: ${path} has no number at ${keys.join('.')} (a partial or older result); run ${bench} again`);
    }
    return v;
  };
  const list = (/** @type {string[]} */ ...keys) => {
    let v = json;
    for (const k of keys) v = v?.[k];
    if (!Array.isArray(v) || v.length === 0) throw new Error(`performance charts: ${path} has no list at ${keys.join('.')}; run ${bench} again`);
    return v;
  };
  return { json, at, list, path };
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
    if (typeof p.wall !== 'number') throw new Error(`performance charts: ${src.path}: part "${p.name}" has no wall time`);
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
    throughput[set] = { name: peer.json.sets?.[set]?.name, photos: peer.at('sets', set, 'photos'), models: {} };
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
  const pillow = decode.json.pillow;
  if (pillow?.skipped)
    throw new Error(`performance charts: ${decode.path} has no Pillow row (${pillow.skipped}); run ${SOURCES.decode.bench} with the Python venv`);
  const decoders = {
    photos: decode.at('photos'),
    pillow: { name: `Pillow ${pillow?.pillow ?? ''}`.trim(), decode: round(decode.at('pillow', 'decode')), crop: round(decode.at('pillow', 'crop')) },
    rows: decode.list('decoders').map((/** @type {any} */ r, /** @type {number} */ i) => ({
      name: r.name,
      decode: round(decode.at('decoders', i, 'decodeCpuMs')),
      crop: round(decode.at('decoders', i, 'cropCpuMs')),
    })),
  };
  const m = node.json.machine ?? {};
  return {
    about: 'The numbers the Performance guide charts show, from one pnpm bench:node run; made by bench/charts.mjs.',
    dates: Object.fromEntries(
      Object.entries({ node, pythonPeer: peer, coldStart: cold, decode }).map(([k, s]) => {
        if (typeof s.json.date !== 'string') throw new Error(`performance charts: ${s.path} has no date`);
        return [k, s.json.date];
      }),
    ),
    machine: {
      cpu: m.cpu,
      cores: m.cores,
      flags: m.flags,
      node: m.node,
      onnxruntime: m.onnxruntime,
      sharp: m.sharp,
      python: peer.json.machine?.python,
      pillow: pillow?.pillow,
    },
    rounds: { pythonPeer: peer.at('rounds'), coldStart: cold.at('rounds'), decode: decode.at('rounds') },
    throughput,
    coldStart,
    coldStartParts: COLD_START_PARTS.map((g) => g.name),
    decoders,
  };
}
