// The Performance guide's charts (docs/guides/media/*.svg) are made by the bench from its JSON
// (bench/charts.mjs): re-rendering the committed summary gives the committed SVGs byte for byte;
// a bar's width is its value on the chart's scale; label text is escaped; and results that are
// missing or partial stop the step with an error naming the file, before anything is written.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { COLD_START_PARTS, SOURCES } from '../bench/lib/performance-data.mjs';
import { renderCharts, SUMMARY_FILE, summaryText, writeCharts } from '../bench/lib/performance-charts.mjs';
import { barChart, esc, LAYOUT, PALETTE, stackedChart, THEMES } from '../bench/lib/svg-bars.mjs';

const media = fileURLToPath(new URL('../docs/guides/media/', import.meta.url));
const committed = JSON.parse(readFileSync(join(media, SUMMARY_FILE), 'utf8'));
const temps: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'performance-charts-'));
  temps.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** WCAG contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** Bench results of the shape the benches write, holding the numbers given (11, 12, … in order). */
function benchResults(dir: string) {
  let n = 10;
  const v = () => ++n;
  const machine = { cpu: 'Test CPU', cores: 4, flags: ['avx2'], node: 'v20.0.0', onnxruntime: '1.30.0', sharp: '0.35.6', python: '3.11.7' };
  const date = '2026-01-02T03:04:05.000Z';
  const models = ['int8', 'fp32 stand-in'];
  const node = { machine, date, models: Object.fromEntries(models.map((m) => [m, { bound: { bound: v() } }])) };
  const cases = () => Object.fromEntries(['array', 'pyBatch8', 'tfjsSingle'].map((k) => [k, { wall: v() }]));
  const set = (name: string) => ({ name, photos: 53, models: Object.fromEntries(models.map((m) => [m, { cases: cases() }])) });
  const peer = { machine, date, rounds: 5, sets: { bench: set('bench photos'), second: set('second set') } };
  const parts = (names: string[]) => names.map((name) => ({ name, wall: v() }));
  const allOurs = COLD_START_PARTS.flatMap((g) =>
    g.parts.filter((p) => !['load onnxruntime-node', 'create the session', 'load sharp', 'decode, resize', 'normalise, run, argmax'].includes(p)),
  );
  const cold = {
    machine,
    date,
    rounds: 9,
    models: Object.fromEntries(
      ['int8', 'fp32'].map((m) => [
        m,
        {
          fromSpawn: { app: v(), floor: v(), python: v() },
          stages: { parts: parts(allOurs) },
          floor: { parts: parts(['node startup', 'load onnxruntime-node', 'create the session', 'load sharp', 'decode, resize', 'normalise, run, argmax']) },
        },
      ]),
    ),
  };
  const decode = {
    machine,
    date,
    rounds: 7,
    photos: 53,
    pillow: { decode: 1, crop: 2, pillow: '12.3.0' },
    decoders: [{ name: 'sharp', decodeCpuMs: 3, cropCpuMs: 4 }],
  };
  const files = { node, pythonPeer: peer, coldStart: cold, decode };
  for (const [key, json] of Object.entries(files)) writeFileSync(join(dir, SOURCES[key as keyof typeof SOURCES].file), JSON.stringify(json));
  return files;
}

