// Shared pieces of the real-browser tests: a Vite build of a page, a static server on 127.0.0.1
// that also serves the assets folder, and Debian's Chromium driven by playwright-core.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { describe } from 'vitest';
import { ASSETS_DIR, assetsReason } from '../assets.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const browserReason = existsSync(CHROMIUM) ? '' : `no browser at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`;

/** `describe` for suites that need Chromium and the assets: skipped with a reason, failing when CI=true. */
export function describeInBrowser(name: string, fn: () => void): void {
  const reason = assetsReason || browserReason;
  if (!reason) {
    describe(name, fn);
    return;
  }
  if (process.env.CI === 'true') throw new Error(`CI=true and ${reason}`);
  describe.skip(`${name} [skipped: ${reason}]`, fn);
}

const TYPES: Record<string, string> = {
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
};

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves `root` at `/` and the assets folder at `/data/`, read-only, on 127.0.0.1. With
 * `isolate`, sends the COOP/COEP headers that make the page cross-origin isolated (wasm threads).
 */
export async function serveStatic(root: string, options: { isolate?: boolean } = {}): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const [base, rel] = path.startsWith('/data/') ? [ASSETS_DIR, path.slice('/data/'.length)] : [root, path.slice(1) || 'index.html'];
    const file = normalize(join(base, rel));
    // The data folder is also fetched cross-origin (the Next.js example's page loads it from here).
    const headers: Record<string, string> = { 'cache-control': 'no-store', 'access-control-allow-origin': '*' };
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
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Builds a page with Vite (sources of the workspace packages, as the tests use) into a temp dir. */
export async function buildPage(root: string, options: { source?: boolean } = {}): Promise<string> {
  const { build } = await import('vite');
  const outDir = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-page-'));
  const conditions = options.source === false ? [] : ['source'];
  await build({
    root,
    logLevel: 'warn',
    configFile: false,
    resolve: { conditions: [...conditions, 'module', 'browser', 'production'] },
    worker: { format: 'es' },
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  });
  return outDir;
}

/** Headless Debian Chromium with a fresh profile and no background network. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'onnx-mobilenet-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
