// The Performance guide's charts, drawn from the summary of bench/lib/performance-data.mjs, and
// the step that writes them with the summary (all rendered first, then each file written to a
// temp name and renamed, so a failure leaves the old files as they were).
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { summarize } from './performance-data.mjs';
import { barChart, stackedChart } from './svg-bars.mjs';

/** The summary's file name, beside the charts. */
export const SUMMARY_FILE = 'performance-data.json';

/** @typedef {ReturnType<typeof summarize>} Summary */

const x = (/** @type {number} */ a, /** @type {number} */ b) => `${(a / b).toFixed(2)}×`;
const day = (/** @type {string} */ iso) => iso.slice(0, 10);

/**
 * @param {Summary} s
 * @param {string} what
 */
function footer(s, what) {
  const m = s.machine;
  return [
    `${what}; pnpm bench:node, ${day(s.dates.node)}`,
    `${m.cpu}, ${m.cores} cores, ${(m.flags ?? []).join(' ')}; Node ${m.node}, onnxruntime-node ${m.onnxruntime}, sharp ${m.sharp}; Python ${m.python}, Pillow ${m.pillow}`,
  ];
}

/**
 * @param {Summary} s
 * @param {'bench' | 'second'} set
 * @param {string} id
 */
function throughputChart(s, set, id) {
  const t = s.throughput[set];
  /** @type {{ name: string, bars: import('./svg-bars.mjs').Bar[] }[]} */
  const groups = Object.entries(t.models).map(([model, /** @type {any} */ v]) => ({
    name: `${model} model`,
    bars: [
      ...(v.bound === undefined ? [] : [{ label: 'the bound: no schedule of these stages can beat it', value: v.bound, kind: /** @type {const} */ ('bound') }]),
      {
        label: 'onnx-mobilenet, classify(array of paths)',
        value: v.ours,
        kind: 'ours',
        note: v.bound === undefined ? undefined : `${x(v.ours, v.bound)} the bound`,
      },
      { label: 'Python: onnxruntime + Pillow + numpy, batches of 8', value: v.python, kind: 'peer', note: `${x(v.python, v.ours)} onnx-mobilenet` },
      {
        label: 'transformers.js image-classification, one at a time',
        value: v.transformers,
        kind: 'peer',
        note: `${x(v.transformers, v.ours)} onnx-mobilenet`,
      },
    ],
  }));
  const what = set === 'bench' ? 'the bench photos' : 'the second set';
  return barChart({
    id,
    title: `Time per photo, ${what} (${t.photos} JPEGs)`,
    subtitle: `wall ms per photo, lower is better; median of ${s.rounds.pythonPeer} fresh processes per pipeline`,
    unit: 'ms',
    description: describe(groups, 'ms per photo'),
    footer: footer(
      s,
      set === 'bench'
        ? "the 53 photos of ../shared/images, about 500×375; the pipelines in fresh processes taking turns, the bound from node-bench's stage costs"
        : `${t.name}; the bound is measured on the bench photos only`,
    ),
    groups,
  });
}

/** @param {Summary} s */
function coldStartChart(s) {
  /** @type {{ name: string, bars: import('./svg-bars.mjs').Bar[] }[]} */
  const groups = Object.entries(s.coldStart).map(([model, v]) => ({
    name: `${model === 'fp32' ? 'fp32 stand-in' : model} model`,
    bars: [
      { label: 'onnx-mobilenet: import, createClassifier, classify(path)', value: v.ours, kind: 'ours', note: `${x(v.ours, v.bare)} the bare script` },
      { label: 'bare script: onnxruntime-node + sharp, argmax only', value: v.bare, kind: 'peer' },
      { label: 'Python: onnxruntime + Pillow + numpy', value: v.python, kind: 'peer', note: `${x(v.python, v.bare)} the bare script` },
    ],
  }));
  return barChart({
    id: 'cold-start',
    title: 'Cold start: a fresh process to its first result',
    subtitle: `ms from spawning the process to the first top-5 of one photo, lower is better; median of ${s.rounds.coldStart} processes`,
    unit: 'ms',
    digits: 0,
    description: describe(groups, 'ms'),
    footer: footer(s, 'the local model file, the tench photo'),
    groups,
  });
}

/** @type {import('./svg-bars.mjs').Colour[]} */
const COLOURS = ['peer', 'ours', 'amber', 'purple', 'green'];

