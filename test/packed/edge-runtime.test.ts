// A Vercel Edge function as a user writes it with the packed packages (`export default async
// function handler(request: Request)`, createClassifier from 'onnx-mobilenet'), built the way
// Vercel builds one and run in Vercel's own runtime, the `edge-runtime` package (EdgeRuntime).
//
// The build (what @vercel/node's edge handler does for `vercel dev`): esbuild bundles the function
// for the browser platform under the `edge-light` condition (onnx-mobilenet -> @onnx-mobilenet/wasm's
// dist/edge-light.js), as one CommonJS script, with each `import x from './file.wasm?module'`
// replaced by `globalThis.wasm_<sha1 of the file>`: Vercel compiles that file itself and binds the
// `WebAssembly.Module` under that name in the function's context. The run: the built script and
// its .wasm files alone, in an empty folder outside the workspace that only has `edge-runtime`
// installed, in a fresh Node process, the context made as Vercel's is: no eval, no wasm
// compiled from bytes (V8's own refusal, "Wasm code generation disallowed by embedder"), and any
// dynamic import() or compile recorded, so the test sees attempts that code might catch.
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { serveStatic, type StaticServer } from '../browser/browser-env.mjs';
import { IMAGES_DIR, describeWithAssets } from '../assets.js';
import { consumerEnv, runOk } from './consumer-project.js';
import { installApp } from './browser-install.js';
import { againstVercelEdgeLimits } from './vercel-edge-limits.js';

const TENCH = { wnid: 'n01440764', path: join(IMAGES_DIR, 'n01440764_tench.JPEG') };
const EDGE_RUNTIME = 'edge-runtime@4.0.1';
const ESBUILD = '0.28.2';

// The user's function: the model and labels by URL (a deployment's own static files or a CDN),
// the image as the request body.
const FUNCTION = `import { createClassifier, isOnnxMobilenetError } from 'onnx-mobilenet';

export const config = { runtime: 'edge' };

let classifier: ReturnType<typeof createClassifier> | undefined;

export default async function handler(request: Request): Promise<Response> {
  try {
    classifier ??= createClassifier({ model: process.env.MODEL_URL!, labels: process.env.LABELS_URL!, allowPrivateNetwork: true });
    const [best] = await (await classifier).classify(new Uint8Array(await request.arrayBuffer()), { topK: 1 });
    return Response.json(best);
  } catch (err) {
    if (isOnnxMobilenetError(err)) return Response.json({ code: err.code, message: err.message }, { status: 422 });
    return Response.json({ message: String(err) }, { status: 500 });
  }
}
`;

// Vercel's edge build (@vercel/node's edge handler and its wasm plugin), with the export conditions
// of an edge bundler. Writes out/index.js, out/<binding>.wasm and out/wasm.json (binding -> source).
const BUILD = `import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
const [entry, outDir, ...conditions] = process.argv.slice(2);
const bindings = {};
const vercelWasm = {
  name: 'vercel-wasm',
  setup(b) {
    b.onResolve({ filter: /\\.wasm\\?module$/i }, async (args) => {
      const file = await b.resolve(args.path.replace(/\\?module$/i, ''), { importer: args.importer, resolveDir: args.resolveDir, kind: args.kind });
      if (file.errors.length) return { errors: file.errors };
      const name = 'wasm_' + createHash('sha1').update(readFileSync(file.path)).digest('hex');
      bindings[name] = file.path;
      return { path: name, namespace: 'vercel-wasm' };
    });
    b.onLoad({ filter: /.*/, namespace: 'vercel-wasm' }, (args) => ({ contents: 'export default globalThis[' + JSON.stringify(args.path) + '];' }));
  },
};
await build({
  entryPoints: [entry], outfile: outDir + '/index.js', bundle: true, minify: true, legalComments: 'none',
  platform: 'browser', format: 'cjs', target: 'es2022', conditions,
  define: { 'import.meta.url': JSON.stringify('file:///var/task/index.js') },
  plugins: [vercelWasm], logLevel: 'error',
});
mkdirSync(outDir, { recursive: true });
for (const [name, file] of Object.entries(bindings)) copyFileSync(file, outDir + '/' + name + '.wasm');
writeFileSync(outDir + '/wasm.json', JSON.stringify(bindings));
`;

