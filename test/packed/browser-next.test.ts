// The packed packages as a Next.js user gets them: examples/nextjs's App Router app copied into a
// fresh npm project outside the workspace (depending on onnx-mobilenet only),
// built with Turbopack and with webpack. In each: the route handler classifies an upload on the
// server, the client component the same photo in Chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, serveStatic, type StaticServer } from '../browser/browser-env.mjs';
import { describeInBrowser } from '../browser/describe-in-browser.js';
import { ASSETS_DIR } from '../assets-dir.mjs';
import { freePort, installApp, NEXT_APP_DEPS, REPO_ROOT, runBin } from './browser-install.js';

const example = join(REPO_ROOT, 'examples/nextjs');
const tench = { path: join(ASSETS_DIR, 'images/n01440764_tench.JPEG'), wnid: 'n01440764' };

describeInBrowser('a Next.js app on the packed packages', () => {
  let app: string;
  let data: StaticServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    app = await installApp(undefined, NEXT_APP_DEPS);
    cpSync(join(example, 'app'), join(app, 'app'), { recursive: true });
    cpSync(join(example, 'tsconfig.json'), join(app, 'tsconfig.json'));
    data = await serveStatic(join(REPO_ROOT, 'test/browser'));
    browser = await launchBrowser();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await data?.close();
    if (app) rmSync(app, { recursive: true, force: true });
  });

  for (const bundler of ['turbopack', 'webpack'] as const) {
    describe(`built with ${bundler}`, () => {
      let next: ChildProcess | undefined;
      let origin: string;
      let log = '';

      beforeAll(async () => {
        rmSync(join(app, '.next'), { recursive: true, force: true });
        // no setting: onnx-mobilenet's sharp is the one Next.js brings, so webpack keeps it external
        writeFileSync(join(app, 'next.config.mjs'), 'export default {};\n');
        runBin(app, 'next', ['build', `--${bundler}`]);
        const port = await freePort();
        origin = `http://127.0.0.1:${port}`;
        next = spawn(join(app, 'node_modules/.bin/next'), ['start', '-p', String(port), '-H', '127.0.0.1'], {
          cwd: app,
          env: {
            ...process.env,
            NEXT_TELEMETRY_DISABLED: '1',
            ONNX_MOBILENET_MODEL: join(ASSETS_DIR, 'models/mobilenetv2-12-int8.onnx'),
            ONNX_MOBILENET_LABELS: join(ASSETS_DIR, 'models/synset.txt'),
            ONNX_MOBILENET_MODEL_URL: `${data.origin}/data/models/mobilenetv2-12-int8.onnx`,
            ONNX_MOBILENET_LABELS_URL: `${data.origin}/data/models/synset.txt`,
            ONNX_MOBILENET_ALLOW_PRIVATE_NETWORK: '1',
          },
        });
        next.stdout?.on('data', (d) => (log += d));
        next.stderr?.on('data', (d) => (log += d));
        for (
          let i = 0;
          i < 150 &&
          !(await fetch(origin).then(
            (r) => r.ok,
            () => false,
          ));
          i++
        )
          await new Promise((r) => setTimeout(r, 200));
      }, 600_000);
      afterAll(() => {
        next?.kill('SIGTERM');
      });

      it('the route handler names the tench on the server', async () => {
        const form = new FormData();
        form.append('image', new Blob([readFileSync(tench.path)], { type: 'image/jpeg' }), 'tench.jpg');
        const res = await fetch(`${origin}/api/classify`, { method: 'POST', body: form });
        expect(res.status, log).toBe(200);
        const body = (await res.json()) as { predictions: { id: string; label: string }[] };
        expect(body.predictions[0]).toMatchObject({ id: tench.wnid, label: 'tench' });
      });

      it('the client component names the tench in Chromium', async () => {
        const page = await browser.context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(origin);
        await page.waitForFunction(() => document.querySelector('[data-testid=status]')?.textContent === 'Ready', undefined, { timeout: 60_000 });
        await page.setInputFiles('input[type=file]', tench.path);
        await page.waitForFunction(() => !!document.querySelector('[data-testid=browser]')?.getAttribute('data-top1'), undefined, { timeout: 60_000 });
        expect(await page.getAttribute('[data-testid=browser]', 'data-top1')).toBe(tench.wnid);
        expect(errors).toEqual([]);
        await page.close();
      });

      it('ships only the wasm file the default wasm provider fetches', () => {
        const wasm = (readdirSync(join(app, '.next'), { recursive: true }) as string[]).filter((f) => f.endsWith('.wasm') && f.includes('static'));
        console.log(`next ${bundler}: ${wasm.join(', ')}`);
        expect(wasm).toHaveLength(1);
        expect(wasm[0]).not.toMatch(/jsep/);
      });
    });
  }
});
