// examples/nextjs, built with `next build` and started with `next start` on 127.0.0.1: the route
// handler (server, onnxruntime-node) and the client component (browser, onnxruntime-web) both
// import createClassifier from onnx-mobilenet and must give the same top-1 for a photo.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FP32_MODEL, SYNSET, photos } from '../assets.js';
import { launchBrowser, serveStatic, type StaticServer } from './browser-env.mjs';
import { describeInBrowser } from './describe-in-browser.js';
import { assertFreshDist, distBuiltAt } from '../fresh-dist.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const app = join(root, 'examples/nextjs');
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };

async function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => r(port));
    });
  });
}

describeInBrowser('examples/nextjs', () => {
  let next: ChildProcess;
  let origin: string;
  let data: StaticServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let log = '';

  beforeAll(async () => {
    assertFreshDist('onnx-mobilenet');
    const buildId = join(app, '.next/BUILD_ID');
    if (!existsSync(buildId) || statSync(buildId).mtimeMs < distBuiltAt('onnx-mobilenet')) {
      // CI builds the examples first (pnpm build:examples); build here when run alone, or when the
      // packages were built after the example was (its .next/ would hold the old code).
      const built = spawnSync('pnpm', ['run', 'build'], { cwd: app, env, encoding: 'utf8' });
      if (built.status !== 0) throw new Error(`next build failed:\n${built.stdout}\n${built.stderr}`);
    }
    data = await serveStatic(join(root, 'test/browser'));
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    next = spawn(join(app, 'node_modules/.bin/next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
      cwd: app,
      env: {
        ...env,
        ONNX_MOBILENET_MODEL: FP32_MODEL,
        ONNX_MOBILENET_LABELS: SYNSET,
        ONNX_MOBILENET_MODEL_URL: `${data.origin}/data/models/mobilenetv2-12-fp32-dequantized.onnx`,
        ONNX_MOBILENET_LABELS_URL: `${data.origin}/data/models/synset.txt`,
        ONNX_MOBILENET_ALLOW_PRIVATE_NETWORK: '1',
      },
    });
    next.stdout?.on('data', (d) => (log += d));
    next.stderr?.on('data', (d) => (log += d));
    for (let i = 0; i < 100; i++) {
      if (
        await fetch(origin).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 200));
    }
    browser = await launchBrowser();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    next?.kill('SIGTERM');
    await data?.close();
  });

  it('the route handler classifies an upload on the server', async () => {
    const photo = photos().find((p) => p.name === 'zebra')!;
    const form = new FormData();
    form.append('image', new Blob([readFileSync(photo.path)], { type: 'image/jpeg' }), 'zebra.jpg');
    const res = await fetch(`${origin}/api/classify`, { method: 'POST', body: form });
    expect(res.status, log).toBe(200);
    const body = (await res.json()) as { predictions: { id: string }[] };
    expect(body.predictions).toHaveLength(5);
    expect(body.predictions[0]?.id).toBe(photo.wnid);

    const bad = new FormData();
    bad.append('image', new Blob([new Uint8Array([1, 2, 3])]), 'bad.jpg');
    const badRes = await fetch(`${origin}/api/classify`, { method: 'POST', body: bad });
    expect(badRes.status).toBe(422);
    expect(((await badRes.json()) as { error: { code: string } }).error.code).toBe('E_IMAGE_DECODE');
  });

  it('the server path and the browser path return the same top-1 for photos', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(origin);
    await page.waitForFunction(() => document.querySelector('[data-testid=status]')?.textContent === 'Ready', undefined, { timeout: 60_000 });
    for (const name of ['tench', 'zebra', 'volcano']) {
      const photo = photos().find((p) => p.name === name)!;
      await page.setInputFiles('input[type=file]', photo.path);
      await page.waitForFunction(
        () =>
          !!document.querySelector('[data-testid=server]')?.getAttribute('data-top1') &&
          !!document.querySelector('[data-testid=browser]')?.getAttribute('data-top1'),
      );
      const server = await page.getAttribute('[data-testid=server]', 'data-top1');
      const inBrowser = await page.getAttribute('[data-testid=browser]', 'data-top1');
      expect(server, name).toBe(photo.wnid);
      expect(inBrowser, name).toBe(server);
    }
    expect(errors).toEqual([]);
  });
});
