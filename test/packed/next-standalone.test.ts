// Next.js `output: 'standalone'` as a deployment runs it: examples/nextjs's app, installed from the
// packed tarballs with npm (built with Turbopack, the default `next build`, and with webpack) and
// with pnpm (its isolated store; Turbopack), no other setting. `.next/standalone` (+ `.next/static`, + `public`) alone is copied into an empty
// temp folder, with the install's node_modules moved away, and `node server.js` there classifies
// the tench in the route handler (an upload) and in a server component (a photo of public/).
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ASSETS_DIR } from '../assets-dir.mjs';
import { installApp, NEXT_APP_DEPS, packedTarballs, REPO_ROOT, runBin } from './browser-install.js';
import { consumerEnv, diskUsage, runOk, writeApp } from './consumer-project.js';

const example = join(REPO_ROOT, 'examples/nextjs');
const tench = { path: join(ASSETS_DIR, 'images/n01440764_tench.JPEG'), wnid: 'n01440764' };
const MB = 1e6;

// Ceilings for the standalone folder on linux-x64, from sizes measured with Next 16.5.0: Turbopack
// 98 MB (next 15 MB, sharp and libvips 19 MB, onnxruntime's linux-x64 library 46 MB, and for the
// example's edge route the wasm path's 15 MB: onnxruntime-web's wasm and the two codecs), webpack
// 136 MB (@vercel/nft also copies linux-arm64's 25 MB library, the other systems' 0.3 MB addons
// and the wasm files twice). Any other system's onnxruntime library (darwin 2 x 45 MB, win32
// 64-70 MB) or a second sharp (17 MB) passes them.
const CEILING_MB = { turbopack: 112, webpack: 150 } as const;

const CASES = [
  { manager: 'npm', bundler: 'turbopack' },
  { manager: 'npm', bundler: 'webpack' },
  { manager: 'pnpm', bundler: 'turbopack' },
] as const;

/** examples/nextjs's app in an installed project, a photo in public/, and the one setting of a standalone deploy (nothing for onnx-mobilenet). */
function addExample(app: string): string {
  cpSync(join(example, 'app'), join(app, 'app'), { recursive: true });
  cpSync(join(example, 'tsconfig.json'), join(app, 'tsconfig.json'));
  cpSync(tench.path, join(app, 'public/tench.jpg'));
  writeFileSync(join(app, 'next.config.mjs'), "export default { output: 'standalone' };\n");
  return app;
}

async function install(manager: 'npm' | 'pnpm'): Promise<string> {
  if (manager === 'npm') return addExample(await installApp(undefined, NEXT_APP_DEPS));
  const app = mkdtempSync(join(inject('packedRoot'), 'pnpm-next-')); // removed with the rest by the global setup
  writeApp(app, await packedTarballs(), 'pnpm', NEXT_APP_DEPS);
  runOk(app, 'pnpm', ['install', '--config.confirmModulesPurge=false'], consumerEnv());
  return addExample(app);
}

/** onnxruntime-node's binaries folder in a standalone copy, wherever the package manager put the package. */
function napiDir(dir: string): string {
  const found = (readdirSync(dir, { recursive: true }) as string[]).find((f) => f.split(sep).join('/').endsWith('onnxruntime-node/bin/napi-v6'));
  if (!found) throw new Error(`no onnxruntime-node/bin/napi-v6 under ${dir}`);
  return join(dir, found);
}

async function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => r(port));
    });
  });
}

/** Symbolic links under `dir` whose target lies outside it (a copy that still leans on the build folder). */
function linksOutside(dir: string): string[] {
  const root = realpathSync(dir);
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => lstatSync(join(dir, f)).isSymbolicLink())
    .filter((f) => {
      const target = existsSync(join(dir, f)) ? realpathSync(join(dir, f)) : '(dangling)';
      return !target.startsWith(root + sep);
    });
}

/** Folders from `dir` up to the root that hold a node_modules Node would search from `dir`. */
function nodeModulesAbove(dir: string): string[] {
  const found: string[] = [];
  for (let d = dirname(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) found.push(d);
    if (dirname(d) === d) return found;
  }
}

interface Started {
  server: ChildProcess;
  log: () => string;
  origin: string;
  /** ms from spawn to the route handler's first classification */
  coldStartMs: number;
  first: { status: number; body: string };
}

/** Starts `node server.js` in `dir` and posts the tench until the server answers: the cold start. */
async function startAndClassify(dir: string): Promise<Started> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  let log = '';
  const t0 = performance.now();
  const server = spawn(process.execPath, ['server.js'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOSTNAME: '127.0.0.1',
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      ONNX_MOBILENET_MODEL: join(ASSETS_DIR, 'models/mobilenetv2-12-int8.onnx'),
      ONNX_MOBILENET_LABELS: join(ASSETS_DIR, 'models/synset.txt'),
    },
  });
  server.stdout?.on('data', (d) => (log += d));
  server.stderr?.on('data', (d) => (log += d));
  const photo = readFileSync(tench.path);
  // liveness only: the server is polled until it answers (or exits), whatever the time
  for (let i = 0; i < 1200 && server.exitCode === null; i++) {
    const form = new FormData();
    form.append('image', new Blob([photo], { type: 'image/jpeg' }), 'tench.jpg');
    const res = await fetch(`${origin}/api/classify`, { method: 'POST', body: form }).catch(() => undefined);
    if (res) return { server, log: () => log, origin, coldStartMs: performance.now() - t0, first: { status: res.status, body: await res.text() } };
    await new Promise((r) => setTimeout(r, 50));
  }
  server.kill('SIGKILL');
  throw new Error(`node server.js never answered:\n${log}`);
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  await new Promise((r) => {
    server.once('exit', r);
    server.kill('SIGTERM');
  });
}

