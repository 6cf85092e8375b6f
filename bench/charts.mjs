// pnpm bench:node ends here (alone: pnpm --filter onnx-mobilenet-bench run charts): the
// Performance guide's charts from the latest results. Reads bench/results/{node,python-peer,
// cold-start,decode}-latest.json, writes docs/guides/media/performance-data.json (the numbers the
// charts show) and the SVGs beside it. `--results DIR` and `--out DIR` read and write elsewhere.
// `--keep-if-incomplete` (how `pnpm bench:node` calls it) warns and keeps the committed charts when
// a result is missing or partial (a bench skipped itself, e.g. without Python: IncompleteResults)
// instead of failing the whole run; any other error is a bug and fails (exit code 1).
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SUMMARY_FILE, writeCharts } from './lib/performance-charts.mjs';
import { IncompleteResults } from './lib/performance-data.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { results: { type: 'string' }, out: { type: 'string' }, 'keep-if-incomplete': { type: 'boolean' } } });
try {
  const written = writeCharts(values.results ?? join(here, 'results'), values.out ?? join(here, '../docs/guides/media'));
  console.log(`performance charts: wrote ${written.map((f) => relative(process.cwd(), f)).join(', ')}`);
  // a bench that was skipped (Python missing) leaves its older result in place: say so
  const times = Object.values(JSON.parse(readFileSync(/** @type {string} */ (written[0]), 'utf8')).dates).map((d) => Date.parse(String(d)));
  const hours = (Math.max(...times) - Math.min(...times)) / 3.6e6;
  if (hours > 2) console.warn(`performance charts: warning: the results are from runs ${hours.toFixed(1)} hours apart (see the dates in ${SUMMARY_FILE})`);
} catch (e) {
  if (values['keep-if-incomplete'] && e instanceof IncompleteResults)
    console.warn(`performance charts: not redrawn, the committed ones are kept: ${e.message}`);
  else {
    console.error(e instanceof IncompleteResults ? e.message : e);
    process.exitCode = 1;
  }
}