// Starts the function in a fresh EdgeRuntime, as Vercel does; prints one line of JSON when it listens.
// GET /__probe answers what the function tried that Vercel forbids.
const RUNNER = `import { readFileSync } from 'node:fs';
import { runInContext } from 'node:vm';
import { EdgeRuntime, runServer } from 'edge-runtime';
const startedAt = Date.now();
const dir = process.argv[2];
const names = Object.keys(JSON.parse(readFileSync(dir + '/wasm.json', 'utf8')));
// the platform's part: each ?module file compiled outside the function and bound by name
const bindings = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await WebAssembly.compile(readFileSync(dir + '/' + n + '.wasm'))])));
const compileMs = Date.now() - startedAt;
const attempts = [];
const instances = [];
const runtime = new EdgeRuntime({
  codeGeneration: { strings: false, wasm: false },
  extend: (context) => Object.assign(context, { module: {}, process: { env: { MODEL_URL: process.env.MODEL_URL, LABELS_URL: process.env.LABELS_URL } }, __attempts: attempts, __instances: instances, ...bindings }),
});
runtime.evaluate(\`(() => {
  const wasm = WebAssembly;
  const refuse = (what) => (...args) => { __attempts.push('WebAssembly.' + what); return wasm.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])); };
  const instantiate = wasm.instantiate.bind(wasm);
  wasm.compile = refuse('compile');
  wasm.compileStreaming = refuse('compileStreaming');
  wasm.instantiateStreaming = refuse('instantiateStreaming');
  wasm.instantiate = (source, imports) =>
    Object.prototype.toString.call(source) === '[object WebAssembly.Module]'
      ? instantiate(source, imports).then((instance) => (__instances.push(instance.exports, ...Object.values(imports ?? {})), instance))
      : refuse('instantiate(bytes)')();
  wasm.Module = new Proxy(wasm.Module, { construct(target, args) { __attempts.push('new WebAssembly.Module'); return Reflect.construct(target, args); } });
})()\`);
// what the function tried that Vercel forbids, and the wasm memory its instances hold
runtime.context.probe = () => ({
  attempts: [...attempts],
  // exported or imported (the threaded build imports its memory)
  wasmMemoryBytes: [...new Set(instances.flatMap((i) => Object.values(i)).filter((v) => Object.prototype.toString.call(v) === '[object WebAssembly.Memory]'))]
    .reduce((n, memory) => n + memory.buffer.byteLength, 0),
});
const importModuleDynamically = (specifier) => {
  attempts.push('import(' + specifier + ')');
  throw Object.assign(new TypeError('Dynamic import is not supported in Edge Functions: ' + specifier), { code: 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING' });
};
runInContext(readFileSync(dir + '/index.js', 'utf8'), runtime.context, { filename: dir + '/index.js', importModuleDynamically });
runtime.evaluate(\`addEventListener('fetch', (event) => event.respondWith(
  new URL(event.request.url).pathname === '/__probe' ? Response.json(probe()) : module.exports.default(event.request)))\`);
const server = await runServer({ runtime, host: '127.0.0.1', port: 0 });
console.log(JSON.stringify({ url: server.url, startedAt, compileMs, readyMs: Date.now() - startedAt }));
`;

interface Started {
  url: string;
  startedAt: number;
  compileMs: number;
  readyMs: number;
  process: ChildProcess;
  log: () => string;
}

/** A fresh Node process running the built function in EdgeRuntime from `dir` (no node_modules there but edge-runtime's). */
async function startFunction(runnerDir: string, functionDir: string, data: StaticServer): Promise<Started> {
  const child = spawn(process.execPath, ['--experimental-vm-modules', '--no-warnings', 'runner.mjs', functionDir], {
    cwd: runnerDir,
    env: {
      PATH: process.env.PATH,
      MODEL_URL: `${data.origin}/data/models/mobilenetv2-12-int8.onnx`,
      LABELS_URL: `${data.origin}/data/models/synset.txt`,
    },
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (d) => (err += d));
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      out += d;
      const end = out.indexOf('\n');
      if (end >= 0) resolve(out.slice(0, end));
    });
    child.on('exit', (code) => reject(new Error(`the runner exited ${code}:\n${out}\n${err}`)));
  });
  return { ...JSON.parse(line), process: child, log: () => `${out}\n${err}` };
}

