// wrangler (with the Node 22 it needs) in a temp prefix kept between runs; Workers bundled by it
// and served by its workerd on 127.0.0.1.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The prefix (WRANGLER_PREFIX, default <tmp>/onnx-mobilenet-wrangler-4), installed with npm when empty; its node, wrangler and workerd. */
export function wranglerTools() {
  const prefix = process.env.WRANGLER_PREFIX ?? join(tmpdir(), 'onnx-mobilenet-wrangler-4');
  const node = join(prefix, 'node_modules', 'node', 'bin', 'node');
  const wrangler = join(prefix, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
  if (!existsSync(node) || !existsSync(wrangler)) {
    console.log(`installing node@22 and wrangler@4 into ${prefix} (once)`);
    mkdirSync(prefix, { recursive: true });
    writeFileSync(join(prefix, 'package.json'), '{"private":true}\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', prefix, 'node@22', 'wrangler@4'], { stdio: 'inherit' });
  }
  const version = execFileSync(node, [wrangler, '--version'], { encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } }).trim();
  const workerd = join(prefix, 'node_modules', 'workerd', 'bin', 'workerd');
  return { node, wrangler, workerd, version, workerdVersion: execFileSync(workerd, ['--version'], { encoding: 'utf8' }).trim() };
}

/** A TCP port free on 127.0.0.1 now. */
export async function freePort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  await new Promise((r) => server.close(() => r(undefined)));
  return port;
}

/**
 * Bundles the Worker in `dir` as `wrangler deploy` would (`--dry-run --outdir`), and writes a
 * workerd config that serves it with every module wrangler wrote (`.wasm` as WebAssembly
 * modules, other files as Data); returns the config's path.
 * @param {{ node: string, wrangler: string }} tools
 * @param {string} dir  holds wrangler.toml
 */
export function buildWorker(tools, dir) {
  const out = join(dir, 'out');
  execFileSync(tools.node, [tools.wrangler, 'deploy', '--dry-run', '--outdir', out], {
    cwd: dir,
    stdio: 'pipe',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', FORCE_COLOR: '0' },
  });
  const compatibilityDate = /compatibility_date\s*=\s*"([^"]+)"/.exec(readFileSync(join(dir, 'wrangler.toml'), 'utf8'))?.[1];
  const modules = readdirSync(out)
    .filter((f) => f !== 'README.md' && !f.endsWith('.map'))
    .sort((a, b) => (a === 'worker.js' ? -1 : b === 'worker.js' ? 1 : 0)) // the main module first
    .map((f) => `(name = "${f}", ${f.endsWith('.js') ? 'esModule' : f.endsWith('.wasm') ? 'wasm' : 'data'} = embed "${f}")`);
  const config = join(out, 'config.capnp');
  writeFileSync(
    config,
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ ${modules.join(', ')} ],
  compatibilityDate = "${compatibilityDate}",
);
`,
  );
  return config;
}

/** True once something accepts TCP connections on 127.0.0.1:`port`. */
function listening(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts `workerd serve config` on a free port of 127.0.0.1; resolves once the port accepts
 * connections (nothing is sent to the Worker), with the origin, the times (performance.now()) it
 * was spawned and listened, and `stop()`.
 * @param {{ workerd: string }} tools
 * @param {string} config
 */
export async function startWorkerd(tools, config) {
  const port = await freePort();
  const startedAt = performance.now();
  const child = spawn(tools.workerd, ['serve', config, `--socket-addr=http=127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (c) => (log += c));
  child.stderr.on('data', (c) => (log += c));
  const exited = new Promise((r) => child.once('exit', r));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  while (!(await listening(port))) {
    if (child.exitCode !== null || performance.now() - startedAt > 60_000) {
      await stop();
      throw new Error(`workerd did not listen on ${port}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return { origin: `http://127.0.0.1:${port}`, startedAt, readyAt: performance.now(), log: () => log, stop };
}
