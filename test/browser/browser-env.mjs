// Shared pieces of the real-browser tests: a Vite build of a page, a static server on 127.0.0.1
// that also serves the assets folder, and Debian's Chromium driven by playwright-core.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { ASSETS_DIR } from '../assets-dir.mjs';

/** Debian's Chromium, or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** @type {Record<string, string>} */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
  '.jpeg': 'image/jpeg',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.webm': 'video/webm',
};

/** @typedef {{ origin: string, close(): Promise<void> }} StaticServer */

/**
 * Serves `root` at `/` and the assets folder at `/data/`, read-only, on 127.0.0.1. With
 * `isolate`, sends the COOP/COEP headers that make the page cross-origin isolated (wasm threads).
 * Responses are `no-store` unless `cache` lets the browser keep them an hour, as static hosts do
 * (a repeat visit then has the `.wasm`, and V8's cache of its compiled code).
 * @param {string} root
 * @param {{ isolate?: boolean, cache?: boolean }} [options]
 * @returns {Promise<StaticServer>}
 */
export async function serveStatic(root, options = {}) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const [base, rel] = path.startsWith('/data/') ? [ASSETS_DIR, path.slice('/data/'.length)] : [root, path.slice(1) || 'index.html'];
    const file = normalize(join(base, rel));
    // The data folder is also fetched cross-origin (the Next.js example's page loads it from here).
    /** @type {Record<string, string>} */
    const headers = { 'cache-control': options.cache ? 'public, max-age=3600' : 'no-store', 'access-control-allow-origin': '*' };
    if (options.isolate) {
      headers['cross-origin-opener-policy'] = 'same-origin';
      headers['cross-origin-embedder-policy'] = 'require-corp';
      headers['cross-origin-resource-policy'] = 'cross-origin';
    }
    if (!file.startsWith(resolve(base)) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { ...headers, 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  return {
    origin: `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r(undefined));
      }),
  };
}

/**
 * Builds a page with Vite (sources of the workspace packages, as the tests use) into a temp dir.
 * Workers are built as ES modules unless `workerFormat: 'default'` keeps Vite's default ('iife').
 * @param {string} root
 * @param {{ source?: boolean, workerFormat?: 'es' | 'default' }} [options]
 * @returns {Promise<string>}
 */
export async function buildPage(root, options = {}) {
  const { build } = await import('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-page-'));
  const conditions = options.source === false ? [] : ['source'];
  await build({
    root,
    logLevel: 'warn',
    configFile: false,
    resolve: { conditions: [...conditions, 'module', 'browser', 'production'] },
    ...(options.workerFormat === 'default' ? {} : { worker: { format: 'es' } }),
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  });
  return outDir;
}

/**
 * Builds an example as its user would: with its own `vite.config.ts` (which bundles the built
 * packages), into a temp dir.
 * @param {string} example
 * @returns {Promise<string>}
 */
export async function buildExample(example) {
  const { build } = await import('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-example-'));
  await build({ root: example, configFile: join(example, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}

/**
 * Command-line flags that give headless Chromium a software WebGPU adapter (SwiftShader over
 * Vulkan, a CPU emulation of a GPU) instead of no GPU at all. WebGPU also needs a secure context:
 * a page on 127.0.0.1 is one.
 */
export const SWIFTSHADER_WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan'];

/**
 * Headless Debian Chromium with a fresh profile and no background network. By default without a
 * GPU (`--disable-gpu`); `webgpu: 'swiftshader'` gives it SwiftShader's software WebGPU adapter;
 * `args` adds command-line flags (a fake camera: {@link fakeCameraFlags}). `profile` is its user-data folder.
 * @param {{ webgpu?: 'swiftshader', args?: string[] | undefined }} [options]
 * @returns {Promise<{ context: import('playwright-core').BrowserContext, profile: string, close(): Promise<void> }>}
 */
export async function launchBrowser(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-chromium-'));
  const gpu = options.webgpu === 'swiftshader' ? SWIFTSHADER_WEBGPU_FLAGS : ['--disable-gpu'];
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      ...gpu,
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
      ...(options.args ?? []),
    ],
  });
  return {
    context,
    profile,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Flags that give Chromium a fake camera playing `y4m` in a loop, allowed without a prompt.
 * @param {string} y4m
 */
export const fakeCameraFlags = (y4m) => ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`];

/**
 * Serves a built page (`serveStatic`), opens it in a fresh headless Chromium (`launchBrowser`) and
 * waits until its harness sets `#status` to `ready`. `close()` ends both; `args` are Chromium flags.
 * @param {string} dist
 * @param {{ isolate?: boolean, args?: string[] }} [options]
 * @returns {Promise<{ page: import('playwright-core').Page, profile: string, close(): Promise<void> }>}
 */
export async function openHarnessPage(dist, options = {}) {
  const server = await serveStatic(dist, options);
  const browser = await launchBrowser({ args: options.args });
  const close = async () => {
    await browser.close();
    await server.close();
  };
  try {
    const page = await browser.context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`${server.origin}/index.html`);
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
    return { page, profile: browser.profile, close };
  } catch (err) {
    await close();
    throw err;
  }
}