async function post(url: string, body: Uint8Array) {
  const res = await fetch(url, { method: 'POST', body: new Uint8Array(body) }); // a copy: fetch's types take an ArrayBuffer-backed view only
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const gz = (file: string) => gzipSync(readFileSync(file), { level: 9 }).byteLength;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;

describeWithAssets('a Vercel Edge function in edge-runtime (packed packages, built as Vercel builds it)', () => {
  let app: string;
  let runnerDir: string;
  let data: StaticServer;
  const started: Started[] = [];
  let tench: Uint8Array;

  /** Builds the function under the given export conditions into a new folder of the runner's. */
  function buildFunction(name: string, conditions: string[]): string {
    runOk(app, process.execPath, ['build.mjs', 'api/classify.ts', `out-${name}`, ...conditions], consumerEnv());
    const dir = join(runnerDir, name);
    mkdirSync(dir);
    const bindings = JSON.parse(readFileSync(join(app, `out-${name}/wasm.json`), 'utf8')) as Record<string, string>;
    for (const file of ['index.js', 'wasm.json', ...Object.keys(bindings).map((b) => `${b}.wasm`)])
      copyFileSync(join(app, `out-${name}`, file), join(dir, file));
    return dir;
  }

  beforeAll(async () => {
    app = await installApp(undefined, { esbuild: ESBUILD });
    mkdirSync(join(app, 'api'));
    writeFileSync(join(app, 'api/classify.ts'), FUNCTION);
    writeFileSync(join(app, 'build.mjs'), BUILD);
    // the runner's folder: edge-runtime and nothing else
    runnerDir = mkdtempSync(join(inject('packedRoot'), 'edge-function-'));
    writeFileSync(join(runnerDir, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
    runOk(runnerDir, 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', EDGE_RUNTIME], consumerEnv());
    writeFileSync(join(runnerDir, 'runner.mjs'), RUNNER);
    data = await serveStatic(IMAGES_DIR);
    tench = readFileSync(TENCH.path);
  }, 600_000);
  afterAll(async () => {
    for (const s of started) s.process.kill();
    await data?.close();
  });

  it('classifies the tench on the wasm path, with nothing compiled from bytes and no dynamic import', async () => {
    const dir = buildFunction('edge-light', ['edge-light', 'worker', 'browser']);
    const bindings = JSON.parse(readFileSync(join(dir, 'wasm.json'), 'utf8')) as Record<string, string>;
    // every ?module import became a binding of a file of @onnx-mobilenet/wasm
    expect(Object.values(bindings).length).toBeGreaterThan(0);
    for (const file of Object.values(bindings)) expect(file).toMatch(/node_modules\/@onnx-mobilenet\/wasm\/dist\/vendor\/[^/]+\.wasm$/);
    const code = readFileSync(join(dir, 'index.js'), 'utf8');
    // one script: no chunk or file loaded by a literal import() (onnxruntime-web's URL loader,
    // import(variable), stays in the code but is skipped when it gets a module; run-time check below)
    expect(code).not.toMatch(/\bimport\(\s*["'`]/);

    const fn = await startFunction(runnerDir, dir, data);
    started.push(fn);
    const first = await post(fn.url, tench);
    const coldStartMs = Date.now() - fn.startedAt;
    expect(first, fn.log()).toMatchObject({ status: 200, body: { id: TENCH.wnid, label: 'tench' } });
    const warm: number[] = [];
    for (let i = 0; i < 3; i++) {
      const from = Date.now();
      const again = await post(fn.url, tench);
      warm.push(Date.now() - from);
      expect(again.body).toEqual(first.body);
    }
    const warmMs = warm.sort((a, b) => a - b)[1];
    const probe = (await (await fetch(`${fn.url}__probe`)).json()) as { attempts: string[]; wasmMemoryBytes: number };
    expect(probe.attempts, fn.log()).toEqual([]);

    const wasmFiles = Object.keys(bindings).map((b) => join(dir, `${b}.wasm`));
    const codeGz = gz(join(dir, 'index.js'));
    const wasmGz = wasmFiles.reduce((n, f) => n + gz(f), 0);
    const total = codeGz + wasmGz;
    console.log(
      [
        `edge function: code ${mb(code.length)} (${mb(codeGz)} gz) + wasm ${mb(wasmFiles.reduce((n, f) => n + readFileSync(f).byteLength, 0))} (${mb(wasmGz)} gz) = ${mb(total)} gz`,
        `Vercel Edge limits after gzip: ${againstVercelEdgeLimits(total)}`,
        `cold start (fresh process: wasm compiled ${fn.compileMs} ms, listening at ${fn.readyMs} ms, first result at ${coldStartMs} ms, model download from 127.0.0.1 included); warm request ${warmMs} ms (median of 3)`,
        `wasm memory after classifying: ${mb(probe.wasmMemoryBytes)} (Vercel Edge allows 128 MB per function)`,
      ].join('\n'),
    );
  });

  it('a corrupt image gets the typed error as JSON', async () => {
    const fn = started[0];
    if (!fn) throw new Error('the function did not start (see the test above)');
    const corrupt = tench.subarray(0, 600); // a JPEG cut inside its headers
    const res = await post(fn.url, corrupt);
    expect(res, fn.log()).toMatchObject({ status: 422, body: { code: 'E_IMAGE_DECODE', message: expect.any(String) } });
  });

  it('without the edge-light condition (the browser build), the same function fails as Vercel makes it fail', async () => {
    // What the issue saw before the wasm path: onnxruntime-web starts its wasm by dynamic import().
    const fn = await startFunction(runnerDir, buildFunction('browser', ['worker', 'browser']), data);
    started.push(fn);
    const res = await post(fn.url, tench);
    console.log(`browser build in edge-runtime: ${res.body.code}: ${res.body.message}`);
    expect(res, fn.log()).toMatchObject({ status: 422, body: { code: 'E_RUNTIME' } });
    const probe = (await (await fetch(`${fn.url}__probe`)).json()) as { attempts: string[] };
    expect(probe.attempts).toEqual(expect.arrayContaining([expect.stringMatching(/^import\(|^WebAssembly\./)]));
  });
});
