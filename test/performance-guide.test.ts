// The prose under the Performance guide's charts (docs/guides/performance.md, "The charts") repeats
// some of their numbers: each must be the one recomputed from the committed summary
// (docs/guides/media/performance-data.json), so a bench run that redraws the charts and leaves the
// prose behind fails here. Every ratio, decimal and "N ms" in that prose must be one of these.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');
const s = JSON.parse(read('../docs/guides/media/performance-data.json'));
const guide = read('../docs/guides/performance.md');
/** The prose of "The charts", without the images (their alt text), on one line. */
const prose = (/^## The charts\n([\s\S]*?)\n## /m.exec(guide)?.[1] ?? '')
  .split('\n')
  .filter((line) => !line.startsWith('!['))
  .join(' ')
  .replace(/\s+/g, ' ');

const ratio = (a: number, b: number) => (a / b).toFixed(2);
/** Ratios as the prose gives them: "1.11-1.14×", or "1.14×" when they round alike. */
const range = (ratios: string[]) => {
  const sorted = [...new Set(ratios)].sort((a, b) => Number(a) - Number(b));
  return `${sorted.length === 1 ? sorted[0] : `${sorted[0]}-${sorted.at(-1)}`}×`;
};
const models = ['int8', 'fp32 stand-in'] as const;
const bench = s.throughput.bench.models;
const second = s.throughput.second.models;
const cold = [s.coldStart.int8, s.coldStart.fp32];
const [sharp, ...others] = s.decoders.rows;

describe('the Performance guide', () => {
  it('gives the numbers of the committed charts in the prose under them', () => {
    expect(prose.length).toBeGreaterThan(1000);
    const claims = [
      `on the ${s.throughput.bench.photos} bench photos`,
      `within ${range(models.map((m) => ratio(bench[m].ours, bench[m].bound)))} of it`,
      `takes ${range(models.map((m) => ratio(bench[m].python, bench[m].ours)))} onnx-mobilenet's time`,
      `transformers.js ${range(models.map((m) => ratio(bench[m].transformers, bench[m].ours)))}.`,
      `(int8: ${second.int8.python.toFixed(2)} against ${bench.int8.python.toFixed(2)} ms, onnx-mobilenet ${second.int8.ours.toFixed(2)} against ${bench.int8.ours.toFixed(2)})`,
      `further behind (${range(models.map((m) => ratio(second[m].python, second[m].ours)))})`,
      `onnx-mobilenet costs ${range(cold.map((c) => ratio(c.ours, c.bare)))} a bare script`,
      `about ${Math.round(s.coldStart.int8.parts.ours[1])} ms with the int8 file`,
      `at ${ratio(sharp.crop, s.decoders.pillow.crop)}× Pillow`,
    ];
    let rest = prose;
    for (const claim of claims) {
      expect(prose, 'the Performance guide\'s prose under "The charts"').toContain(claim);
      rest = rest.replace(claim, '');
    }
    // no other figure from the bench: no ratio, no decimal, no "N ms"
    expect(rest.match(/\d×(?!\d)|\d\.\d|\d ms/g)).toBeNull();
  });

  it('says of the committed charts only what they show', () => {
    // "Python is a little faster than both" at cold start
    expect(prose).toContain('Python is a little faster than both');
    for (const c of cold) expect(c.python).toBeLessThan(Math.min(c.ours, c.bare));
    // "the bare script's parts measured a little longer" (loading onnxruntime-node and sharp)
    expect(prose).toContain("the bare script's parts measured a little longer in this run");
    for (const i of [2, 3]) expect(s.coldStart.int8.parts.bare[i]).toBeGreaterThan(s.coldStart.int8.parts.ours[i]);
    // "sharp is the cheapest of them for the whole job"
    expect(prose).toContain('sharp is the cheapest of them for the whole job');
    for (const r of others) expect(sharp.crop).toBeLessThanOrEqual(r.crop);
  });
});
