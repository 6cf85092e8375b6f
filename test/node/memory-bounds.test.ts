// Hostile inputs that used to exhaust memory or hang, each in a child process whose RSS is
// watched from outside: every one must end in the expected typed error, with peak RSS bounded.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { IMAGES_DIR, INT8_MODEL, SYNSET, describeWithAssets } from '../assets.js';
import { REPO_ROOT } from '../assets-dir.mjs';
import { hugeDeclaredWeightsModel, manyNodesModel } from '../hostile-onnx.js';
import { canWatchRss, runWatched } from '../rss-watchdog.js';

const CASE = new URL('./memory/case.mjs', import.meta.url).pathname;
const DIST = `${REPO_ROOT}packages/node/dist/index.js`;

// Default limits: 64 MiB encoded images, 256 MiB models. Measured here: a process with a loaded
// classifier peaks near 200-230 MiB on the image cases, 370 MiB on the endless model (the download
// is held in memory up to the limit), 65-120 MiB on the rest. Before the fixes the endless, gzip
// and device cases passed 1.5 GiB (the watchdog's kill line), the FIFO hung past 30 s.
const cases: [name: string, code: string, peakBelowMB: number][] = [
  ['png-1e8x1', 'E_LIMIT', 1500],
  ['labels-63mib', 'E_LIMIT', 1500],
  ['model-1m-nodes', 'E_LIMIT', 1500],
  ['image-path-70mb', 'E_LIMIT', 1500],
  ['image-url-60mb', 'E_LIMIT', 1500],
  ['classify-10000-buffers', 'ok', 1500],
  ['classify-10000-paths', 'ok', 1500],
  ['classify-array-3000', 'E_LIMIT', 1500],
  ['eval-ground-truth-dev-zero', 'E_INPUT', 1500],
  ['eval-ground-truth-fifo', 'E_INPUT', 1500],
  ['image-url-endless', 'E_LIMIT', 350],
  ['image-url-gzip', 'E_LIMIT', 350],
  ['model-url-endless', 'E_LIMIT', 550],
  ['model-dev-zero', 'E_INPUT', 200],
  ['labels-dev-urandom', 'E_INPUT', 200],
  ['model-fifo', 'E_INPUT', 200],
  ['threads-1e6', 'E_INPUT', 200],
  ['model-huge-declared-weights', 'E_MODEL_LOAD', 200],
];

describeWithAssets('memory and hangs, watched from outside the process', () => {
  it.skipIf(!canWatchRss).each(cases)('%s ends in %s with peak RSS under %d MiB', async (name, code, peakBelowMB) => {
    if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run pnpm build first (the case runs the built package, as apps do)`);
    const dir = mkdtempSync(join(tmpdir(), 'om-hostile-'));
    const hostileModel = join(dir, 'huge-declared.onnx');
    writeFileSync(hostileModel, hugeDeclaredWeightsModel());
    const manyNodes = join(dir, 'many-nodes.onnx');
    if (name === 'model-1m-nodes') writeFileSync(manyNodes, manyNodesModel(1_000_000));
    // a 173 KB photo: the size of the red team's uploads
    const env = {
      MODEL: INT8_MODEL,
      LABELS: SYNSET,
      HOSTILE_MODEL: hostileModel,
      MANY_NODES_MODEL: manyNodes,
      PHOTO: join(IMAGES_DIR, 'n02391049_zebra.JPEG'),
      IMAGES: IMAGES_DIR,
    };
    const run = await runWatched([CASE, name], { killAboveMB: 1536, timeoutMs: 30_000, env });
    console.log(`${name}: peak RSS ${run.peakMB.toFixed(0)} MiB${run.killed ? `, killed: ${run.killed}` : ''}`);
    expect(run.killed, run.stderr.slice(-2000)).toBeUndefined();
    const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}');
    console.log(`${name}: ${JSON.stringify(result).slice(0, 300)} (message: ${String(result.message ?? '').length} chars)`);
    if (code === 'ok') expect(result, run.stderr.slice(-2000)).toMatchObject({ ok: true });
    else expect(result, run.stderr.slice(-2000)).toMatchObject({ name: 'OnnxMobilenetError', code });
    // every message quotes caller data cut short, whatever its size
    expect(String(result.message ?? '').length).toBeLessThan(1000);
    expect(run.peakMB).toBeLessThan(peakBelowMB);
  });
});
