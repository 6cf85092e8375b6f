import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Small measurement helpers: per-item timings, median/p95, table printing.

/** Median and 95th percentile of a list of numbers. */
export function summarize(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { n: s.length, median: at(0.5), p95: at(0.95), mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/** Times `fn` once per item (after `warmup` untimed items), returning ms per call. */
export async function timeEach(items, fn, { warmup = 3, rounds = 1 } = {}) {
  for (const item of items.slice(0, warmup)) await fn(item);
  const times = [];
  for (let r = 0; r < rounds; r++) {
    for (const item of items) {
      const t0 = performance.now();
      await fn(item);
      times.push(performance.now() - t0);
    }
  }
  return times;
}

/** Times batches: `fn(batch)` over consecutive slices, returning ms per photo for each batch. */
export async function timeBatches(items, size, fn, { rounds = 1 } = {}) {
  await fn(items.slice(0, size));
  const times = [];
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i + size <= items.length; i += size) {
      const batch = items.slice(i, i + size);
      const t0 = performance.now();
      await fn(batch);
      times.push((performance.now() - t0) / size);
    }
  }
  return times;
}

/** Wall time of running all items with `inFlight` calls outstanding, in ms per photo. */
export async function timeInFlight(items, inFlight, fn) {
  let next = 0;
  const t0 = performance.now();
  const workers = Array.from({ length: inFlight }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(workers);
  return (performance.now() - t0) / items.length;
}

export function row(name, msPerPhoto, extra = {}) {
  const s = typeof msPerPhoto === 'number' ? { median: msPerPhoto, p95: msPerPhoto } : summarize(msPerPhoto);
  return { name, median: s.median, p95: s.p95, photosPerSecond: 1000 / s.median, ...extra };
}

export function printTable(title, rows, baseline) {
  console.log(`\n${title}`);
  const header = ['case', 'median ms/photo', 'p95 ms/photo', 'photos/s', ...(baseline ? [`× ${baseline.name}`] : [])];
  const lines = rows.map((r) => [
    r.name,
    r.median.toFixed(2),
    r.p95.toFixed(2),
    r.photosPerSecond.toFixed(1),
    ...(baseline ? [(r.median / baseline.median).toFixed(2)] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(fmt(l));
}

/** Writes `results` to bench/results/<kind>-<date>.json and <kind>-latest.json; returns the dated path. */
export function writeResults(dir, kind, results) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${kind}-${results.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  writeFileSync(join(dir, `${kind}-latest.json`), JSON.stringify(results, null, 2));
  return file;
}
