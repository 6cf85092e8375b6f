// The Performance charts take each number from the right field of the bench results and show it
// on the right bar (the fixture's numbers are all distinct, so two swapped fields fail); results
// that are missing, partial or undated stop the step with an IncompleteResults error naming the
// file and the field, before anything is written.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderCharts, SUMMARY_FILE, writeCharts } from '../bench/lib/performance-charts.mjs';
import { COLD_START_PARTS, IncompleteResults } from '../bench/lib/performance-data.mjs';
import { esc } from '../bench/lib/svg-bars.mjs';
import { benchResults, snapshot, spoilResult } from './performance-results.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});
/** A temp folder holding the fixture's results, and the folder the charts go to. */
function results() {
  const dir = mkdtempSync(join(tmpdir(), 'performance-data-'));
  temps.push(dir);
  benchResults(dir);
  return { dir, out: join(dir, 'out') };
}
/** The hover titles of a chart's bars (and bar parts), in drawing order. */
const titles = (svg: string) => [...svg.matchAll(/<g><title>([^<]*)<\/title>/g)].map((m) => m[1]);

describe('performance data', () => {
  it('take their numbers from the right fields of the bench results', () => {
    const { dir, out } = results();
    writeCharts(dir, out);
    const summary = JSON.parse(readFileSync(join(out, SUMMARY_FILE), 'utf8'));
    expect(summary.throughput.bench.models.int8).toEqual({ bound: 11, ours: 13, python: 14, transformers: 15 });
    expect(summary.throughput.second.models['fp32 stand-in']).toEqual({ ours: 22, python: 23, transformers: 24 });
    expect(summary.coldStart.int8).toMatchObject({ ours: 25, bare: 26, python: 27 });
    // ours: 14 parts numbered 28-41 in COLD_START_PARTS's order, summed by group; the bare script's: 42-47 (none of its own work)
    expect(summary.coldStart.int8.parts).toEqual({
      ours: [28, 29 + 30 + 31 + 32 + 33 + 34 + 35, 36, 37 + 38, 39 + 40 + 41],
      bare: [42, 0, 43 + 44, 45 + 46, 47],
    });
    expect(summary.machine).toEqual({
      cpu: 'Test CPU',
      cores: 4,
      flags: ['avx2'],
      node: 'v20.0.0',
      onnxruntime: '1.30.0',
      sharp: '0.35.6',
      python: '3.11.7',
      pillow: '12.3.0',
    });
    expect(Object.keys(snapshot(out)).sort()).toEqual([SUMMARY_FILE, ...renderCharts(summary).map(([name]) => name)].sort());
  });

  it('show each number on its own bar, with its label', () => {
    const { dir, out } = results();
    writeCharts(dir, out);
    const svg = (name: string) => readFileSync(join(out, name), 'utf8');
    const bound = 'the bound: no schedule of these stages can beat it';
    const ours = 'onnx-mobilenet, classify(array of paths)';
    const python = 'Python: onnxruntime + Pillow + numpy, batches of 8';
    const tfjs = 'transformers.js image-classification, one at a time';
    expect(titles(svg('ms-per-photo.svg'))).toEqual([
      `${bound}: 11.00 ms`,
      `${ours}: 13.00 ms · 1.18× the bound`,
      `${python}: 14.00 ms · 1.08× onnx-mobilenet`,
      `${tfjs}: 15.00 ms · 1.15× onnx-mobilenet`,
      `${bound}: 12.00 ms`,
      `${ours}: 16.00 ms · 1.33× the bound`,
      `${python}: 17.00 ms · 1.06× onnx-mobilenet`,
      `${tfjs}: 18.00 ms · 1.13× onnx-mobilenet`,
    ]);
    expect(titles(svg('ms-per-photo-second-set.svg'))).toEqual([
      `${ours}: 19.00 ms`,
      `${python}: 20.00 ms · 1.05× onnx-mobilenet`,
      `${tfjs}: 21.00 ms · 1.11× onnx-mobilenet`,
      `${ours}: 22.00 ms`,
      `${python}: 23.00 ms · 1.05× onnx-mobilenet`,
      `${tfjs}: 24.00 ms · 1.09× onnx-mobilenet`,
    ]);
    expect(titles(svg('cold-start.svg'))).toEqual([
      'onnx-mobilenet: import, createClassifier, classify(path): 25 ms · 0.96× the bare script',
      'bare script: onnxruntime-node + sharp, argmax only: 26 ms',
      'Python: onnxruntime + Pillow + numpy: 27 ms · 1.04× the bare script',
      'onnx-mobilenet: import, createClassifier, classify(path): 48 ms · 0.98× the bare script',
      'bare script: onnxruntime-node + sharp, argmax only: 49 ms',
      'Python: onnxruntime + Pillow + numpy: 50 ms · 1.02× the bare script',
    ]);
    // each bar's total, then its parts in COLD_START_PARTS's order
    const parts = (label: string, values: number[]) => [
      `${label}: ${values.reduce((a, b) => a + b)} ms`,
      ...values.map((v, i) => esc(`${label}, ${COLD_START_PARTS[i]?.name}: ${v} ms`)),
    ];
    expect(titles(svg('cold-start-parts.svg'))).toEqual([
      ...parts('onnx-mobilenet', [28, 224, 36, 75, 120]),
      ...parts('bare script: onnxruntime-node + sharp', [42, 0, 87, 91, 47]),
      ...parts('onnx-mobilenet', [51, 385, 59, 121, 189]),
      ...parts('bare script: onnxruntime-node + sharp', [65, 0, 133, 137, 70]),
    ]);
    expect(titles(svg('decoders.svg'))).toEqual([
      'sharp: 4.00 ms · 2.00× Pillow',
      'other: 6.00 ms · 3.00× Pillow',
      'Pillow 12.3.0 (Python, the reference): 2.00 ms',
      'sharp: 3.00 ms · 3.00× Pillow',
      'other: 5.00 ms · 5.00× Pillow',
      'Pillow 12.3.0 (Python, the reference): 1.00 ms',
    ]);
  });

  it.each([
    ['a missing file', 'cold-start-latest.json', null, /cold-start-latest\.json is missing; run pnpm --filter onnx-mobilenet-bench run bench:cold-start/],
    ['a truncated file', 'node-latest.json', '{"machine":', /node-latest\.json is not valid JSON/],
    [
      'a missing number',
      'python-peer-latest.json',
      (j: any) => delete j.sets.second.models.int8.cases.pyBatch8,
      /python-peer-latest\.json has no number at sets\.second\.models\.int8\.cases\.pyBatch8\.wall/,
    ],
    [
      'Pillow skipped',
      'decode-latest.json',
      JSON.stringify({ date: 'x', pillow: { skipped: 'no Python venv' } }),
      /decode-latest\.json has no Pillow row \(no Python venv\)/,
    ],
    ['no machine', 'node-latest.json', (j: any) => delete j.machine, /node-latest\.json has no text at machine\.cpu/],
    ...['cpu', 'node', 'onnxruntime', 'sharp'].map((k) => [
      `no machine.${k}`,
      'node-latest.json',
      (j: any) => delete j.machine[k],
      new RegExp(`node-latest\\.json has no text at machine\\.${k} `),
    ]),
    ['no machine.cores', 'node-latest.json', (j: any) => delete j.machine.cores, /node-latest\.json has no number at machine\.cores /],
    ['no machine.flags', 'node-latest.json', (j: any) => delete j.machine.flags, /node-latest\.json has no list at machine\.flags /],
    ['no Python version', 'python-peer-latest.json', (j: any) => delete j.machine.python, /python-peer-latest\.json has no text at machine\.python /],
    ['no Pillow version', 'decode-latest.json', (j: any) => delete j.pillow.pillow, /decode-latest\.json has no text at pillow\.pillow /],
    ['no set name', 'python-peer-latest.json', (j: any) => delete j.sets.second.name, /python-peer-latest\.json has no text at sets\.second\.name /],
    ['no decoder name', 'decode-latest.json', (j: any) => delete j.decoders[1].name, /decode-latest\.json has no text at decoders\.1\.name /],
    ['no date', 'cold-start-latest.json', (j: any) => delete j.date, /cold-start-latest\.json has no ISO 8601 date at date /],
    ['a date that is not ISO 8601', 'decode-latest.json', (j: any) => (j.date = 'Sat Dec 05 2026'), /decode-latest\.json has no ISO 8601 date at date /],
    ['an impossible date', 'node-latest.json', (j: any) => (j.date = '2026-13-45T00:00:00.000Z'), /node-latest\.json has no ISO 8601 date at date /],
    [
      'a day that does not exist',
      'python-peer-latest.json',
      (j: any) => (j.date = '2026-02-30T00:00:00.000Z'),
      /python-peer-latest\.json has no ISO 8601 date/,
    ],
  ] as [string, string, null | string | ((j: any) => void), RegExp][])(
    'stop on %s with an IncompleteResults error naming it, writing nothing',
    (_, file, spoil, message) => {
      const { dir, out } = results();
      writeCharts(dir, out);
      const before = snapshot(out);
      // a later run whose charts would differ, had they been written
      spoilResult(dir, 'node-latest.json', (j) => (j.date = '2026-01-03T00:00:00.000Z'));
      if (spoil === null) rmSync(join(dir, file));
      else if (typeof spoil === 'string') writeFileSync(join(dir, file), spoil);
      else spoilResult(dir, file, spoil);
      let error: unknown;
      try {
        writeCharts(dir, out);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(IncompleteResults);
      expect((error as Error).message).toMatch(message);
      expect(snapshot(out)).toEqual(before);
    },
  );
});