/** @param {Summary} s */
function coldStartPartsChart(s) {
  const parts = s.coldStartParts.map((name, i) => ({ name, colour: /** @type {import('./svg-bars.mjs').Colour} */ (COLOURS[i]) }));
  const groups = Object.entries(s.coldStart).map(([model, v]) => ({
    name: `${model === 'fp32' ? 'fp32 stand-in' : model} model`,
    bars: [
      { label: 'onnx-mobilenet', values: v.parts.ours },
      { label: 'bare script: onnxruntime-node + sharp', values: v.parts.bare },
    ],
  }));
  const description = groups
    .map(
      (g) =>
        `${g.name}: ${g.bars.map((b) => `${b.label}: ${b.values.map((/** @type {number} */ v, /** @type {number} */ i) => `${parts[i]?.name} ${v} ms`).join(', ')}`).join('; ')}`,
    )
    .join('. ');
  return stackedChart({
    id: 'cold-start-parts',
    title: 'Cold start, part by part',
    subtitle: "ms of wall time inside the process (its own clock), each part's median",
    unit: 'ms',
    digits: 0,
    description,
    footer: footer(s, `median of ${s.rounds.coldStart} processes`),
    parts,
    groups,
  });
}

/** @param {Summary} s */
function decodersChart(s) {
  const d = s.decoders;
  /** @type {(name: string, value: number, ref: number, kind: 'ours' | 'peer') => import('./svg-bars.mjs').Bar} */
  const bar = (name, value, ref, kind) => ({ label: name, value, kind, note: `${x(value, ref)} Pillow` });
  /** @type {(key: 'crop' | 'decode') => import('./svg-bars.mjs').Bar[]} */
  const rows = (key) => [
    ...d.rows.map((r, i) => bar(r.name, r[key], d.pillow[key], i === 0 ? 'ours' : 'peer')),
    { label: `${d.pillow.name} (Python, the reference)`, value: d.pillow[key], kind: 'peer' },
  ];
  const groups = [
    { name: 'decode + resize (shorter side 256) + centre crop 224', bars: rows('crop') },
    { name: 'decode only', bars: rows('decode') },
  ];
  return barChart({
    id: 'decoders',
    title: 'JPEG decoders in Node against Pillow',
    subtitle: `CPU ms per photo (all threads), lower is better; ${d.photos} photos, median of ${s.rounds.decode} interleaved rounds`,
    unit: 'ms',
    description: describe(groups, 'CPU ms per photo'),
    footer: footer(s, 'the first row is the Node adapter'),
    groups,
  });
}

/**
 * @param {{ name: string, bars: import('./svg-bars.mjs').Bar[] }[]} groups
 * @param {string} unit
 */
function describe(groups, unit) {
  return groups.map((g) => `${g.name}: ${g.bars.map((b) => `${b.label} ${b.value} ${unit}${b.note ? ` (${b.note})` : ''}`).join('; ')}`).join('. ');
}

/**
 * Every chart of the summary, as [file name, SVG text].
 * @param {Summary} summary
 * @returns {[string, string][]}
 */
export function renderCharts(summary) {
  return [
    ['ms-per-photo.svg', throughputChart(summary, 'bench', 'ms-per-photo')],
    ['ms-per-photo-second-set.svg', throughputChart(summary, 'second', 'ms-per-photo-second-set')],
    ['cold-start.svg', coldStartChart(summary)],
    ['cold-start-parts.svg', coldStartPartsChart(summary)],
    ['decoders.svg', decodersChart(summary)],
  ];
}

/** The summary as written: stable key order, two-space indent, a final newline. */
export const summaryText = (/** @type {Summary} */ summary) => `${JSON.stringify(summary, null, 2)}\n`;

/**
 * Reads the latest results in `resultsDir`, writes the summary and the charts into `outDir`.
 * Everything is rendered before the first write; each file goes to a temp name and is renamed.
 * @param {string} resultsDir
 * @param {string} outDir
 */
export function writeCharts(resultsDir, outDir) {
  const summary = summarize(resultsDir);
  /** @type {[string, string][]} */
  const files = [[SUMMARY_FILE, summaryText(summary)], ...renderCharts(summary)];
  mkdirSync(outDir, { recursive: true });
  /** @type {string[]} */
  const temps = [];
  try {
    for (const [name, text] of files) {
      const temp = join(outDir, `.${name}.${process.pid}.tmp`);
      temps.push(temp);
      writeFileSync(temp, text);
    }
    for (const [i, [name]] of files.entries()) renameSync(/** @type {string} */ (temps[i]), join(outDir, name));
  } finally {
    for (const temp of temps) rmSync(temp, { force: true });
  }
  return files.map(([name]) => join(outDir, name));
}
