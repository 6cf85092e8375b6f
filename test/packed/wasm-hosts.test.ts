// The wasm path chosen explicitly where onnxruntime-node cannot load (Alpine/musl has no binaries
// for it) and for small single binaries, from the packed tarballs: an app that installs only
// `@onnx-mobilenet/wasm`, copied away from where it was installed, classifies the tench in Node,
// Deno and Bun; `onnx-mobilenet/wasm` classifies in an `onnx-mobilenet` app whose onnxruntime-node
// binding is gone; `bun build --compile` embeds the wasm with no setting and runs alone.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { INT8_MODEL, SYNSET, describeWithAssets, photos } from '../assets.js';
import { consumerEnv, diskUsage, median, nodeModulesAbove, runOk, tempDirs, writeApp, writePackageApp } from './consumer-project.js';

const FIXTURE = resolve(import.meta.dirname, 'fixtures/wasm-hosts-classify.mjs');
const EMBEDDED_FIXTURE = resolve(import.meta.dirname, 'fixtures/wasm-hosts-embedded.mjs');
const TENCH = 'n01440764';
/** What the wasm entries' placeholder decoder says, before the real one is wired in. */
const DECODER_PLACEHOLDER = "the wasm path's decoder is not built yet";
/** Runs per measurement: the cold start reported is their median. */
const RUNS = 3;
/** Packages a wasm-only app must not install: the native runtime and decoder, and the browser runtime. */
const NATIVE_OR_BROWSER = ['onnxruntime-node', 'sharp', 'onnxruntime-web'];

interface Result {
  best: { id: string; label: string; probability: number };
  startToResultMs: number;
}

