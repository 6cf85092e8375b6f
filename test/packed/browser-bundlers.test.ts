// The packed packages in a production build by each common bundler other than Vite (which has its
// own file): one fresh npm app (outside the workspace, installed once for all of them) with the
// page and the module Worker of the Vite fixture, built by webpack 5, Rspack, esbuild and Parcel 2
// with the settings docs/guides/bundlers.md gives, each output copied alone into an empty folder,
// served cross-origin isolated (wasm threads) and opened in Chromium. Parcel also builds a page
// without a worker with the one setting such a page needs.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser, serveStatic, type StaticServer } from '../browser/browser-env.mjs';
import { describeInBrowser } from '../browser/describe-in-browser.js';
import { installApp, REPO_ROOT, runBin } from './browser-install.js';

const tench = '/data/images/n01440764_tench.JPEG';

/** Current releases (npm view), pinned. */
const VERSIONS = {
  webpack: '5.113.0',
  'webpack-cli': '7.3.1',
  '@rspack/core': '2.3.4',
  '@rspack/cli': '2.2.8',
  esbuild: '0.28.2',
  parcel: '2.16.4',
};

/** The one Parcel setting every app needs: resolve packages by their `exports`, as Node does. */
const PARCEL_PACKAGE_EXPORTS = { '@parcel/resolver-default': { packageExports: true } };

/**
 * Parcel's settings for a page that also classifies in a module Worker: ES-module output for the
 * Worker (docs/guides/bundlers.md says why: Parcel counts only Chromium as running module workers,
 * and onnxruntime-web's `import.meta` breaks its classic-script output). No `minBundles`: the
 * library keeps its lazy code in bundles that share no module Parcel would split out.
 */
const PARCEL_SETTINGS = {
  ...PARCEL_PACKAGE_EXPORTS,
  browserslist: 'last 2 Chrome versions',
};

interface Bundler {
  /** Runs the production build in the app folder. */
  build(app: string): void;
  /** The build's output folder. */
  dist: string;
  /** Whether the bundler leaves the HTML page to the app (the fixture's index.html, whose script is ./main.js, is copied in). */
  copiesPage?: boolean;
  /** The `wasmPaths` the page passes to createClassifier, where the build serves onnxruntime-web's files itself. */
  wasmPaths?: string;
  /** How many .wasm files the output holds: one, the default provider's, unless the app copies its own. */
  wasmFiles: number;
  /** Where the page classifies: on the main thread and in a module Worker unless it has no worker. */
  where?: readonly ('main' | 'worker')[];
}

/** The documented copy step: onnxruntime-web's wasm-only build files into `<dist>/ort/`. */
function copyOrtFiles(app: string, dist: string): void {
  for (const ext of ['mjs', 'wasm'])
    cpSync(join(app, `node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.${ext}`), join(app, dist, `ort/ort-wasm-simd-threaded.${ext}`));
}

const BUNDLERS: Record<string, Bundler> = {
  webpack: { build: (app) => runBin(app, 'webpack', ['--config', 'webpack.config.js']), dist: 'dist-webpack', copiesPage: true, wasmFiles: 1 },
  rspack: { build: (app) => runBin(app, 'rspack', ['build', '--config', 'rspack.config.js']), dist: 'dist-rspack', copiesPage: true, wasmFiles: 1 },
  esbuild: { build: (app) => execFileSync(process.execPath, ['esbuild.mjs'], { cwd: app, stdio: 'pipe' }), dist: 'dist-esbuild', wasmFiles: 1 },
  parcel: {
    build: (app) => {
      runBin(app, 'parcel', ['build', 'index.html', '--dist-dir', 'dist-parcel', '--no-cache', '--log-level', 'warn']);
      copyOrtFiles(app, 'dist-parcel');
    },
    dist: 'dist-parcel',
    // Parcel turns import.meta.url into a file: URL, so onnxruntime-web cannot find its own files
    wasmPaths: '/ort/',
    // its own copy of the .wasm (never fetched) and the one in ort/
    wasmFiles: 2,
  },
  'parcel-page': {
    // a page without a worker, in a folder of its own (Parcel reads its settings from the project's
    // package.json) that shares the app's node_modules; the output goes to the app's folder
    build: (app) => {
      const dir = `${app}-parcel-page`;
      mkdirSync(dir);
      cpSync(join(REPO_ROOT, 'test/packed/vite-app/index.html'), join(dir, 'index.html'));
      cpSync(join(REPO_ROOT, 'test/packed/parcel-page/main.js'), join(dir, 'main.js'));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module', ...PARCEL_PACKAGE_EXPORTS }));
      symlinkSync(join(app, 'node_modules'), join(dir, 'node_modules'));
      runBin(dir, 'parcel', ['build', 'index.html', '--dist-dir', join(app, 'dist-parcel-page'), '--no-cache', '--log-level', 'warn']);
      copyOrtFiles(app, 'dist-parcel-page');
    },
    dist: 'dist-parcel-page',
    wasmPaths: '/ort/',
    wasmFiles: 2,
    where: ['main'],
  },
};

/** Every file under `dir`, relative to it. */
function filesOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile());
}

/** The bytes a user's visitors download: the JS gzipped (as a static host serves it) and the wasm. */
function sizes(dir: string): { jsGzip: number; wasm: number } {
  let jsGzip = 0;
  let wasm = 0;
  for (const f of filesOf(dir)) {
    if (/\.m?js$/.test(f)) jsGzip += gzipSync(readFileSync(join(dir, f))).length;
    else if (f.endsWith('.wasm')) wasm += statSync(join(dir, f)).size;
  }
  return { jsGzip, wasm };
}

