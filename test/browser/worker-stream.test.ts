// streamToWorker / serveStream in Chromium with a fake camera playing two photos, 3 s each, in a
// loop: results come back in order with both photos' labels, the indices account for every frame
// (results + dropped), every frame is closed on both sides, and break or abort ends both sides.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { photos } from '../assets.js';
import { buildPage, fakeCameraFlags, launchBrowser, serveStatic, type StaticServer } from './browser-env.mjs';
import { describeInBrowser } from './describe-in-browser.js';
import { writeFakeCameraFilm } from './fake-camera.mjs';
import type { Row, RunRequest } from './worker-stream-harness/main.js';

const here = dirname(fileURLToPath(import.meta.url));
interface RunOutcome {
  rows: Row[];
  stopReason: string;
  trackLiveAfterStop: boolean;
  videoPlayingAfterStop?: boolean;
  streamEndedInWorker: number;
  crossOriginIsolated: boolean;
}
interface FrameStats {
  page: { seen: number; open: number };
  worker: { received: number; open: number };
}

describeInBrowser('streamToWorker: a fake camera classified in a Web Worker', () => {
  let dist: string;
  let film: string;
  let server: StaticServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const run = (req: RunRequest) => page.evaluate((r) => (window as never as { harness: { run(r: RunRequest): Promise<RunOutcome> } }).harness.run(r), req);
  /** Frame counts once the worker's stream has ended (its last frame closed), or after 30 s (liveness only): then the open ones show. */
  const settledStats = async (threads: number): Promise<FrameStats> => {
    for (let attempt = 0; ; attempt++) {
      const stats = await page.evaluate((t) => (window as never as { harness: { frameStats(t: number): Promise<FrameStats> } }).harness.frameStats(t), threads);
      if ((stats.worker.open === 0 && stats.page.open === 0) || attempt === 150) return stats;
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    const pick = (name: string) => photos().find((p) => p.name === name)!.path;
    film = await writeFakeCameraFilm([pick('tench'), pick('zebra')], { seconds: 3 });
    dist = await buildPage(join(here, 'worker-stream-harness'));
    server = await serveStatic(dist, { isolate: true });
    browser = await launchBrowser({ args: fakeCameraFlags(film) });
    page = await browser.context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${server.origin}/index.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
    if (film) rmSync(dirname(film), { recursive: true, force: true });
  });

  /** Results in order, every frame accounted for (results + dropped), both photos' labels, switching at the cuts. */
  function expectLiveResults(out: RunOutcome): void {
    expect(out.stopReason).toBe('break');
    expect(out.rows.length).toBeGreaterThan(5);
    expect(out.rows.filter((r) => r.error)).toEqual([]);
    let previous = -1;
    for (const row of out.rows) {
      expect(row.frame).toBeGreaterThan(previous);
      expect(row.dropped).toBe(row.frame - previous - 1);
      expect(row.latencyMs).toBeGreaterThan(0);
      previous = row.frame;
    }
    expect(out.rows.length + out.rows.reduce((n, r) => n + r.dropped, 0)).toBe(out.rows.at(-1)!.frame + 1);
    const labels = out.rows.map((r) => r.label);
    expect(labels).toContain('tench');
    expect(labels).toContain('zebra');
    // Besides the moments of a cut (the smoothed average crosses over), the label is one of the two photos
    expect(labels.filter((l) => l === 'tench' || l === 'zebra').length).toBeGreaterThanOrEqual(out.rows.length * 0.9);
    // Runs of one label, switching at the cuts: at least tench → zebra → tench in 14 s of a 6 s loop
    expect(labels.filter((l, i) => i > 0 && l !== labels[i - 1]).length).toBeGreaterThanOrEqual(2);
  }

  it('returns both photos labels in order, counts every frame, closes every frame and stops both sides on break', async () => {
    // 14 s of results: more than two loops of the 6 s film
    const out = await run({ mode: 'worker', threads: 1, seconds: 14 });
    expectLiveResults(out);
    expect(out.trackLiveAfterStop).toBe(true);
    const stats = await settledStats(1);
    expect(stats.worker.received).toBeGreaterThanOrEqual(out.rows.length);
    // Each result's frame was made on the page; the frame indices also count the frames the track
    // processor discarded before script saw them, so more indices than frames made is expected
    expect(stats.page.seen).toBeGreaterThanOrEqual(out.rows.length);
    expect(stats.page.open).toBe(0);
    expect(stats.worker.open).toBe(0);
  }, 120_000);

  it('reads a <video> playing the camera through requestVideoFrameCallback, leaving it playing', async () => {
    const before = await settledStats(1);
    const out = await run({ mode: 'worker', threads: 1, seconds: 14, via: 'video' });
    expectLiveResults(out);
    expect(out.videoPlayingAfterStop).toBe(true);
    const stats = await settledStats(1);
    // the frames this run made from the video, each closed on the page (transferred or replaced) and
    // in the worker; the indices also count presented frames no callback saw (rVFC's presentedFrames)
    expect(stats.page.seen - before.page.seen).toBeGreaterThanOrEqual(out.rows.length);
    expect(stats.worker.received - before.worker.received).toBeGreaterThanOrEqual(out.rows.length);
    expect(stats.page.open).toBe(0);
    expect(stats.worker.open).toBe(0);
  }, 120_000);

  it('aborting the signal rejects with its reason and ends the worker stream, every frame closed', async () => {
    const out = await run({ mode: 'worker', threads: 1, results: 3, abort: true });
    expect(out.stopReason).toBe('threw: stopped by the harness');
    expect(out.rows).toHaveLength(3);
    const stats = await settledStats(1);
    expect(stats.page.open).toBe(0);
    expect(stats.worker.open).toBe(0);
  }, 120_000);

  it("a stream the worker refuses (a class its labels lack) rejects with the worker's error code", async () => {
    // topK: -1 and the like are refused on the page, at the call; class names only the worker can check
    const out = await run({ mode: 'worker', threads: 1, results: 1, allow: ['unicorn'] });
    expect(out.stopReason).toMatch(/^threw: .*unicorn/);
    expect(out.rows).toEqual([]);
    const stats = await settledStats(1);
    expect(stats.page.open).toBe(0);
  }, 120_000);
});
