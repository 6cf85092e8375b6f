// Runs the Node decoder (from the sources) in a child process with a kill timer, so that an input
// that hangs inside libvips fails one test instead of stalling the whole run: a native libvips
// thread that never returns cannot be cancelled from JavaScript.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
// Inside packages/node so that the bundle resolves sharp exactly as the package does.
const cacheDir = join(root, 'packages/node/node_modules/.cache/decoder-in-child');

/** Bundles packages/node/src/decode-image.ts (and core's sources) into `outfile`. */
async function bundle(outfile: string): Promise<void> {
  mkdirSync(cacheDir, { recursive: true });
  await build({
    entryPoints: [join(root, 'packages/node/src/decode-image.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    conditions: ['source'],
    // as the package does: its dependencies stay outside (undici is CommonJS, which an ESM bundle cannot
    // require; native-modules.ts names onnxruntime-node beside sharp)
    external: ['sharp', 'undici', 'onnxruntime-node'],
    outfile,
    logLevel: 'error',
  });
}

/** How a decode in the child ended: a result line, a typed error, or killed after `timeoutMs`. */
export interface ChildOutcome {
  hung: boolean;
  /** `ok WxHxC`, or `error CODE message`, or whatever else the child printed */
  out: string;
}

/**
 * Decodes the files at `paths` at once with openImageNode and its decode (classifier plan: shorter side 256,
 * crop 224) in a child, reading a file meanwhile (libuv's 4 pool threads are the ones sharp uses, so
 * four hung decodes would stall every file operation): `fs ok` when that read ends, one line per path.
 */
export async function decodeInChild(paths: string[], timeoutMs = 10_000): Promise<ChildOutcome> {
  const stem = join(cacheDir, `${process.pid}-${Math.random().toString(36).slice(2)}`);
  const modulePath = `${stem}-decode-image.mjs`;
  await bundle(modulePath);
  const script = `
    import { openImageNode } from ${JSON.stringify(modulePath)};
    const plan = (w, h) => { const s = 256 / Math.min(w, h); const width = Math.round(w * s), height = Math.round(h * s);
      return { width, height, crop: { left: (width - 224) >> 1, top: (height - 224) >> 1, width: 224, height: 224 } }; };
    import { readFile } from 'node:fs/promises';
    const paths = ${JSON.stringify(paths)};
    const limits = { maxInputPixels: 1e8, maxEncodedBytes: 2 ** 26, maxJpegScans: 100, decodeTimeoutMs: 30_000 };
    const decodes = paths.map((path) => openImageNode(path, { limits }).then((o) => o.decode(plan(o.width, o.height))).then(
      ({ crop, whole }) => { const r = crop ?? whole; return 'ok ' + r.width + 'x' + r.height + 'x' + r.channels; },
      (err) => 'error ' + err.code + ' ' + err.message));
    await new Promise((r) => setTimeout(r, 50));
    const fsDone = readFile(paths[0]).then(() => console.log('fs ok'));
    for (const line of await Promise.all(decodes)) console.log(line);
    await fsDone;`;
  const scriptPath = `${stem}-run.mjs`;
  writeFileSync(scriptPath, script);
  return new Promise((done) => {
    const child = spawn(process.execPath, [scriptPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', () => {
      clearTimeout(timer);
      rmSync(scriptPath, { force: true });
      rmSync(modulePath, { force: true });
      done({ hung, out: out.trim() });
    });
  });
}