describe('performance charts', () => {
  it('are the committed summary re-rendered, byte for byte, and nothing else', () => {
    const charts = renderCharts(committed);
    for (const [name, svg] of charts) expect(readFileSync(join(media, name), 'utf8'), name).toBe(svg);
    expect(
      readdirSync(media)
        .filter((f) => f.endsWith('.svg'))
        .sort(),
    ).toEqual(charts.map(([name]) => name).sort());
    expect(summaryText(committed)).toBe(readFileSync(join(media, SUMMARY_FILE), 'utf8'));
  });

  it('draw each bar as its value on the scale (hand-computed)', () => {
    // values up to 16: the axis ends at 20 (the next round number), so 1 ms is span / 20 px
    const span = LAYOUT.width - 2 * LAYOUT.pad - LAYOUT.valueSpace;
    expect(span).toBe(390);
    const svg = barChart({
      id: 't',
      title: 'T',
      subtitle: 'S',
      unit: 'ms',
      footer: [],
      groups: [
        {
          name: 'g',
          bars: [
            { label: 'a', value: 16, kind: 'ours' },
            { label: 'b', value: 5, kind: 'peer' },
          ],
        },
      ],
    });
    const widths = [...svg.matchAll(/<rect x="20" y="[\d.]+" width="([\d.]+)" height="16" fill/g)].map((m) => Number(m[1]));
    expect(widths).toEqual([312, 97.5]); // 16 × 390 / 20, 5 × 390 / 20
    const ticks = [...svg.matchAll(/text-anchor="middle" font-size="11">([\d.]+)</g)].map((m) => Number(m[1]));
    expect(ticks).toEqual([0, 5, 10, 15, 20]);
    expect(svg).toContain('>16.00 ms</text>');
    // a stacked bar: its parts side by side, each its value on the scale (total 8: axis 8, 1 ms = 48.75 px)
    const stacked = stackedChart({
      id: 's',
      title: 'S',
      subtitle: '',
      unit: 'ms',
      footer: [],
      parts: [
        { name: 'p', colour: 'ours' },
        { name: 'q', colour: 'amber' },
      ],
      groups: [{ name: 'g', bars: [{ label: 'x', values: [6, 2] }] }],
    });
    const segs = [...stacked.matchAll(/<rect class="seg" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(segs).toEqual([
      [20, 292.5],
      [312.5, 97.5],
    ]);
  });

  it('escape hostile label text', () => {
    const hostile = `</text><script>alert("x")</script><text a='1'>&amp;`;
    const svg = barChart({
      id: 'h',
      title: hostile,
      subtitle: hostile,
      unit: hostile,
      footer: [hostile],
      groups: [{ name: hostile, bars: [{ label: hostile, value: 1, kind: 'peer', note: hostile }] }],
    });
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain("a='1'");
    expect(svg).toContain(esc(hostile));
    expect(esc(hostile)).toBe('&lt;/text&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;text a=&#39;1&#39;&gt;&amp;amp;');
    // only the renderer's own elements
    const elements = new Set([...svg.matchAll(/<([a-z]+)/g)].map((m) => m[1]));
    expect([...elements].filter((e) => !['svg', 'title', 'desc', 'style', 'rect', 'text', 'line', 'g'].includes(e!))).toEqual([]);
  });

  it('are accessible and readable on the light and the dark card', () => {
    for (const [name, svg] of renderCharts(committed)) {
      expect(svg, name).toMatch(/^<svg [^>]*role="img" aria-label="[^"]+" aria-labelledby="[\w-]+-title [\w-]+-desc">\n<title id=/);
      expect(svg, name).toContain('@media (prefers-color-scheme: dark)');
    }
    for (const theme of Object.values(THEMES)) {
      expect(contrast(theme.text, theme.card)).toBeGreaterThanOrEqual(4.5);
      expect(contrast(theme.muted, theme.card)).toBeGreaterThanOrEqual(4.5);
      for (const colour of Object.values(PALETTE)) expect(contrast(colour.fill, theme.card)).toBeGreaterThanOrEqual(3);
    }
    for (const colour of Object.values(PALETTE)) expect(contrast(colour.text, colour.fill)).toBeGreaterThanOrEqual(4.5);
  });

  it('take their numbers from the right fields of the bench results', () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    benchResults(dir);
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
    expect(readdirSync(out).sort()).toEqual([SUMMARY_FILE, ...renderCharts(summary).map(([name]) => name)].sort());
  });

  it.each([
    [
      'a missing file',
      (dir: string) => rmSync(join(dir, 'cold-start-latest.json')),
      /cold-start-latest\.json is missing; run pnpm --filter onnx-mobilenet-bench run bench:cold-start/,
    ],
    ['a truncated file', (dir: string) => writeFileSync(join(dir, 'node-latest.json'), '{"machine":'), /node-latest\.json is not valid JSON/],
    [
      'a partial result',
      (dir: string) => {
        const path = join(dir, 'python-peer-latest.json');
        const json = JSON.parse(readFileSync(path, 'utf8'));
        delete json.sets.second.models.int8.cases.pyBatch8;
        writeFileSync(path, JSON.stringify(json));
      },
      /python-peer-latest\.json has no number at sets\.second\.models\.int8\.cases\.pyBatch8\.wall/,
    ],
    [
      'Pillow skipped',
      (dir: string) => writeFileSync(join(dir, 'decode-latest.json'), JSON.stringify({ date: 'x', pillow: { skipped: 'no Python venv' } })),
      /decode-latest\.json has no Pillow row \(no Python venv\)/,
    ],
  ])('stop on %s with an error naming it, writing nothing', (_, spoil, message) => {
    const dir = tempDir();
    const out = join(dir, 'out');
    benchResults(dir);
    writeCharts(dir, out);
    const before = Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]));
    writeFileSync(join(dir, 'node-latest.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(dir, 'node-latest.json'), 'utf8')), date: 'a later run' }));
    spoil(dir);
    expect(() => writeCharts(dir, out)).toThrow(message);
    expect(Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]))).toEqual(before);
  });
});