interface Built {
  server?: StaticServer;
  error?: string;
  wasmFiles: string[];
  /** The output served without onnxruntime-web's files where the bundler leaves them to the app. */
  withoutOrtFiles?: StaticServer;
}

describeInBrowser('the packed packages in production builds by webpack 5, Rspack, esbuild and Parcel 2', () => {
  let app: string;
  const built: Record<string, Built> = {};
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    const started = performance.now();
    app = await installApp(join(REPO_ROOT, 'test/packed/bundler-app'), VERSIONS, {}, PARCEL_SETTINGS);
    // the page and the worker are the Vite fixture's, unchanged
    cpSync(join(REPO_ROOT, 'test/packed/vite-app'), app, { recursive: true });
    console.log(`bundlers: one npm install for all of them in ${Math.round(performance.now() - started)} ms`);
    for (const [name, bundler] of Object.entries(BUNDLERS)) {
      const t0 = performance.now();
      try {
        bundler.build(app);
      } catch (err) {
        const e = err as { stderr?: Buffer | string; stdout?: Buffer | string; message: string };
        built[name] = { error: `${e.stderr?.toString() ?? ''}${e.stdout?.toString() ?? ''}`.trim() || e.message, wasmFiles: [] };
        continue;
      }
      const ms = Math.round(performance.now() - t0);
      // what a deployment serves: the output alone, in an empty folder
      const out = mkdtempSync(join(app, `served-${name}-`));
      cpSync(join(app, bundler.dist), out, { recursive: true });
      if (bundler.copiesPage) cpSync(join(app, 'index.html'), join(out, 'index.html'));
      const { jsGzip, wasm } = sizes(out);
      const wasmFiles = filesOf(out)
        .filter((f) => f.endsWith('.wasm'))
        .map((f) => join(out, f));
      console.log(
        `${name}: production build in ${ms} ms; JS ${(jsGzip / 1e6).toFixed(3)} MB gzipped + wasm ${(wasm / 1e6).toFixed(2)} MB (${wasmFiles.map((f) => basename(f)).join(', ')})`,
      );
      built[name] = { server: await serveStatic(out, { isolate: true }), wasmFiles };
      if (name === 'esbuild') {
        // the same output without the copy step
        const bare = mkdtempSync(join(app, `served-${name}-no-wasm-`));
        cpSync(out, bare, { recursive: true });
        rmSync(join(bare, 'ort-wasm-simd-threaded.wasm'));
        built[name].withoutOrtFiles = await serveStatic(bare, { isolate: true });
      }
    }
    browser = await launchBrowser();
  }, 900_000);
  afterAll(async () => {
    await browser?.close();
    for (const b of Object.values(built)) {
      await b.server?.close();
      await b.withoutOrtFiles?.close();
    }
    if (app) rmSync(app, { recursive: true, force: true });
  });

  for (const name of Object.keys(BUNDLERS)) {
    it(`${name}: the production build succeeds and ships one wasm file, the default provider's`, () => {
      expect(built[name]?.error).toBeUndefined();
      // the wasm-only build's binary, byte for byte (not the 28 MB WebGPU one), whatever its name
      const ours = readFileSync(join(app, 'node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm'));
      expect(built[name]?.wasmFiles.map((f) => readFileSync(f).equals(ours))).toEqual(Array(BUNDLERS[name]?.wasmFiles).fill(true));
    });

    for (const where of BUNDLERS[name]?.where ?? (['main', 'worker'] as const)) {
      it(`${name}: names the tench on a cross-origin-isolated page, ${where === 'main' ? 'on the main thread' : 'in a module Worker'}`, async () => {
        const server = built[name]?.server;
        expect(server, built[name]?.error).toBeDefined();
        const page = await browser.context.newPage();
        const warnings: string[] = [];
        page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
        const wasmPaths = BUNDLERS[name]?.wasmPaths ? `&wasmPaths=${encodeURIComponent(BUNDLERS[name].wasmPaths)}` : '';
        await page.goto(`${server?.origin}/index.html?where=${where}&image=${tench}${wasmPaths}`);
        expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
        // a hang shows as this wait running out, not as the test's own timeout
        await page.waitForFunction(() => document.getElementById('result')?.textContent !== 'loading', undefined, { timeout: 60_000 });
        expect(await page.textContent('#result')).toBe('label: tench');
        // no warning from the library: in particular, the wasm threads were not given up
        expect(warnings.filter((w) => w.startsWith('[onnx-mobilenet]'))).toEqual([]);
        await page.close();
      });
    }
  }
  // Where onnxruntime-web cannot find its files, the error says so and names the setting, instead
  // of blaming the model.
  for (const [name, how] of [
    ['esbuild', 'without the copy of the .wasm'],
    ['parcel', 'without wasmPaths'],
    ['parcel-page', 'without wasmPaths'],
  ] as const) {
    it(`${name} ${how}: the classifier rejects naming onnxruntime-web's files and wasmPaths`, async () => {
      const server = name === 'esbuild' ? built[name]?.withoutOrtFiles : built[name]?.server;
      expect(server, built[name]?.error).toBeDefined();
      const page = await browser.context.newPage();
      await page.goto(`${server?.origin}/index.html?where=main&image=${tench}`);
      await page.waitForFunction(() => document.getElementById('result')?.textContent !== 'loading', undefined, { timeout: 60_000 });
      expect(await page.textContent('#result')).toMatch(/^error: E_RUNTIME onnxruntime-web could not load its own files [\s\S]* pass wasmPaths /);
      await page.close();
    });
  }
});