describe('Next.js output: standalone on the packed packages, copied away and served by node server.js', () => {
  const apps = new Map<string, Promise<string>>();
  afterAll(async () => {
    for (const app of apps.values()) rmSync(await app, { recursive: true, force: true });
  });

  for (const { manager, bundler } of CASES) {
    describe(`installed with ${manager}, built with ${bundler}`, () => {
      let app: string;
      let deploy: string;
      let started: Started | undefined;
      let standaloneBytes: number;

      beforeAll(async () => {
        if (!apps.has(manager)) apps.set(manager, install(manager));
        app = await apps.get(manager)!;
        rmSync(join(app, '.next'), { recursive: true, force: true });
        runBin(app, 'next', ['build', `--${bundler}`]);
        const standalone = join(app, '.next/standalone');
        standaloneBytes = diskUsage(standalone);
        // what a Dockerfile copies: the standalone folder, the static assets and public, nothing else
        deploy = mkdtempSync(join(tmpdir(), `next-standalone-${manager}-${bundler}-`));
        cpSync(standalone, deploy, { recursive: true, verbatimSymlinks: true });
        cpSync(join(app, '.next/static'), join(deploy, '.next/static'), { recursive: true });
        cpSync(join(app, 'public'), join(deploy, 'public'), { recursive: true });
        // the install's node_modules out of reach while the copy runs
        renameSync(join(app, 'node_modules'), join(app, 'node_modules.away'));
        try {
          started = await startAndClassify(deploy);
        } finally {
          renameSync(join(app, 'node_modules.away'), join(app, 'node_modules'));
        }
      }, 600_000);
      afterAll(async () => {
        if (started) await stop(started.server);
        if (deploy) rmSync(deploy, { recursive: true, force: true });
      });

      it('is a copy on its own: no link out of it, no node_modules above it', () => {
        expect(linksOutside(deploy)).toEqual([]);
        expect(nodeModulesAbove(deploy)).toEqual([]);
      });

      it('the route handler names the tench (an upload, on the first request)', () => {
        const { status, body } = started!.first;
        expect(status, `${body}\n${started!.log()}`).toBe(200);
        const { predictions } = JSON.parse(body) as { predictions: { id: string; label: string }[] };
        expect(predictions[0]).toMatchObject({ id: tench.wnid, label: 'tench' });
      });

      it('the server component renders the tench as the top-1 of public/tench.jpg', async () => {
        const res = await fetch(`${started!.origin}/photos/tench.jpg`);
        const html = await res.text();
        expect(res.status, started!.log()).toBe(200);
        expect(html).toMatch(new RegExp(`data-testid="photo" data-top1="${tench.wnid}"`));
        expect(html).toMatch(/<li>tench/);
      });

      it("holds this platform's onnxruntime binaries, not the other systems' libraries, within the size ceiling", () => {
        const napi = napiDir(deploy);
        const here = join(napi, process.platform, process.arch);
        const files = readdirSync(here);
        expect(files).toContain('onnxruntime_binding.node');
        expect(files.some((f) => /^(lib)?onnxruntime[.\d]*\.(so|dylib|dll)/.test(f))).toBe(true);
        const all = (readdirSync(napi, { recursive: true }) as string[]).map((f) => f.split(sep).join('/'));
        const otherSystems = ['darwin', 'win32', 'linux'].filter((os) => os !== process.platform);
        // shared libraries of another system: never (each is 25-90 MB)
        expect(all.filter((f) => otherSystems.includes(f.split('/')[0]!) && /\.(so|dylib|dll)/.test(f))).toEqual([]);
        // Turbopack evaluates onnxruntime-node's `${process.platform}/${process.arch}` require to this
        // folder alone; @vercel/nft (webpack) globs it and copies every system's small addon
        if (bundler === 'turbopack') expect(readdirSync(napi)).toEqual([process.platform]);
        const sizeMb = standaloneBytes / MB;
        console.log(
          `next ${bundler} (${manager}) standalone: ${sizeMb.toFixed(0)} MB (deploy folder with .next/static and public: ${(diskUsage(deploy) / MB).toFixed(0)} MB); ` +
            `cold start, node server.js to the first classification: ${started!.coldStartMs.toFixed(0)} ms; onnxruntime binaries: ${all.filter((f) => f.includes('.')).join(', ')}`,
        );
        if (process.platform === 'linux' && process.arch === 'x64') expect(sizeMb).toBeLessThan(CEILING_MB[bundler]);
      });

      it('cold-starts again from the copy (measured, not asserted)', async () => {
        const runs = [started!.coldStartMs];
        for (let i = 0; i < 2; i++) {
          await stop(started!.server);
          started = await startAndClassify(deploy);
          expect(started.first.status, started.log()).toBe(200);
          runs.push(started.coldStartMs);
        }
        const median = [...runs].sort((a, b) => a - b)[1]!;
        console.log(`next ${bundler} (${manager}) standalone cold starts: ${runs.map((ms) => ms.toFixed(0)).join(', ')} ms (median ${median.toFixed(0)} ms)`);
      });
    });
  }
});
