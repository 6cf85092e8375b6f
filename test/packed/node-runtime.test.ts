// The packed `onnx-mobilenet` as Node users install it: ESM, CommonJS, Bun, Deno and the CLI,
// from a project outside the workspace that depends on `onnx-mobilenet` only.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, expect, inject, it } from 'vitest';
import { INT8_MODEL, SYNSET, describeWithAssets, photos } from '../assets.js';
import { consumerEnv, run, runOk, writeApp } from './consumer-project.js';

const FIXTURES = resolve(import.meta.dirname, 'fixtures');
const TENCH = 'n01440764';

describeWithAssets('packed onnx-mobilenet in Node', () => {
  const app = inject('npmApp');
  let photo: string;
  beforeAll(() => {
    photo = photos().find((p) => p.wnid === TENCH)!.path;
    for (const f of ['classify.mjs', 'classify.cjs']) copyFileSync(join(FIXTURES, f), join(app, f));
  });

  it('Node ESM classifies a photo given as a path, a Buffer and a file URL (batch typed per image)', () => {
    const out = JSON.parse(runOk(app, process.execPath, ['classify.mjs', INT8_MODEL, SYNSET, photo]));
    expect(out.single[0]).toBe(TENCH);
    expect(out.single).toHaveLength(3);
    expect(out.batch).toEqual([TENCH, TENCH, TENCH]);
    expect(out.batchLengths).toEqual([5, 5, 5]);
  });

  it('Node CommonJS require() gets the Node adapter', () => {
    const out = JSON.parse(runOk(app, process.execPath, ['classify.cjs', INT8_MODEL, SYNSET, photo]));
    expect(out).toEqual({ best: TENCH, nodeOnly: 'function' });
  });

  it('npx onnx-mobilenet classify, eval and --version work from a project that installed only onnx-mobilenet', () => {
    const classify = runOk(app, 'npx', ['--no-install', 'onnx-mobilenet', 'classify', photo, '--model', INT8_MODEL, '--labels', SYNSET, '--json']);
    expect(JSON.parse(classify).predictions[0].id).toBe(TENCH);
    const evalDir = join(app, 'eval-photos');
    mkdirSync(evalDir, { recursive: true });
    for (const p of photos().slice(0, 2)) copyFileSync(p.path, join(evalDir, `${p.wnid}_${p.name}.JPEG`));
    const evalOut = JSON.parse(runOk(app, 'npx', ['--no-install', 'onnx-mobilenet', 'eval', evalDir, '--model', INT8_MODEL, '--labels', SYNSET, '--json']));
    expect(evalOut.samples).toBe(2);
    expect(evalOut.runs[0].result.perSample[0]).toMatchObject({ expected: { id: TENCH } });
    expect(evalOut.runs[0].result.perSample[0].top5[0].id).toBe(TENCH);
    const version = runOk(app, 'npx', ['--no-install', 'onnx-mobilenet', '--version']).trim();
    expect(version).toBe(inject('version'));
  });

  it('with pnpm too: pnpm exec onnx-mobilenet classify', () => {
    const pnpmApp = join(inject('packedRoot'), 'pnpm-app');
    writeApp(pnpmApp, inject('tarballs'), 'pnpm');
    runOk(pnpmApp, 'pnpm', ['install', '--config.confirmModulesPurge=false'], consumerEnv());
    const out = runOk(pnpmApp, 'pnpm', ['exec', 'onnx-mobilenet', 'classify', photo, '--model', INT8_MODEL, '--labels', SYNSET, '--json']);
    expect(JSON.parse(out).predictions[0].id).toBe(TENCH);
  });
});

describeWithAssets('packed onnx-mobilenet in Bun and Deno', () => {
  const runtimes = inject('runtimes');
  for (const name of ['bun', 'deno'] as const) {
    const bin = runtimes[name];
    const skip = bin ? '' : `${name} not installable here (${runtimes.reasons[name]})`;
    if (skip && process.env.CI === 'true') throw new Error(`CI=true and ${skip}`);
    it.skipIf(Boolean(skip))(`${name} runs the ESM consumer${skip ? ` [skipped: ${skip}]` : ''}`, () => {
      const app = inject('npmApp');
      const photo = photos().find((p) => p.wnid === TENCH)!.path;
      copyFileSync(join(FIXTURES, 'classify.mjs'), join(app, 'classify.mjs'));
      const args = name === 'deno' ? ['run', '-A', 'classify.mjs'] : ['classify.mjs'];
      const r = run(app, bin!, [...args, INT8_MODEL, SYNSET, photo]);
      expect(r.stderr + r.stdout).not.toMatch(/error/i);
      const out = JSON.parse(r.stdout);
      expect(out.single[0]).toBe(TENCH);
      expect(out.batch).toEqual([TENCH, TENCH, TENCH]);
    });
  }

  const bunSkip = runtimes.bun ? '' : `bun not installable here (${runtimes.reasons.bun})`;
  it.skipIf(Boolean(bunSkip))(
    `bun install (it runs onnxruntime-node's trusted postinstall) then bun runs the consumer${bunSkip ? ` [skipped: ${bunSkip}]` : ''}`,
    () => {
      const tarballs = inject('tarballs');
      const app = join(inject('packedRoot'), 'bun-app');
      mkdirSync(app, { recursive: true });
      const internal = Object.fromEntries(Object.entries(tarballs).filter(([n]) => n !== 'onnx-mobilenet'));
      writeFileSync(
        join(app, 'package.json'),
        JSON.stringify({ name: 'bun-app', private: true, type: 'module', dependencies: { 'onnx-mobilenet': tarballs['onnx-mobilenet'] }, overrides: internal }),
      );
      runOk(app, runtimes.bun!, ['install']);
      copyFileSync(join(FIXTURES, 'classify.mjs'), join(app, 'classify.mjs'));
      const photo = photos().find((p) => p.wnid === TENCH)!.path;
      expect(JSON.parse(runOk(app, runtimes.bun!, ['classify.mjs', INT8_MODEL, SYNSET, photo])).batch).toEqual([TENCH, TENCH, TENCH]);
    },
  );
});
