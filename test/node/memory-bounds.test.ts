// Hostile inputs that used to exhaust memory or hang, each in a child process whose RSS is
// watched from outside: every one must end in the expected typed error, with peak RSS bounded.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { INT8_MODEL, SYNSET, describeWithAssets } from '../assets.js';
import { REPO_ROOT } from '../assets-dir.mjs';
import { hugeDeclaredWeightsModel, loopModel } from '../hostile-onnx.js';
import { canWatchRss, runWatched } from '../rss-watchdog.js';

const CASE = new URL('./memory/case.mjs', import.meta.url).pathname;
const DIST = `${REPO_ROOT}packages/node/dist/index.js`;

// Default limits: 64 MiB encoded images, 256 MiB models. Measured here: a process with a loaded
// classifier peaks near 200-230 MiB on the image cases, 370 MiB on the endless model (the download
// is held in memory up to the limit), 65-120 MiB on the rest. Before the fixes the endless, gzip
// and device cases passed 1.5 GiB (the watchdog's kill line), the FIFO hung past 30 s.
const cases: [name: string, code: string, peakBelowMB: number][] = [
  ['image-url-endless', 'E_LIMIT', 350],
  ['image-url-gzip', 'E_LIMIT', 350],
  ['model-url-endless', 'E_LIMIT', 550],
  ['model-dev-zero', 'E_INPUT', 200],
  ['labels-dev-urandom', 'E_INPUT', 200],
  ['model-fifo', 'E_INPUT', 200],
  ['threads-1e6', 'E_INPUT', 200],
  ['model-huge-declared-weights', 'E_MODEL_LOAD', 200],
  // before the fix: loaded in 0.6 s, then classify() blocked the JS thread until the kill timer
  ['model-loop-1e15', 'E_MODEL_LOAD', 200],
];

describeWithAssets('memory and hangs, watched from outside the process', () => {
  it.skipIf(!canWatchRss).each(cases)('%s ends in %s with peak RSS under %d MiB', async (name, code, peakBelowMB) => {
    if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run pnpm build first (the case runs the built package, as apps do)`);
    const hostileModel = join(mkdtempSync(join(tmpdir(), 'om-hostile-')), 'huge-declared.onnx');
    writeFileSync(hostileModel, await hugeDeclaredWeightsModel());
    const loop = join(dirname(hostileModel), 'loop.onnx');
    writeFileSync(loop, loopModel({ initializer: 1e15 }));
    const env = { MODEL: INT8_MODEL, LABELS: SYNSET, HOSTILE_MODEL: hostileModel, LOOP_MODEL: loop };
    const run = await runWatched([CASE, name], { killAboveMB: 1536, timeoutMs: 30_000, env });
    console.log(`${name}: peak RSS ${run.peakMB.toFixed(0)} MiB${run.killed ? `, killed: ${run.killed}` : ''}`);
    expect(run.killed, run.stderr.slice(-2000)).toBeUndefined();
    const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}');
    expect(result, run.stderr.slice(-2000)).toMatchObject({ name: 'OnnxMobilenetError', code });
    expect(run.peakMB).toBeLessThan(peakBelowMB);
  });
});