/** Names of every package installed in `nodeModules`, nested ones included. */
function installedPackages(nodeModules: string): string[] {
  const names: string[] = [];
  for (const entry of existsSync(nodeModules) ? readdirSync(nodeModules) : []) {
    if (entry.startsWith('.')) continue;
    const dirs = entry.startsWith('@') ? readdirSync(join(nodeModules, entry)).map((n) => `${entry}/${n}`) : [entry];
    for (const name of dirs) {
      names.push(name);
      names.push(...installedPackages(join(nodeModules, name, 'node_modules')));
    }
  }
  return names;
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

describeWithAssets('the wasm path on hosts without onnxruntime-node (Alpine, Deno, Bun binaries)', () => {
  const runtimes = inject('runtimes');
  const { temp, removeAll } = tempDirs();
  afterAll(removeAll);

  /** The wasm-only app, installed then copied away; the `onnx-mobilenet` app without onnxruntime-node's binding. */
  let wasmApp: string;
  let fullApp: string;
  const sizes: Record<string, number> = {};
  /** The image the apps classify (the tench JPEG), and its raw-pixel shape where it is raw. */
  let image: string;
  let raw: string[] = [];

  /** Writes the fixture into `app` as `name`, importing `specifier`. */
  function writeScript(app: string, name: string, specifier: string): void {
    writeFileSync(join(app, name), readFileSync(FIXTURE, 'utf8').replace("from '@onnx-mobilenet/wasm'", `from '${specifier}'`));
  }

  /** Runs `cmd args… <model> <labels> <image> <modelAs>` in `cwd`: its result and the spawn-to-exit time. */
  function classify(cwd: string, cmd: string, args: string[], modelAs: 'path' | 'bytes', env = consumerEnv()) {
    const t0 = performance.now();
    const r = spawnSync(cmd, [...args, INT8_MODEL, SYNSET, image, modelAs, ...raw], { cwd, env, encoding: 'utf8', timeout: 180_000 });
    const wallMs = performance.now() - t0;
    expect(r.status, `${cmd} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return { out: JSON.parse(r.stdout.trim().split('\n').pop()!) as Result, wallMs, stderr: r.stderr };
  }

  /** Classifies the tench `RUNS` times with the model as a path and once as bytes; logs the cold start. */
  function classifiesTench(what: string, cwd: string, cmd: string, args: string[], env = consumerEnv()): void {
    const startToResult: number[] = [];
    const wall: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const { out, wallMs } = classify(cwd, cmd, args, 'path', env);
      expect(out.best).toMatchObject({ id: TENCH, label: 'tench' });
      startToResult.push(out.startToResultMs);
      wall.push(wallMs);
    }
    expect(classify(cwd, cmd, args, 'bytes', env).out.best).toMatchObject({ id: TENCH, label: 'tench' });
    console.log(
      `${what}: process start to result ${median(startToResult).toFixed(0)} ms, spawn to exit ${median(wall).toFixed(0)} ms (medians of ${RUNS}; runs ${wall.map((ms) => ms.toFixed(0)).join(', ')})`,
    );
  }

  beforeAll(async () => {
    const tarballs = inject('tarballs');
    const tench = photos().find((p) => p.wnid === TENCH)!.path;
    image = tench;

    // the app as a user on Alpine writes it: `npm install @onnx-mobilenet/wasm`, nothing else
    const installed = temp('wasm-hosts-install-');
    writePackageApp(installed, tarballs, '@onnx-mobilenet/wasm');
    runOk(installed, 'npm', ['install', '--no-audit', '--no-fund'], consumerEnv());
    writeScript(installed, 'classify.mjs', '@onnx-mobilenet/wasm');
    wasmApp = join(temp('wasm-hosts-app-'), 'app');
    cpSync(installed, wasmApp, { recursive: true });
    rmSync(installed, { recursive: true, force: true });
    sizes.wasmOnly = diskUsage(join(wasmApp, 'node_modules'));
    // The JPEG itself, once the entries decode; until then (only the placeholder decoder's own
    // message), the tench's pixels decoded here. Any other failure fails below.
    const probe = spawnSync(process.execPath, ['classify.mjs', INT8_MODEL, SYNSET, tench, 'path'], { cwd: wasmApp, env: consumerEnv(), encoding: 'utf8' });
    if (probe.status !== 0 && probe.stderr.includes(DECODER_PLACEHOLDER)) {
      const { data, info } = await sharp(tench).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      image = join(temp('wasm-hosts-input-'), 'tench.rgb');
      writeFileSync(image, data);
      raw = [`${info.width}x${info.height}x${info.channels}`];
      console.log(`the wasm path cannot decode yet (${DECODER_PLACEHOLDER}): classifying the tench's pixels`);
    }

    fullApp = temp('wasm-hosts-full-');
    writeApp(fullApp, tarballs, 'npm');
    runOk(fullApp, 'npm', ['install', '--no-audit', '--no-fund'], consumerEnv());
    sizes.full = diskUsage(join(fullApp, 'node_modules'));
    writeScript(fullApp, 'classify-wasm.mjs', 'onnx-mobilenet/wasm');
    writeScript(fullApp, 'classify-native.mjs', 'onnx-mobilenet');
    console.log(`node_modules: @onnx-mobilenet/wasm only ${mb(sizes.wasmOnly)} MB, onnx-mobilenet ${mb(sizes.full)} MB (du -sb)`);
  });

  it('an app that installs @onnx-mobilenet/wasm gets neither onnxruntime-node, sharp nor onnxruntime-web', () => {
    const installed = installedPackages(join(wasmApp, 'node_modules'));
    expect(installed).toEqual(expect.arrayContaining(['@onnx-mobilenet/wasm', '@onnx-mobilenet/core']));
    expect(installed.filter((name) => NATIVE_OR_BROWSER.includes(name) || name.startsWith('@img/'))).toEqual([]);
    expect(sizes.wasmOnly).toBeLessThan(sizes.full!);
  });

  it(`Node ${process.versions.node} classifies the tench on the wasm-only app, copied away, with the model as a path and as bytes`, () => {
    expect(nodeModulesAbove(wasmApp)).toEqual([join(wasmApp, 'node_modules')]);
    classifiesTench(`Node ${process.versions.node}, @onnx-mobilenet/wasm`, wasmApp, process.execPath, ['classify.mjs']);
  });

  it("onnx-mobilenet/wasm classifies where onnxruntime-node's binding is missing (as on Alpine); onnx-mobilenet's Node entry cannot", () => {
    // the native path for comparison, while its binding is there
    classifiesTench(`Node ${process.versions.node}, onnx-mobilenet (native)`, fullApp, process.execPath, ['classify-native.mjs']);
    rmSync(join(fullApp, 'node_modules/onnxruntime-node/bin'), { recursive: true });
    const native = spawnSync(process.execPath, ['classify-native.mjs', INT8_MODEL, SYNSET, image, 'path', ...raw], {
      cwd: fullApp,
      env: consumerEnv(),
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(native.status).not.toBe(0);
    expect(native.stderr).toContain('E_RUNTIME');
    expect(native.stderr).toContain("import from 'onnx-mobilenet/wasm'");
    console.log(
      `onnx-mobilenet without onnxruntime-node's bin/:\n${native.stderr.slice(native.stderr.indexOf('OnnxMobilenetError'), native.stderr.indexOf('OnnxMobilenetError') + 600)}`,
    );
    classifiesTench(`Node ${process.versions.node}, onnx-mobilenet/wasm`, fullApp, process.execPath, ['classify-wasm.mjs']);
  });

  const denoSkip = runtimes.deno ? '' : `deno not installable here (${runtimes.reasons.deno})`;
  if (denoSkip && process.env.CI === 'true') throw new Error(`CI=true and ${denoSkip}`);
  it.skipIf(Boolean(denoSkip))(`Deno runs the wasm-only app from its node_modules, offline${denoSkip ? ` [skipped: ${denoSkip}]` : ''}`, () => {
    // its own cache folder: nothing comes from an earlier run, and --cached-only forbids downloads
    const env = consumerEnv({ DENO_DIR: temp('wasm-hosts-deno-dir-'), DENO_NO_UPDATE_CHECK: '1' });
    const args = ['run', '--node-modules-dir=manual', '--cached-only', '-A'];
    classifiesTench('Deno, @onnx-mobilenet/wasm', wasmApp, runtimes.deno!, [...args, 'classify.mjs'], env);
    classifiesTench('Deno, onnx-mobilenet/wasm', fullApp, runtimes.deno!, [...args, 'classify-wasm.mjs'], env);
  });

  const bunSkip = runtimes.bun ? '' : `bun not installable here (${runtimes.reasons.bun})`;
  if (bunSkip && process.env.CI === 'true') throw new Error(`CI=true and ${bunSkip}`);
  it.skipIf(Boolean(bunSkip))(`Bun runs the wasm-only app and onnx-mobilenet/wasm${bunSkip ? ` [skipped: ${bunSkip}]` : ''}`, () => {
    classifiesTench('Bun, @onnx-mobilenet/wasm', wasmApp, runtimes.bun!, ['classify.mjs']);
    classifiesTench('Bun, onnx-mobilenet/wasm', fullApp, runtimes.bun!, ['classify-wasm.mjs']);
  });

  for (const [what, appOf, script] of [
    ['@onnx-mobilenet/wasm', () => wasmApp, 'classify.mjs'],
    ['onnx-mobilenet/wasm', () => fullApp, 'classify-wasm.mjs'],
  ] as const) {
    it.skipIf(Boolean(bunSkip))(
      `bun build --compile of an app importing ${what}, no setting: the binary alone in an empty folder classifies the tench${bunSkip ? ` [skipped: ${bunSkip}]` : ''}`,
      () => {
        const built = join(temp('wasm-hosts-bun-out-'), 'classify');
        runOk(appOf(), runtimes.bun!, ['build', '--compile', script, '--outfile', built]);
        const away = temp('wasm-hosts-bun-binary-');
        const binary = join(away, 'classify');
        copyFileSync(built, binary);
        expect(readdirSync(away)).toEqual(['classify']);
        expect(nodeModulesAbove(away)).toEqual([]);
        const size = statSync(binary).size;
        classifiesTench(`bun --compile (${what}), ${mb(size)} MB`, away, binary, []);
      },
    );
  }

  it.skipIf(Boolean(bunSkip))(
    `bun build --compile with the model and labels inside, passed by their embedded paths${bunSkip ? ` [skipped: ${bunSkip}]` : ''}`,
    () => {
      copyFileSync(EMBEDDED_FIXTURE, join(wasmApp, 'classify-embedded.mjs'));
      copyFileSync(INT8_MODEL, join(wasmApp, basename(INT8_MODEL)));
      copyFileSync(SYNSET, join(wasmApp, basename(SYNSET)));
      const built = join(temp('wasm-hosts-bun-out-'), 'classify');
      runOk(wasmApp, runtimes.bun!, ['build', '--compile', 'classify-embedded.mjs', '--outfile', built]);
      const away = temp('wasm-hosts-bun-binary-');
      const binary = join(away, 'classify');
      copyFileSync(built, binary);
      const r = spawnSync(binary, [image, ...raw], { cwd: away, env: consumerEnv(), encoding: 'utf8', timeout: 180_000 });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out.best).toMatchObject({ id: TENCH, label: 'tench' });
      expect(out.model).toMatch(/^\/\$bunfs\//);
      console.log(`bun --compile with the model inside: ${mb(statSync(binary).size)} MB, process start to result ${out.startToResultMs.toFixed(0)} ms`);
    },
  );
});
