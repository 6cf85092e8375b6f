// pnpm bench:web-stream: a fake camera (two photos, 3 s each, 30 fps, 480x360) classified in
// headless Chromium on the page's main thread (classifyStream over the camera's MediaStream) and in a Web Worker (streamToWorker / serveStream), with 1 and 2 wasm threads on a
// cross-origin-isolated page. Per case: frames classified per second, latency p50/p95 as the
// results report it (`latencyMs`: from the frame's read by script to its result on the page) and
// from the camera's capture (the frame's timestamp on the page's clock: it also counts the time a
// frame waited in the browser for a busy thread), frames dropped (closed unclassified, or discarded by the track processor before script saw them), the camera's own frame
// rate (track.stats) and the share of its frames that reached the page's script at all (the
// browser skips frames before that when the reader is late), and the page's animation frames per
// second (how free its main thread stays). Prints a table and writes bench/results/web-stream-<date>.json.
// BENCH_STREAM_SECONDS=20  BENCH_THREADS=1,2  BENCH_STREAM_ROUNDS=2
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASSETS_DIR } from '../test/assets-dir.mjs';
import { buildPage, fakeCameraFlags, launchBrowser, serveStatic } from '../test/browser/browser-env.mjs';
import { writeFakeCameraFilm } from '../test/browser/fake-camera.mjs';
import { machineFacts } from './lib/machine.mjs';
import { summarize, writeResults } from './lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const SECONDS = Number(process.env.BENCH_STREAM_SECONDS ?? 20);
const ROUNDS = Number(process.env.BENCH_STREAM_ROUNDS ?? 2);
const THREADS = (process.env.BENCH_THREADS ?? '1,2').split(',').map(Number);
const MODES = ['main', 'worker'];

const film = await writeFakeCameraFilm(['n01440764_tench.JPEG', 'n02391049_zebra.JPEG'].map((f) => join(ASSETS_DIR, 'images', f)));
const dist = await buildPage(join(here, '../test/browser/worker-stream-harness'));
const server = await serveStatic(dist, { isolate: true });
const browser = await launchBrowser({ args: fakeCameraFlags(film) });
const byCase = new Map();
try {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${server.origin}/index.html`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  const run = (req) => page.evaluate((r) => window.harness.run(r), req);
  // Rounds interleave the cases, so that the machine's load falls on all alike
  for (let round = 0; round < ROUNDS; round++) {
    for (const threads of THREADS) {
      for (const mode of MODES) {
        const name = `${mode === 'main' ? 'main thread' : 'worker'}, ${threads} wasm thread${threads > 1 ? 's' : ''}`;
        // Warm-up: loads the classifier (kept for the next runs) and its first frames
        await run({ mode, threads, results: 5 });
        const out = await run({ mode, threads, seconds: SECONDS });
        if (!out.crossOriginIsolated) throw new Error('the bench page is not cross-origin isolated: wasm threads would not start');
        const errors = out.rows.filter((r) => r.error);
        if (errors.length) throw new Error(`${name}: ${errors.length} frames failed, e.g. ${errors[0].error}`);
        const entry = byCase.get(name) ?? { name, mode, threads, rows: [], seconds: 0, animationFrames: 0, longestGapMs: 0 };
        // Frames per second from the first result to the last, so that the start does not count
        entry.seconds += (out.rows.at(-1).at - out.rows[0].at) / 1000;
        entry.rows.push(...out.rows.slice(1));
        entry.animationFrames += out.animation.frames;
        entry.animationSeconds = (entry.animationSeconds ?? 0) + out.animation.seconds;
        entry.longestGapMs = Math.max(entry.longestGapMs, out.animation.longestGapMs);
        // What the camera made (track.stats) and what of it reached the page's script at all
        entry.cameraFrames = (entry.cameraFrames ?? 0) + out.camera.total;
        entry.scriptFrames = (entry.scriptFrames ?? 0) + out.camera.frames;
        byCase.set(name, entry);
        console.log(`round ${round + 1}: ${name}: ${out.rows.length} results`);
      }
    }
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(dist, { recursive: true, force: true });
  rmSync(dirname(film), { recursive: true, force: true });
}

const cases = [...byCase.values()].map((c) => {
  const latency = summarize(c.rows.map((r) => r.latencyMs));
  const fromCamera = summarize(c.rows.map((r) => r.fromCameraMs));
  const dropped = c.rows.reduce((n, r) => n + r.dropped, 0);
  const right = c.rows.filter((r) => r.label === 'tench' || r.label === 'zebra').length;
  return {
    name: c.name,
    mode: c.mode,
    threads: c.threads,
    results: c.rows.length,
    fps: c.rows.length / c.seconds,
    latencyP50: latency.median,
    latencyP95: latency.p95,
    fromCameraP50: fromCamera.median,
    fromCameraP95: fromCamera.p95,
    dropped,
    droppedPerResult: dropped / c.rows.length,
    rightLabelShare: right / c.rows.length,
    pageAnimationFps: c.animationFrames / c.animationSeconds,
    cameraFps: c.cameraFrames / c.animationSeconds,
    reachedScriptShare: c.scriptFrames / c.cameraFrames,
    longestPageGapMs: c.longestGapMs,
  };
});
console.log(`\nFake camera (30 fps, 480x360) classified in Chromium, ${ROUNDS} × ${SECONDS} s per case`);
const header = [
  'case',
  'frames/s',
  'p50 ms',
  'p95 ms',
  'camera→result p50',
  'p95',
  'dropped',
  'camera fps',
  'reached script',
  'right label',
  'page rAF/s',
  'longest page gap ms',
];
const lines = cases.map((c) => [
  c.name,
  c.fps.toFixed(1),
  c.latencyP50.toFixed(0),
  c.latencyP95.toFixed(0),
  c.fromCameraP50.toFixed(0),
  c.fromCameraP95.toFixed(0),
  String(c.dropped),
  c.cameraFps.toFixed(1),
  `${(c.reachedScriptShare * 100).toFixed(0)}%`,
  `${(c.rightLabelShare * 100).toFixed(0)}%`,
  c.pageAnimationFps.toFixed(0),
  c.longestPageGapMs.toFixed(0),
]);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
const fmt = (cells) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
console.log(fmt(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const l of lines) console.log(fmt(l));
const file = writeResults(join(here, 'results'), 'web-stream', {
  date: new Date().toISOString(),
  machine: machineFacts({ chromium: browser.context.browser()?.version() }),
  seconds: SECONDS,
  rounds: ROUNDS,
  cases,
});
console.log(`\nwritten to ${file}`);
