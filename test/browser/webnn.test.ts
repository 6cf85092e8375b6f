// The webnn execution provider in headless Debian Chromium, as it is: without the WebNN flag there
// is no navigator.ml; with --enable-features=WebMachineLearningNeuralNetwork there is, but on Linux
// createContext() rejects ("NotSupportedError: ... WebNN is not supported on this platform."). A
// classifier asking for webnn must then do what the browser guide says: classify on wasm, with a
// warning naming why (no typed error: asking for an accelerator is a preference, wasm always runs).
// Where a context is made (a platform with WebNN), it must classify without falling back.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildPage, launchBrowser, serveStatic, type StaticServer } from './browser-env.mjs';
import { describeInBrowser } from './describe-in-browser.js';

const here = dirname(fileURLToPath(import.meta.url));
const TENCH = 'n01440764';
/** Chromium's switch that exposes navigator.ml. */
const WEBNN_FLAG = '--enable-features=WebMachineLearningNeuralNetwork';

interface WebnnOutcome {
  ml: boolean;
  context: string;
  top1: string | null;
  error: { name?: string; code?: string; message?: string } | null;
  warnings: string[];
}

describeInBrowser('the webnn provider in headless Chromium', () => {
  let dist: string;
  let server: StaticServer;
  const req = { model: '/data/models/mobilenetv2-12-int8.onnx', labels: '/data/models/synset.txt', url: '/data/images/n01440764_tench.JPEG' };

  beforeAll(async () => {
    dist = await buildPage(join(here, 'webgpu-harness'));
    server = await serveStatic(dist);
  }, 180_000);
  afterAll(async () => {
    await server?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  async function outcome(args: string[]): Promise<WebnnOutcome> {
    const browser = await launchBrowser({ args });
    try {
      const page = await browser.context.newPage();
      await page.goto(`${server.origin}/index.html`);
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
      const r: WebnnOutcome = await page.evaluate((q) => (window as any).webgpu.webnn(q), req);
      console.log(`Chromium ${browser.context.browser()?.version()} ${args.join(' ') || '(no flag)'}: ${JSON.stringify(r)}`);
      return r;
    } finally {
      await browser.close();
    }
  }

  it('without the WebNN flag: no navigator.ml, so wasm classifies, with a warning that webnn is not available', async () => {
    const r = await outcome([]);
    expect(r.ml).toBe(false);
    expect(r.error).toBeNull();
    expect(r.top1).toBe(TENCH);
    expect(r.warnings).toEqual([expect.stringMatching(/webnn is not available in this browser; using wasm/)]);
  }, 180_000);

  it(`with ${WEBNN_FLAG}: a WebNN session where createContext works, else wasm with a warning naming the failure`, async () => {
    const r = await outcome([WEBNN_FLAG]);
    expect(r.ml).toBe(true);
    expect(r.error).toBeNull();
    expect(r.top1).toBe(TENCH);
    if (r.context === 'ok') expect(r.warnings).toEqual([]);
    else expect(r.warnings.join('\n')).toMatch(/webnn.*falling back to wasm|removing requested execution provider "webnn"/);
  }, 180_000);
});
