// wrangler (with the Node 22 it needs) in a temp prefix kept between runs, and `wrangler dev`
// processes started on 127.0.0.1 and ended by their process group.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The prefix (WRANGLER_PREFIX, default <tmp>/onnx-mobilenet-wrangler-4), installed with npm when empty; its node and wrangler. */
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
  return { node, wrangler, version };
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
 * Starts `wrangler dev` in `dir` on 127.0.0.1; resolves once it says "Ready on" with the origin,
 * the times (performance.now()) it was spawned and became ready, and `stop()`.
 * @param {{ node: string, wrangler: string }} tools
 * @param {string} dir
 */
export async function wranglerDev(tools, dir) {
  const [port, inspector] = [await freePort(), await freePort()];
  const startedAt = performance.now();
  const child = spawn(
    tools.node,
    [tools.wrangler, 'dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspector), '--show-interactive-dev-session=false'],
    { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WRANGLER_SEND_METRICS: 'false', FORCE_COLOR: '0' } },
  );
  let log = '';
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    try {
      process.kill(-(/** @type {number} */ (child.pid)), 'SIGTERM'); // wrangler and its workerd
    } catch {
      // already gone
    }
    await exited;
  };
  try {
    const readyAt = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`wrangler dev not ready after 120 s:\n${log}`)), 120_000);
      const onData = (chunk) => {
        log += chunk;
        if (/Ready on http/.test(log)) {
          clearTimeout(timer);
          resolve(performance.now());
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`wrangler dev exited (${code}):\n${log}`));
      });
    });
    return { origin: `http://127.0.0.1:${port}`, startedAt, readyAt, log: () => log, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
