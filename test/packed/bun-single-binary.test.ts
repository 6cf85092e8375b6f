// `bun build --compile` of a CLI that classifies, from the packed tarballs: the binary is copied
// alone to an empty folder with no node_modules above it and classifies the tench there. The
// native libraries travel inside it (@onnx-mobilenet/node's `#single-binary`, Bun's condition).
import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, expect, inject, it } from 'vitest';
import { INT8_MODEL, SYNSET, describeWithAssets, photos } from '../assets.js';
import { consumerEnv, median, nodeModulesAbove, runOk, tempDirs } from './consumer-project.js';

const FIXTURE = resolve(import.meta.dirname, 'fixtures/single-binary-cli.ts');
const TENCH = 'n01440764';
/** Runs per binary: the cold start reported is their median. */
const RUNS = 5;

describeWithAssets('bun build --compile: a single binary that classifies', () => {
  const runtimes = inject('runtimes');
  const bun = runtimes.bun;
  const skip = bun ? '' : `bun not installable here (${runtimes.reasons.bun})`;
  if (skip && process.env.CI === 'true') throw new Error(`CI=true and ${skip}`);
  const { temp, removeAll } = tempDirs();
  afterAll(removeAll);
  let firstBinary: string | undefined;

  /** `bun build --compile` of the fixture importing `specifier`, in the consumer project; the binary's path. */
  function compile(specifier: string): string {
    const app = inject('npmApp');
    const entry = join(app, `single-binary-${specifier.replace(/\W+/g, '-')}.ts`);
    writeFileSync(entry, readFileSync(FIXTURE, 'utf8').replace("from 'onnx-mobilenet'", `from '${specifier}'`));
    const outfile = join(temp('bun-compile-out-'), 'classify');
    runOk(app, bun!, ['build', '--compile', entry, '--outfile', outfile]);
    return outfile;
  }

  for (const specifier of ['onnx-mobilenet', '@onnx-mobilenet/node']) {
    it.skipIf(Boolean(skip))(`importing ${specifier}: the binary alone in an empty folder classifies the tench${skip ? ` [skipped: ${skip}]` : ''}`, () => {
      const built = compile(specifier);
      const away = temp('bun-binary-');
      const binary = join(away, 'classify');
      copyFileSync(built, binary);
      expect(readdirSync(away)).toEqual(['classify']);
      expect(nodeModulesAbove(away)).toEqual([]);
      // its own TMPDIR, to see that the private folder of native libraries is gone afterwards
      const runTmp = temp('bun-binary-tmp-');
      const photo = photos().find((p) => p.wnid === TENCH)!.path;
      const wallMs: number[] = [];
      const startToResultMs: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        const r = spawnSync(binary, [INT8_MODEL, SYNSET, photo], { cwd: away, env: consumerEnv({ TMPDIR: runTmp }), encoding: 'utf8', timeout: 120_000 });
        wallMs.push(performance.now() - t0);
        expect(r.status, r.stderr).toBe(0);
        const out = JSON.parse(r.stdout);
        expect(out.best.id).toBe(TENCH);
        expect(out.best.label).toBe('tench');
        startToResultMs.push(out.startToResultMs);
      }
      expect(readdirSync(runTmp).filter((name) => name.startsWith('onnx-mobilenet-native-'))).toEqual([]);
      firstBinary ??= binary;
      const mb = statSync(binary).size / 1e6;
      console.log(
        `bun --compile (${specifier}): ${mb.toFixed(1)} MB; process start to result ${median(startToResultMs).toFixed(0)} ms, spawn to exit ${median(wallMs).toFixed(0)} ms (medians of ${RUNS})`,
      );
    });
  }

  it.skipIf(Boolean(skip))(`a Worker in the binary classifies too, and onnxruntime's library is mapped once${skip ? ` [skipped: ${skip}]` : ''}`, () => {
    const app = inject('npmApp');
    const entries = ['single-binary-threads.ts', 'single-binary-thread-worker.ts'];
    for (const f of entries) copyFileSync(join(dirname(FIXTURE), f), join(app, f));
    const built = join(temp('bun-compile-out-'), 'threads');
    runOk(app, bun!, ['build', '--compile', ...entries, '--outfile', built]);
    const away = temp('bun-binary-');
    const binary = join(away, 'threads');
    copyFileSync(built, binary);
    const photo = photos().find((p) => p.wnid === TENCH)!.path;
    const r = spawnSync(binary, [INT8_MODEL, SYNSET, photo], { cwd: away, env: consumerEnv(), encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ mainBest: TENCH, workerBest: TENCH });
    // one private copy, loaded by whichever thread came first (its folder is gone: "(deleted)")
    expect(out.ortFiles).toHaveLength(1);
    expect(out.ortFiles[0]).toMatch(/\/onnx-mobilenet-native-[^/]+\/libonnxruntime\.so\.1 \(deleted\)$/);
  });

  it.skipIf(Boolean(skip))(`a temporary directory it cannot write: E_RUNTIME naming TMPDIR${skip ? ` [skipped: ${skip}]` : ''}`, () => {
    const binary = firstBinary ?? compile('onnx-mobilenet');
    const missing = join(temp('bun-binary-gone-'), 'missing');
    const photo = photos().find((p) => p.wnid === TENCH)!.path;
    const r = spawnSync(binary, [INT8_MODEL, SYNSET, photo], { env: consumerEnv({ TMPDIR: missing }), encoding: 'utf8', timeout: 120_000 });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('E_RUNTIME');
    expect(r.stderr).toContain(`could not create a private folder in ${missing}`);
    expect(r.stderr).toContain('set TMPDIR');
  });
});
