// A native module that cannot load is E_RUNTIME naming it (issue 21, deliverable 5), from the built
// packages in a fresh process: node_modules laid out in a temp folder with the adapter's dist, and
// (1) an onnxruntime-node whose libonnxruntime.so.1 is gone (what Next.js' tracer shipped), or
// (2) a sharp without its @img native packages (what a bundle or a --omit=optional install leaves).
// Before, `import '@onnx-mobilenet/node'` itself threw the loader's error.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { INT8_MODEL, SYNSET, describeWithAssets, photo } from '../assets.js';
import { assertFreshDist } from '../fresh-dist.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LINUX_X64 = process.platform === 'linux' && process.arch === 'x64';
const dirs: string[] = [];

/** Where `name` resolves from the package `from` in the workspace (pnpm's real folder). */
function packageDir(from: string, name: string): string {
  return realpathSync(join(ROOT, 'packages', from, 'node_modules', name));
}

/** A folder with node_modules holding the built core and node adapter, the given native packages, and real links for the rest. */
function layout(natives: { ort: 'whole' | 'without-library' | 'without-binary'; sharp: 'whole' | 'without-binaries' }): string {
  const dir = mkdtempSync(join(tmpdir(), 'native-missing-'));
  dirs.push(dir);
  const nm = join(dir, 'node_modules');
  for (const pkg of ['core', 'node']) {
    const to = join(nm, '@onnx-mobilenet', pkg);
    mkdirSync(to, { recursive: true });
    cpSync(join(ROOT, 'packages', pkg, 'package.json'), join(to, 'package.json'));
    cpSync(join(ROOT, 'packages', pkg, 'dist'), join(to, 'dist'), { recursive: true });
  }
  const link = (name: string, target: string) => {
    mkdirSync(dirname(join(nm, name)), { recursive: true });
    symlinkSync(target, join(nm, name));
  };
  link('@bufbuild/protobuf', realpathSync(join(ROOT, 'packages/core/node_modules/@bufbuild/protobuf')));
  link('onnxruntime-common', realpathSync(join(ROOT, 'packages/core/node_modules/onnxruntime-common')));
  link('undici', packageDir('node', 'undici'));
  const ort = packageDir('node', 'onnxruntime-node');
  if (natives.ort === 'whole') link('onnxruntime-node', ort);
  else {
    // a copy with this platform's binding and without the shared library beside it, or with neither
    const to = join(nm, 'onnxruntime-node');
    for (const part of ['package.json', 'dist']) cpSync(join(ort, part), join(to, part), { recursive: true });
    const bin = 'bin/napi-v6/linux/x64';
    mkdirSync(join(to, bin), { recursive: true });
    if (natives.ort === 'without-library') cpSync(join(ort, bin, 'onnxruntime_binding.node'), join(to, bin, 'onnxruntime_binding.node'));
  }
  const sharp = packageDir('node', 'sharp');
  if (natives.sharp === 'whole') link('sharp', sharp);
  else {
    // sharp's JavaScript and its JavaScript dependencies, none of its @img native packages
    cpSync(sharp, join(nm, 'sharp'), { recursive: true, dereference: true });
    for (const dep of readdirSync(dirname(sharp))) {
      if (dep === 'sharp' || dep === '@img' || dep === '@types') continue;
      link(dep, realpathSync(join(dirname(sharp), dep)));
    }
    link('@img/colour', realpathSync(join(dirname(sharp), '@img/colour')));
  }
  return dir;
}

