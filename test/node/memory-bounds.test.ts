// Hostile inputs that used to exhaust memory or hang, each in a child process whose RSS is
// watched from outside: every one must end in the expected typed error, with peak RSS bounded.
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { INT8_MODEL, SYNSET, describeWithAssets } from '../assets.js';
import { REPO_ROOT } from '../assets-dir.mjs';
import { canWatchRss, runWatched } from '../rss-watchdog.js';

const CASE = new URL('./memory/case.mjs', import.meta.url).pathname;
const DIST = `${REPO_ROOT}packages/node/dist/index.js`;

// Default limits: 64 MiB encoded images, 256 MiB models. A process with a loaded classifier sits
// near 150-200 MiB; the bounds allow the limit plus one copy, and the watchdog stops at 1.5 GiB or 30 s.
const cases: [name: string, code: string, peakBelowMB: number][] = [
  ['image-url-endless', 'E_LIMIT', 500],
  ['image-url-gzip', 'E_LIMIT', 500],
  ['model-url-endless', 'E_LIMIT', 900],
  ['model-dev-zero', 'E_INPUT', 300],
  ['labels-dev-urandom', 'E_INPUT', 300],
  ['model-fifo', 'E_INPUT', 300],
  ['threads-1e6', 'E_INPUT', 300],
];

describeWithAssets('memory and hangs, watched from outside the process', () => {
  it.skipIf(!canWatchRss).each(cases)('%s ends in %s with peak RSS under %d MiB', async (name, code, peakBelowMB) => {
    if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run pnpm build first (the case runs the built package, as apps do)`);
    const run = await runWatched([CASE, name], { killAboveMB: 1536, timeoutMs: 30_000, env: { MODEL: INT8_MODEL, LABELS: SYNSET } });
    console.log(`${name}: peak RSS ${run.peakMB.toFixed(0)} MiB${run.killed ? `, killed: ${run.killed}` : ''}`);
    expect(run.killed, run.stderr.slice(-2000)).toBeUndefined();
    const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}');
    expect(result, run.stderr.slice(-2000)).toMatchObject({ name: 'OnnxMobilenetError', code });
    expect(run.peakMB).toBeLessThan(peakBelowMB);
  });
});