/** Runs, in `dir`, a script that loads a classifier, classifies the photo and raw pixels, and decodes the photo; prints each outcome. */
async function run(dir: string): Promise<Record<string, string>> {
  const script = `
    const outcome = (p) => p.then((r) => 'ok ' + r, (e) => (e.code ?? e.constructor.name) + ': ' + e.message);
    const out = {};
    const mod = await outcome(import('@onnx-mobilenet/node').then(() => 'imported'));
    out.import = mod;
    const { createClassifier, decodeFullImageNode } = await import('@onnx-mobilenet/node').catch(() => ({}));
    if (createClassifier) {
      let classifier;
      out.load = await outcome(createClassifier({ model: ${JSON.stringify(INT8_MODEL)}, labels: ${JSON.stringify(SYNSET)} }).then((c) => { classifier = c; return 'loaded'; }));
      if (classifier) {
        out.photo = await outcome(classifier.classify(${JSON.stringify(photo(0).path)}).then((p) => p[0].id));
        out.pixels = await outcome(classifier.classify({ data: new Uint8Array(224 * 224 * 3).fill(128), width: 224, height: 224, channels: 3 }).then((p) => String(p.length)));
        await classifier.dispose();
      }
      out.decode = await outcome(decodeFullImageNode(${JSON.stringify(photo(0).path)}).then((d) => d.width + 'x' + d.height));
    }
    console.log(JSON.stringify(out));
  `;
  writeFileSync(join(dir, 'run.mjs'), script);
  const { stdout } = await promisify(execFile)(process.execPath, ['run.mjs'], { cwd: dir, env: { ...process.env, NODE_PATH: '' }, timeout: 120_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, string>;
}

describeWithAssets('E_RUNTIME for a native module that cannot load (built packages, fresh process)', () => {
  beforeAll(() => assertFreshDist('node'));
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it.runIf(LINUX_X64)('onnxruntime-node without libonnxruntime.so.1: the import works, loading names the library and the tracer setting', async () => {
    const out = await run(layout({ ort: 'without-library', sharp: 'whole' }));
    console.log(`without libonnxruntime.so.1: ${out.load}`);
    expect(out.import).toBe('ok imported');
    expect(out.load).toMatch(
      /^E_RUNTIME: onnxruntime-node cannot load in this process: ERR_DLOPEN_FAILED: libonnxruntime\.so\.1: cannot open shared object file/,
    );
    expect(out.load).toMatch(/outputFileTracingIncludes/);
    expect(out.load).not.toMatch(/not a valid ONNX model/);
    // sharp still decodes: only the runtime is missing
    expect(out.decode).toMatch(/^ok \d+x\d+$/);
  });

  it.runIf(LINUX_X64)('onnxruntime-node without a binary for this platform (musl, a pruned bin/): loading names the missing binding', async () => {
    const out = await run(layout({ ort: 'without-binary', sharp: 'whole' }));
    expect(out.load).toMatch(
      /^E_RUNTIME: onnxruntime-node cannot load in this process: .*Cannot find module '.*onnxruntime_binding\.node'.*no binding for linux-x64/,
    );
    // where no binary exists (Alpine), the path that needs none
    expect(out.load).toContain("import from 'onnx-mobilenet/wasm'");
  });

  it.runIf(LINUX_X64)("sharp without its native packages: the model loads and raw pixels classify, images name sharp's own first line", async () => {
    const out = await run(layout({ ort: 'whole', sharp: 'without-binaries' }));
    console.log(`sharp without binaries: ${out.photo}`);
    expect(out.load).toBe('ok loaded');
    expect(out.pixels).toBe('ok 5');
    for (const what of [out.photo, out.decode]) {
      expect(what).toMatch(
        /^E_RUNTIME: sharp cannot load in this process: Could not load the "sharp" module using the linux-x64 runtime\. .*--include=optional sharp/,
      );
    }
  });

  it.runIf(LINUX_X64)('the same layout with both native packages whole classifies the photo (the layout itself is sound)', async () => {
    const out = await run(layout({ ort: 'whole', sharp: 'whole' }));
    expect(out).toMatchObject({ import: 'ok imported', load: 'ok loaded', photo: `ok ${photo(0).wnid}`, decode: expect.stringMatching(/^ok \d+x\d+$/) });
  });
});
